"""Locks, semaphores and capacity limiters on real AnyIO (issue 18).

`async with` (with_lock, with_semaphore, with_limiter) and the explicit calls:
acquire / acquire_nowait / release (a limiter's with "on_behalf_of": NAME,
the borrower being the string NAME), set_total_tokens (limiter.total_tokens
= N), and statistics of one of them (the stream module hands it over): it
logs "X.statistics" with statistics()'s fields, owner / borrowers given as
task names (borrowers sorted: AnyIO gives them in a set's order), plus
value / max_value (Semaphore) and available_tokens (CapacityLimiter).

Declarations: "locks" is a list of names or name -> {"fast_acquire": B};
a semaphore is N or {"value": N, "max_value": M, "fast_acquire": B}.  A
lock is shared with conditions.py's Condition(lock).
"""
import dataclasses
import math


def setup(interp):
    interp.sync_objs = {}  # name -> Lock / Semaphore (made on first use)
    interp.task_names = {}  # anyio TaskInfo.id -> the scenario's task name


def _kind(interp, name):
    doc = interp.doc
    if name in doc.get("conditions", {}):
        return "condition"  # Condition.acquire / acquire_nowait / release: its lock
    locks = doc.get("locks", [])
    if name in locks:
        return "lock"
    if name in doc.get("semaphores", {}):
        return "semaphore"
    return "limiter"


def _obj(interp, name):
    kind = _kind(interp, name)
    if kind == "limiter":
        return interp.limiter(name)
    if kind == "condition":
        from . import conditions
        return conditions._cond(interp, name)
    objs = interp.sync_objs
    if name not in objs:
        if kind == "lock":
            locks = interp.doc["locks"]
            fast = isinstance(locks, dict) and locks[name].get("fast_acquire", False)
            cond_locks = interp.__dict__.setdefault("cond_locks", {})
            objs[name] = cond_locks.setdefault(name, interp.anyio.Lock(fast_acquire=fast))
        else:
            d = interp.doc["semaphores"][name]
            if isinstance(d, int):
                d = {"value": d}
            objs[name] = interp.anyio.Semaphore(d["value"], max_value=d.get("max_value"),
                                                fast_acquire=d.get("fast_acquire", False))
    return objs[name]


def _me(interp, ctx):
    interp.task_names[interp.anyio.get_current_task().id] = ctx.task.name


def _wait_label(interp, name):
    return f"{_kind(interp, name)} {name}"


async def _with(interp, st, ctx, key):
    name = st[key]
    _me(interp, ctx)
    ctx.task.wait = _wait_label(interp, name)
    async with _obj(interp, name):
        ctx.task.wait = None
        return await interp.body(st["body"], ctx)


async def _with_lock(interp, st, ctx):
    return await _with(interp, st, ctx, "with_lock")


async def _with_semaphore(interp, st, ctx):
    return await _with(interp, st, ctx, "with_semaphore")


async def _with_limiter(interp, st, ctx):
    return await _with(interp, st, ctx, "with_limiter")


async def _acquire(interp, st, ctx):
    name = st["acquire"]
    _me(interp, ctx)
    ctx.task.wait = _wait_label(interp, name)
    if "on_behalf_of" in st:
        await _obj(interp, name).acquire_on_behalf_of(st["on_behalf_of"])
    else:
        await _obj(interp, name).acquire()


async def _acquire_nowait(interp, st, ctx):
    name = st["acquire_nowait"]
    _me(interp, ctx)
    if "on_behalf_of" in st:
        _obj(interp, name).acquire_on_behalf_of_nowait(st["on_behalf_of"])
    else:
        _obj(interp, name).acquire_nowait()


async def _release(interp, st, ctx):
    name = st["release"]
    if "on_behalf_of" in st:
        _obj(interp, name).release_on_behalf_of(st["on_behalf_of"])
    else:
        _obj(interp, name).release()


async def _set_total_tokens(interp, st, ctx):
    v = st["value"]
    _obj(interp, st["set_total_tokens"]).total_tokens = math.inf if v == "inf" else v


def _jnum(x):
    return "inf" if isinstance(x, float) and math.isinf(x) else x


def _who(interp, b):
    if isinstance(b, str):
        return b
    return interp.task_names.get(id(b), repr(b))


def _lock_stats(interp, raw):
    stats = {f.name: getattr(raw, f.name) for f in dataclasses.fields(raw)}
    owner = stats["owner"]
    stats["owner"] = None if owner is None else interp.task_names.get(owner.id, owner.name)
    return stats


def statistics(interp, name, ctx):
    """Logs NAME.statistics for a lock, semaphore, limiter or condition."""
    if name in interp.doc.get("conditions", {}):
        from . import conditions
        raw = conditions._cond(interp, name).statistics()
        stats = {"tasks_waiting": raw.tasks_waiting, "lock_statistics": _lock_stats(interp, raw.lock_statistics)}
        interp.add_log(ctx.task, f"{name}.statistics", stats)
        return
    obj = _obj(interp, name)
    raw = obj.statistics()
    stats = {f.name: getattr(raw, f.name) for f in dataclasses.fields(raw)}
    kind = _kind(interp, name)
    if kind == "lock":
        stats = _lock_stats(interp, raw)
    elif kind == "semaphore":
        stats["value"] = obj.value
        stats["max_value"] = obj.max_value
    else:
        stats["borrowers"] = sorted(_who(interp, b) for b in stats["borrowers"])
        stats["total_tokens"] = _jnum(stats["total_tokens"])
        stats["available_tokens"] = _jnum(obj.available_tokens)
    interp.add_log(ctx.task, f"{name}.statistics", stats)


def is_sync_name(interp, name):
    doc = interp.doc
    return (name in doc.get("locks", []) or name in doc.get("semaphores", {})
            or name in doc.get("limiters", {}) or name == "default" or name in doc.get("conditions", {}))


async def _locked(interp, st, ctx):
    """l.locked() / cond.locked(), logged as a probe's value."""
    name = st["locked"]
    interp.add_log(ctx.task, f"{name}.locked", _obj(interp, name).locked())


ACTIONS = {"locked": _locked, "with_lock": _with_lock, "with_semaphore": _with_semaphore, "with_limiter": _with_limiter,
           "acquire": _acquire, "acquire_nowait": _acquire_nowait, "release": _release,
           "set_total_tokens": _set_total_tokens}


def sub_bodies(st):
    if isinstance(st, dict) and any(k in st for k in ("with_lock", "with_semaphore", "with_limiter")):
        return [st["body"]]
    return []
