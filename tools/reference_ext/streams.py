"""Memory object streams on real AnyIO (anyio.create_memory_object_stream).

The file declares each stream's two ends under "memory_streams" (a list of
{"send": NAME, "receive": NAME, "max_buffer_size": N | "inf"}); statements
name an end.  A clone gets the name its `clone` statement gives it ("as");
a name made again (a clone run twice) means its latest object, as a
rebinding does in Python.  Received items are logged as "END.receive" (or
"END.receive_nowait") with the item as the value; {"statistics": END} logs
"END.statistics" with statistics()._asdict() as the value.
"""
import math


def setup(interp):
    interp.stream_ends = {}  # end name -> its latest object (made on first use)


def _jnum(x):
    if isinstance(x, float) and math.isinf(x):
        return "inf" if x > 0 else "-inf"
    return x


def _end(interp, name):
    ends = interp.stream_ends
    if name not in ends:
        for decl in interp.doc.get("memory_streams", []):
            if name in (decl["send"], decl["receive"]):
                size = decl.get("max_buffer_size", 0)
                tx, rx = interp.anyio.create_memory_object_stream(math.inf if size == "inf" else size)
                ends[decl["send"]] = tx
                ends[decl["receive"]] = rx
                break
    return ends[name]


async def _send(interp, st, ctx):
    name = st["send"]
    ctx.task.wait = f"send {name}"
    await _end(interp, name).send(st.get("item"))


async def _send_nowait(interp, st, ctx):
    _end(interp, st["send_nowait"]).send_nowait(st.get("item"))


async def _receive(interp, st, ctx):
    name = st["receive"]
    ctx.task.wait = f"receive {name}"
    item = await _end(interp, name).receive()
    interp.add_log(ctx.task, f"{name}.receive", item)


async def _receive_nowait(interp, st, ctx):
    name = st["receive_nowait"]
    item = _end(interp, name).receive_nowait()
    interp.add_log(ctx.task, f"{name}.receive_nowait", item)


async def _async_for(interp, st, ctx):
    name = st["async_for"]
    rx = _end(interp, name)
    ctx.task.wait = f"receive {name}"
    async for item in rx:
        ctx.task.wait = None
        interp.add_log(ctx.task, f"{name}.receive", item)
        r = await interp.body(st["body"], ctx)
        if r is not None:
            return r
        ctx.task.wait = f"receive {name}"
    return None


async def _close(interp, st, ctx):
    _end(interp, st["close"]).close()


async def _aclose(interp, st, ctx):
    if st["aclose"] in getattr(interp, "agens", {}):  # a generator object's (generators.py, issue 19)
        from .generators import agen_aclose
        return await agen_aclose(interp, st["aclose"], ctx)
    await _end(interp, st["aclose"]).aclose()


async def _clone(interp, st, ctx):
    interp.stream_ends[st["as"]] = _end(interp, st["clone"]).clone()


async def _with_stream(interp, st, ctx):
    async with _end(interp, st["with_stream"]):
        return await interp.body(st["body"], ctx)


async def _statistics(interp, st, ctx):
    name = st["statistics"]
    if not any(name in (d["send"], d["receive"]) for d in interp.doc.get("memory_streams", [])) \
            and name not in interp.stream_ends:
        from . import sync_extra  # a lock's, semaphore's or limiter's (issue 18)
        if sync_extra.is_sync_name(interp, name):
            return sync_extra.statistics(interp, name, ctx)
    stats = _end(interp, name).statistics()._asdict()
    interp.add_log(ctx.task, f"{name}.statistics", {k: _jnum(v) for k, v in stats.items()})


ACTIONS = {"send": _send, "send_nowait": _send_nowait, "receive": _receive, "receive_nowait": _receive_nowait,
           "async_for": _async_for, "close": _close, "aclose": _aclose, "clone": _clone,
           "with_stream": _with_stream, "statistics": _statistics}


def sub_bodies(st):
    if isinstance(st, dict) and ("async_for" in st or "with_stream" in st):
        return [st["body"]]
    return []

