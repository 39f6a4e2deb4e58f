"""Native asyncio inside AnyIO code, on real AnyIO (asyncio backend only).

- {"asyncio_create_task": "t", "body": [...]}: asyncio.create_task(coro,
  name="t"), a task no task group owns (its record is a task like any other);
- {"asyncio_await": "t"}: `await t` (the task's exception or CancelledError
  comes out as it is; cancelling the awaiting task cancels t: t is its
  _fut_waiter);
- {"asyncio_cancel": "t", "msg": "..."}: t.cancel(msg);
- "uncancel": asyncio.current_task().uncancel(); {"uncancel": "t"}: t.uncancel()
  of a native task t;
- {"asyncio_probe": "cancelling" | "done" | "cancelled", "task": "t"}: logs
  t.cancelling() (a number) or t.done() / t.cancelled() (booleans), of the
  current task when "task" is absent (msg "t.cancelling" or "cancelling");
- {"wait_for": "w", "timeout": D, "body": [...]}: `await asyncio.wait_for(w, D)`
  with w = asyncio.create_task(body) (ensure_future's Task, named);
- {"asyncio_shield": "t"}: `await asyncio.shield(t)`;
- {"asyncio_task_group": [...]}: `async with asyncio.TaskGroup() as tg:`, and
  {"asyncio_tg_create_task": "t", "body": [...]}: `t = tg.create_task(coro,
  name="t")` of the innermost one (its tasks kept in creation order);
- {"asyncio_future": "f"}: f = loop.create_future(); {"await_future": "f"}:
  `await f`; {"future_set_result": "f"}: f.set_result(None);
  {"future_cancel": "f", "msg": "..."}: f.cancel(msg);
- {"asyncio_timeout": D, "body": [...]}, {"asyncio_timeout_at": T, ...}:
  `async with asyncio.timeout(D)` / `asyncio.timeout_at(T)` (TimeoutError out
  of the block when it expired and the cancellation was its own).
"""


def setup(interp):
    interp.native = {}
    interp.futures = {}
    _patch_task_group_order()


def _patch_task_group_order():
    """asyncio.TaskGroup keeps its tasks in a set (aborted in hash order);
    use the order of creation, as the script does for AnyIO's scope sets."""
    import asyncio

    from anyio_reference import _OrderedSet  # noqa: PLC0415 - the script is the importer

    orig = asyncio.TaskGroup.__init__
    if getattr(orig, "_reference_patched", False):
        return

    def init(self, *args, **kwargs):
        orig(self, *args, **kwargs)
        self._tasks = _OrderedSet()

    init._reference_patched = True
    asyncio.TaskGroup.__init__ = init


def _task(interp, name):
    import asyncio

    return asyncio.current_task() if name is None else interp.native[name]


async def _create_task(interp, st, ctx):
    import asyncio

    from anyio_reference import Ctx  # noqa: PLC0415 - the script is the importer

    _spawn(interp, st["asyncio_create_task"], st["body"], ctx)


def _spawn(interp, name, body, ctx, tg=None):
    import asyncio

    from anyio_reference import Ctx  # noqa: PLC0415 - the script is the importer

    rec = interp.new_task(interp.instance(name))
    coro = interp.task_main(rec, body, Ctx(rec, ctx.tg))
    try:
        task = (tg or asyncio).create_task(coro, name=rec.name)
    except BaseException:
        coro.close()
        interp.tasks.remove(rec)  # refused (a finished or aborting group): the task never existed
        raise

    def done(t):  # cancelled before its first step: the coroutine never ran
        if t.cancelled() and rec.state == "unfinished":
            interp.finished(rec, asyncio.CancelledError())

    task.add_done_callback(done)
    interp.native[name] = task
    return task


async def _await(interp, st, ctx):
    name = st["asyncio_await"]
    ctx.task.wait = f"asyncio_await {name}"
    await interp.native[name]


async def _wait_for(interp, st, ctx):
    import asyncio

    name = st["wait_for"]
    task = _spawn(interp, name, st["body"], ctx)
    d = st["timeout"]
    ctx.task.wait = f"asyncio_await {name}"
    await asyncio.wait_for(task, None if d is None else interp.dur(d, ctx.task, ctx.vars))


async def _shield(interp, st, ctx):
    import asyncio

    name = st["asyncio_shield"]
    ctx.task.wait = f"asyncio_await {name}"
    await asyncio.shield(interp.native[name])


async def _task_group(interp, st, ctx):
    import asyncio

    stack = ctx.task.__dict__.setdefault("atg", [])
    r = None  # stays None when the group swallows what the body raised
    async with asyncio.TaskGroup() as tg:
        stack.append(tg)
        try:
            r = await interp.body(st["asyncio_task_group"], ctx)
        finally:
            stack.pop()
            ctx.task.wait = "asyncio.TaskGroup"
    ctx.task.wait = None
    return r


async def _tg_create_task(interp, st, ctx):
    _spawn(interp, st["asyncio_tg_create_task"], st["body"], ctx, ctx.task.atg[-1])


async def _future(interp, st, ctx):
    import asyncio

    interp.futures[st["asyncio_future"]] = asyncio.get_running_loop().create_future()


async def _await_future(interp, st, ctx):
    name = st["await_future"]
    ctx.task.wait = f"asyncio_future {name}"
    await interp.futures[name]


async def _future_set_result(interp, st, ctx):
    interp.futures[st["future_set_result"]].set_result(None)


async def _future_cancel(interp, st, ctx):
    interp.futures[st["future_cancel"]].cancel(st.get("msg"))


async def _cancel(interp, st, ctx):
    interp.native[st["asyncio_cancel"]].cancel(st.get("msg"))


async def _uncancel(interp, st, ctx):
    _task(interp, st.get("uncancel") if isinstance(st, dict) else None).uncancel()


async def _probe(interp, st, ctx):
    what = st["asyncio_probe"]
    name = st.get("task")
    v = getattr(_task(interp, name), what)()
    interp.add_log(ctx.task, f"{name}.{what}" if name else what, float(v) if what == "cancelling" else v)


async def _timeout(interp, st, ctx):
    import asyncio

    if "asyncio_timeout" in st:
        d = st["asyncio_timeout"]
        cm = asyncio.timeout(None if d is None else interp.dur(d, ctx.task, ctx.vars))
    else:
        cm = asyncio.timeout_at(st["asyncio_timeout_at"])
    async with cm:
        return await interp.body(st["body"], ctx)


ACTIONS = {"asyncio_create_task": _create_task, "asyncio_await": _await, "asyncio_cancel": _cancel,
           "uncancel": _uncancel, "asyncio_probe": _probe, "asyncio_timeout": _timeout,
           "asyncio_timeout_at": _timeout, "wait_for": _wait_for, "asyncio_shield": _shield,
           "asyncio_task_group": _task_group, "asyncio_tg_create_task": _tg_create_task,
           "asyncio_future": _future, "await_future": _await_future, "future_set_result": _future_set_result,
           "future_cancel": _future_cancel}
ZERO_ARG = {"uncancel"}



def sub_bodies(st):
    if isinstance(st, dict) and "asyncio_task_group" in st:
        return [st["asyncio_task_group"]]
    return []


def outcome(interp, out):
    """A task spawned by a native task that outlived main, cancelled by
    asyncio.Runner.close() before its first step, never ran its coroutine, so
    the script saw nothing of it; the runner ran every task to its end, so
    such a task ended cancelled when the run ended."""
    if not interp.native or not out["result"] or set(out["result"]) - {"returned", "raised"}:
        return
    for entry in out["tasks"].values():
        if entry["state"] == "unfinished":
            entry["state"] = "cancelled"
            entry["end"] = out["end_time"]
