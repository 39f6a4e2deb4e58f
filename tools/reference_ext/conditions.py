"""anyio.Condition on real AnyIO.

The file declares conditions under "conditions": {"cond": {}} is
anyio.Condition(), {"cond": {"lock": "l"}} is anyio.Condition(l) with the
declared lock l (made on first use, shared with `with_lock`, which this
script does not run; a condition's own lock is its own).
"""


def setup(interp):
    interp.conditions = {}


def _cond(interp, name):
    if name not in interp.conditions:
        decl = interp.doc["conditions"][name]
        lock = None
        if "lock" in decl:
            locks = interp.__dict__.setdefault("cond_locks", {})
            lock = locks.setdefault(decl["lock"], interp.anyio.Lock())
        interp.conditions[name] = interp.anyio.Condition(lock)
    return interp.conditions[name]


async def _with_condition(interp, st, ctx):
    name = st["with_condition"]
    ctx.task.wait = f"condition {name}"
    if hasattr(interp, "task_names"):  # statistics() names the owner (sync_extra.py)
        interp.task_names[interp.anyio.get_current_task().id] = ctx.task.name
    async with _cond(interp, name):
        ctx.task.wait = None
        return await interp.body(st["body"], ctx)


async def _condition_wait(interp, st, ctx):
    name = st["condition_wait"]
    ctx.task.wait = f"condition {name}"
    await _cond(interp, name).wait()


async def _notify(interp, st, ctx):
    _cond(interp, st["notify"]).notify(st.get("n", 1))


async def _notify_all(interp, st, ctx):
    _cond(interp, st["notify_all"]).notify_all()


ACTIONS = {"with_condition": _with_condition, "condition_wait": _condition_wait, "notify": _notify,
           "notify_all": _notify_all}


def sub_bodies(st):
    if isinstance(st, dict) and "with_condition" in st:
        return [st["body"]]
    return []
