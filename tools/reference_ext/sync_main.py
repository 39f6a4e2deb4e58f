"""start_blocking_portal from the program's synchronous main thread, on real
AnyIO (issue 26; the engine's side is sim/core/sync_main.c).

A scenario with top-level `"sync_main": [thread steps]` in place of `main` is
a plain `def main():` run in Python's main thread; its thread step
`{"start_blocking_portal": "p", "body": [thread steps]}` is
`with anyio.from_thread.start_blocking_portal(backend, backend_options=...) as p:`
so the scenario's one event loop is the portal's, in the thread AnyIO starts,
with the same virtual loop factory / Trio clock the reference script gives
anyio.run().  The sync main runs as a plain thread of ThreadSync: it holds a
permit while it runs, gives it up while it waits on a concurrent future (the
portal's, a call's: reference_ext/portal.py's patched Future.result) and for
good before thread.join() (the loop then runs alone to its end).

The outcome: `result` is what main() returned or raised; the task `main` is
the loop's main task (AnyIO's run_portal), and how it ended (what its
`async with BlockingPortal()` raised: the event loop raises that, or on
asyncio a SystemExit / KeyboardInterrupt of a task directly, and AnyIO drops
it once the portal was handed out).  Log lines of the sync main (and of its portal calls) name
`MainThread`, Python's name for that thread.
"""
import sys
import threading

_saved = {}


def _ref(interp):
    return sys.modules[type(interp).__module__]  # anyio_reference, run as __main__ or imported


def setup(interp):
    interp.sync_options = None
    interp.sync_portal = None


def _patch(interp, rec, job):
    """Observe run_portal's end (its BlockingPortal's __aexit__) and let the
    sync main give up its permit before thread.join(); undone by _unpatch."""
    import anyio.from_thread as ft

    _saved["Portal"], _saved["Thread"] = ft.BlockingPortal, ft.Thread
    orig_portal = ft.BlockingPortal

    class BlockingPortal(orig_portal):
        async def __aexit__(self, exc_type, exc_val, exc_tb):
            if self is not interp.sync_portal:  # a portal of the scenario's own statements
                return await super().__aexit__(exc_type, exc_val, exc_tb)
            rec.wait = "task_group"  # run_portal waits for the portal's tasks (a deadlock says so)
            try:
                swallowed = await super().__aexit__(exc_type, exc_val, exc_tb)
            except BaseException as e:
                _ended(interp, rec, e)
                raise
            _ended(interp, rec, None if swallowed else exc_val)
            return swallowed

    class Thread(threading.Thread):
        def run(self):
            try:
                super().run()
            finally:
                _drive_after_loop(interp, job)

        def join(self, timeout=None):
            if getattr(_ref(interp)._thread_local, "job", None) is job:
                interp.threads.consume()  # the loop runs alone to its end
            return super().join(timeout)

    ft.BlockingPortal, ft.Thread = BlockingPortal, Thread


def _drive_after_loop(interp, job):
    """The loop is gone but main() may still be in the with body (it stopped
    the portal itself) and `block`: nobody drives the virtual clock to its
    wake-up any more, so the loop's thread does it on its way out."""
    ts = interp.threads
    while not ts.aborted:
        ts.sync()
        with ts.cond:
            mine = [w for w, _, j in ts.wakes if j is job]
        if not mine:
            return
        interp.set_time(max(interp.now(), min(mine)))
        ts.release_due(interp.now())


def _ended(interp, rec, exc):
    """run_portal's end (run_portal is never cancelled: its cancellation is
    its portal's task group's)."""
    if interp.frozen is None and rec.state == "unfinished":
        rec.end = interp.now()
        rec.state = "completed" if exc is None else "failed"
        rec.exc = exc


def _unpatch():
    import anyio.from_thread as ft

    if _saved:
        ft.BlockingPortal, ft.Thread = _saved.pop("Portal"), _saved.pop("Thread")


def run(interp, options):
    """The scenario's sync main in this (Python's main) thread; returns the
    outcome's result."""
    ref = _ref(interp)
    interp.sync_options = options
    rec = interp.new_task("main")  # the loop's main task: AnyIO's run_portal
    rec.started = True
    job = ref.Job(ref.Task("MainThread"), {"to_thread": interp.doc["sync_main"]}, len(interp.jobs))
    job.ctx = ref.Ctx(job.task)
    job.plain = True
    job.start = 0.0
    interp.jobs.append(job)
    ref._thread_local.job = job
    interp.threads.add_permit()  # held while main() runs
    _patch(interp, rec, job)
    try:
        try:
            r = interp.thread_steps(job)
            result = {"returned": r}
        except ref.Stop:
            result = None
        except BaseException as e:  # noqa: BLE001 - what main() raises is the outcome
            result = {"raised": ref.exc_json(e)}
    finally:
        _unpatch()
        ref._thread_local.job = None
        interp.threads.permits = 0
    job.end = interp.now()
    return result


def _start_blocking_portal(interp, step, job):
    portal_mod = interp.anyio.from_thread
    with portal_mod.start_blocking_portal(interp.backend, backend_options=interp.sync_options) as portal:
        interp.portals[step["start_blocking_portal"]] = interp.sync_portal = portal
        saved = job.st  # the body's thread steps run as the thread's own
        job.st = dict(saved, to_thread=step["body"])
        try:
            r = interp.thread_steps(job)
        finally:
            job.st = saved
    # thread_steps returned normally: with a top-level `return` in the body it
    # ran (nothing before it raised), and main() returns its value
    if any(isinstance(s, dict) and "return" in s for s in step["body"]):
        return _ref(interp).Ret(r)
    return None


THREAD_STEPS = {"start_blocking_portal": _start_blocking_portal}
