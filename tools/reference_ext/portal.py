"""Blocking portals on real AnyIO (issue 26): a BlockingPortal in async code,
called from worker threads.  The reference script's side only: cancelsim's
loader does not know these statements yet (the engine's part of issue 26's
portals is not done), so no corpus scenario uses them; they are here so that
real AnyIO's answers can be had for the format the engine will take.

- `{"blocking_portal": "p", "body": [...]}` is
  `async with anyio.from_thread.BlockingPortal() as p:` around the body;
- `{"portal_stop": "p", "cancel_remaining": b}` is
  `await p.stop(cancel_remaining=b)`;
- the thread step `{"portal_call": "p", "body": [...]}` is `p.call(fn)` in the
  worker thread, with `async def fn():` running the statements (their log
  lines name the task that called to_thread, as a from_thread body's do).

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
            self._cs_waiter = True  # the loop hands a permit back when it resolves it
            interp.threads.consume()
        return orig_result(self, timeout)

    def wake(self):
        if getattr(self, "_cs_waiter", False) and not self.done():
            self._cs_waiter = False
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
    _state["interp"] = interp
    _patch_futures()


async def _blocking_portal(interp, st, ctx):
    async with interp.anyio.from_thread.BlockingPortal() as portal:
        interp.portals[st["blocking_portal"]] = portal
        return await interp.body(st["body"], ctx)


async def _portal_stop(interp, st, ctx):
    await interp.portals[st["portal_stop"]].stop(cancel_remaining=st.get("cancel_remaining", False))


def _portal_call(interp, step, job):
    portal = interp.portals[step["portal_call"]]

    async def fn():
        r = await interp.body(step["body"], type(job.ctx)(job.task, job.ctx.tg))
        return r.value if r is not None else None

    portal.call(fn)


def sub_bodies(st):
    return [st["body"]] if isinstance(st, dict) and "blocking_portal" in st else []


ACTIONS = {"blocking_portal": _blocking_portal, "portal_stop": _portal_stop}
THREAD_STEPS = {"portal_call": _portal_call}
