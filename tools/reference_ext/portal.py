"""Blocking portals on real AnyIO (issue 26): a BlockingPortal in async code,
called from worker threads (scenarios/portal/portal-*.json; the engine's
side is sim/core/portal.c).

- `{"blocking_portal": "p", "body": [...]}` is
  `async with anyio.from_thread.BlockingPortal() as p:` around the body;
- `{"portal_stop": "p", "cancel_remaining": b}` is
  `await p.stop(cancel_remaining=b)`;
- the thread step `{"portal_call": "p", "body": [...]}` is `p.call(fn)` in the
  worker thread, with `async def fn():` running the statements (their log
  lines name the task that called to_thread, as a from_thread body's do);
- `{"portal_start_task_soon": "p", "body": [...], "future": "f"}` is
  `f = p.start_task_soon(fn)`; `{"future_result": "f"}` is `f.result()` and
  `{"future_cancel": "f"}` is `f.cancel()` (a concurrent.futures.Future);
- the thread step `{"portal_stop": "p", "cancel_remaining": b}` is
  `p.call(p.stop, b)`;
- `{"portal_start_task": "p", "body": [... "started" ...], "future": "f"}` is
  `f, _ = p.start_task(fn)` (`started` in the body is the portal's
  task_status.started());
- `{"portal_with": "p", "manager": "G", "body": [thread steps]}` is
  `with p.wrap_async_context_manager(G()): ...` in the thread.

Worker threads run in lock-step with the loop (anyio_reference.ThreadSync):
portal.call() waits on concurrent.futures.Future objects twice (the
run_sync_from_thread that spawns the task, then the call's own future), so a
worker that waits on a future not yet done gives up its permit, and the loop
hands one back when it resolves that future.
"""
import concurrent.futures

_state = {"interp": None, "patched": False}


def _patch_futures():
    """Lock-step for waits on concurrent futures (once per process)."""
    if _state["patched"]:
        return
    _state["patched"] = True
    cls = concurrent.futures.Future
    orig_result, orig_set_result, orig_set_exception = cls.result, cls.set_result, cls.set_exception
    orig_cancel = cls.cancel

    def job_of_thread(interp):
        try:
            return interp.job_of_thread()  # the worker thread's Job, set when its function starts
        except AttributeError:
            return None  # not a worker thread of the scenario

    def result(self, timeout=None):
        interp = _state["interp"]
        job = job_of_thread(interp) if interp else None
        if job is not None and getattr(job, "fut", None) is not self and not self.done():
            with self._condition:  # counted under the future's lock: two threads may wait on it
                waiting = not self.done()
                if waiting:
                    self._cs_waiters = getattr(self, "_cs_waiters", 0) + 1  # the loop hands the permits back
            if waiting:
                interp.threads.consume()
        return orig_result(self, timeout)

    def wake(self):
        with self._condition:
            n = getattr(self, "_cs_waiters", 0) if not self.done() else 0
            self._cs_waiters = 0
        for _ in range(n):  # one permit for each thread in its result()
            _state["interp"].threads.add_permit()

    def set_result(self, value):
        wake(self)
        return orig_set_result(self, value)

    def set_exception(self, exc):
        wake(self)
        return orig_set_exception(self, exc)

    def cancel(self):
        wake(self)
        return orig_cancel(self)

    cls.result, cls.set_result, cls.set_exception, cls.cancel = result, set_result, set_exception, cancel


def setup(interp):
    interp.portals = {}
    interp.portal_futures = {}
    _state["interp"] = interp
    _patch_futures()


async def _blocking_portal(interp, st, ctx):
    async with interp.anyio.from_thread.BlockingPortal() as portal:
        interp.portals[st["blocking_portal"]] = portal
        return await interp.body(st["body"], ctx)


async def _portal_stop(interp, st, ctx):
    await interp.portals[st["portal_stop"]].stop(cancel_remaining=st.get("cancel_remaining", False))


def _call_fn(interp, step, job):
    """The async function a portal runs: the step's statements, in the name
    of the task that called to_thread (as a from_thread body's are)."""
    async def fn():
        r = await interp.body(step["body"], type(job.ctx)(job.task, job.ctx.tg))
        return r.value if r is not None else None

    return fn


class _StatusTask:
    """The host task's record, with the portal's task_status for `started`."""

    def __init__(self, task, task_status):
        self.__dict__["_task"], self.__dict__["task_status"] = task, task_status

    def __getattr__(self, k):
        return getattr(self._task, k)

    def __setattr__(self, k, v):
        setattr(self._task, k, v)


def _portal_start_task(interp, step, job):
    portal = interp.portals[step["portal_start_task"]]

    async def fn(task_status):
        ctx = type(job.ctx)(_StatusTask(job.task, task_status), job.ctx.tg)
        r = await interp.body(step["body"], ctx)
        return r.value if r is not None else None

    interp.portal_futures[step["future"]], v = portal.start_task(fn, name=step.get("name"))
    bind(job, step, v)


def _portal_with(interp, step, job):
    from . import generators  # the scenario's @asynccontextmanager functions

    portal = interp.portals[step["portal_with"]]
    ctx = type(job.ctx)(job.task, job.ctx.tg)
    cm = generators.contextlib.asynccontextmanager(lambda: generators._gen(interp, step, ctx, "manager"))()
    with portal.wrap_async_context_manager(cm):
        saved = job.st  # the body's thread steps run as the thread's own
        job.st = dict(saved, to_thread=step["body"])
        try:
            interp.thread_steps(job)
        finally:
            job.st = saved


def bind(job, step, v):
    """`as` on a thread step: a named value of the thread function (its
    locals, shared by a wrapped manager's body, which runs in the same
    function)."""
    if "as" in step:
        job.__dict__.setdefault("vars", {})[step["as"]] = v


def _thread_value(job, x):
    if isinstance(x, dict):
        return job.__dict__.setdefault("vars", {})[x["name"]]
    return x


def _thread_print(interp, step, job):
    interp.add_log(job.task, " ".join(str(_thread_value(job, x)) for x in step["print"]))


def _thread_return_value(interp, step, job):
    from .dataflow import _ret

    return _ret(interp, _thread_value(job, {"name": step["return_value"]}))


def _portal_call(interp, step, job):
    bind(job, step, interp.portals[step["portal_call"]].call(_call_fn(interp, step, job)))


def _portal_start_task_soon(interp, step, job):
    portal = interp.portals[step["portal_start_task_soon"]]
    interp.portal_futures[step["future"]] = portal.start_task_soon(_call_fn(interp, step, job),
                                                                   name=step.get("name"))


def _thread_portal_stop(interp, step, job):
    portal = interp.portals[step["portal_stop"]]
    portal.call(portal.stop, step.get("cancel_remaining", False))


def _future_result(interp, step, job):
    bind(job, step, interp.portal_futures[step["future_result"]].result())


def _future_cancel(interp, step, job):
    bind(job, step, interp.portal_futures[step["future_cancel"]].cancel())


def sub_bodies(st):
    return [st["body"]] if isinstance(st, dict) and "blocking_portal" in st else []


ACTIONS = {"blocking_portal": _blocking_portal, "portal_stop": _portal_stop}
THREAD_STEPS = {
    "portal_call": _portal_call,
    "portal_start_task_soon": _portal_start_task_soon,
    "future_result": _future_result,
    "future_cancel": _future_cancel,
    "portal_stop": _thread_portal_stop,
    "portal_start_task": _portal_start_task,
    "portal_with": _portal_with,
    "print": _thread_print,
    "return_value": _thread_return_value,
}
