"""Async generators and @asynccontextmanager on real AnyIO (issue 19).

A function of "functions" whose body holds `yield` statements is an async
generator function.  Its body is run by the interpreter (a coroutine), so a
real async generator drives that coroutine by hand (`_agen`): each awaitable
the body yields to the event loop (an asyncio future, a Trio trap) is passed
up through the generator's own `await`, and a `yield` statement is a marker
the generator turns into a real `yield`.  What the consumer throws in at the
`yield` (athrow, aclose's GeneratorExit) is thrown into the coroutine there,
so scopes, task groups, try/finally and awaits in `finally` behave as in a
hand-written generator, on either backend.

- {"async_with": FN, "args": [...], "as": V, "body": [...]}:
  async with contextlib.asynccontextmanager(FN)(*args) as V: body
- {"aclosing": FN, "args": [...], "as": V, "body": [...]}:
  async with contextlib.aclosing(FN(*args)) as g: async for V in g: body
- {"yield": VALUE}: yield VALUE
- {"reenter": NAME, "body": [...]}: `with s:` (`async with tg:`) again on the
  latest instance of a declared scope or task group: the misuse AnyIO refuses
- {"agen": FN, "args": [...], "as": G}: G = FN(*args), a generator object held
  by name (the latest one made under G)
- {"anext": G, "as": V}: V = await anext(G)
- {"aclose": G} on a generator object: await G.aclose() (streams.py's aclose
  hands a name that is no stream end over to agen_aclose here)
"""
import contextlib
import sys

from . import dataflow


class _Carrier(BaseException):
    """Carries what is thrown in at a `yield` down to the yield itself.

    Throwing GeneratorExit straight into the body's coroutine would close()
    each coroutine it awaits through (CPython closes a delegate on
    GeneratorExit), and a close() forbids the awaits a generator's finally
    may do after aclose(); the carrier is thrown instead and the yield raises
    what it carries, as a real generator does at its yield."""

    def __init__(self, exc):
        self.exc = exc


class _Yielded:
    """What `yield VALUE` awaits: the marker _agen turns into a real yield."""

    def __init__(self, value):
        self.value = value

    def __await__(self):
        try:
            return (yield self)
        except _Carrier as c:
            exc = c.exc
        raise exc  # outside the except: no __context__ from the carrier


class _Pass:
    """Passes one object the body yielded up to the event loop, unchanged."""

    def __init__(self, obj):
        self.obj = obj

    def __await__(self):
        return (yield self.obj)


async def _agen(coro):
    send, throw = None, None
    try:
        while True:
            try:
                out = coro.throw(throw) if throw is not None else coro.send(send)
            except StopIteration:
                return
            send, throw = None, None
            if isinstance(out, _Yielded):
                try:
                    send = yield out.value
                except BaseException as e:  # athrow(), aclose(): raised at the yield
                    throw = _Carrier(e)
            else:
                try:
                    send = await _Pass(out)
                except BaseException as e:  # a cancellation delivered at the body's await
                    throw = e
    finally:
        coro.close()


def _gen(interp, st, ctx, key, keep_ctx=None):
    fn = interp.functions[st[key]]
    ctx_cls = sys.modules[type(interp).__module__].Ctx
    gctx = ctx_cls(ctx.task, None, dataflow.call_vars(interp, fn, st, ctx))
    if keep_ctx is not None:
        keep_ctx.append(gctx)
    return _agen(interp.body(dataflow.function_body(fn), gctx))


async def _yield(interp, st, ctx):
    await _Yielded(st["yield"])


async def _async_with(interp, st, ctx):
    cm = contextlib.asynccontextmanager(lambda: _gen(interp, st, ctx, "async_with"))()
    async with cm as v:
        dataflow.bind(ctx, st, v)
        return await interp.body(st["body"], ctx)


async def _aclosing(interp, st, ctx):
    async with contextlib.aclosing(_gen(interp, st, ctx, "aclosing")) as g:
        async for item in g:
            dataflow.bind(ctx, st, item)
            r = await interp.body(st["body"], ctx)
            sig = dataflow.loop_signal(r)
            if sig == "break":
                break
            if sig is None and r is not None:
                return r
    return None


async def _reenter(interp, st, ctx):
    obj = interp.latest[st["reenter"]]
    if isinstance(obj, interp.anyio.abc.TaskGroup):
        async with obj:
            return await interp.body(st["body"], ctx)
    with obj:
        return await interp.body(st["body"], ctx)


class _Obj:
    """A generator object and its body's context: whichever task resumes it
    runs its code (its log lines and waits are that task's)."""

    def __init__(self, interp, st, ctx):
        keep = []
        self.agen = _gen(interp, st, ctx, "agen", keep)
        self.ctx = keep[0]

    def driven_by(self, ctx):
        if not self.agen.ag_running:  # a running one stays with its task: CPython refuses the call
            self.ctx.task = ctx.task
        return self.agen


async def _agen_make(interp, st, ctx):
    interp.agens[st["as"]] = _Obj(interp, st, ctx)


async def _anext(interp, st, ctx):
    dataflow.bind(ctx, st, await anext(interp.agens[st["anext"]].driven_by(ctx)))


async def agen_aclose(interp, name, ctx):
    await interp.agens[name].driven_by(ctx).aclose()


def setup(interp):
    interp.agens = {}  # name -> the latest generator object made under it
    interp.classes.setdefault("StopAsyncIteration", StopAsyncIteration)


ACTIONS = {"yield": _yield, "async_with": _async_with, "aclosing": _aclosing, "reenter": _reenter,
           "agen": _agen_make, "anext": _anext}
