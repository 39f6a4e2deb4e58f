"""Threads AnyIO did not start, on real AnyIO (issue 26).

- top-level `"threads": {"t1": {"start_at": 0.5, "steps": [...]}}`: a real
  threading.Thread per entry, made when the run is set up, that waits (in
  ThreadSync, as a worker thread's `block` does) until the virtual clock
  reaches start_at, then runs its thread steps in lock-step with the loop.
  Its log lines name the thread; what it returns is dropped, and what it
  raises is what threading.excepthook would print (recorded for --threads,
  not printed): the run is not affected.
- `{"current_token": "tok"}` is `tok = anyio.lowlevel.current_token()`;
- the thread step `{"from_thread": [...], "token": "tok"}` is
  `anyio.from_thread.run(fn, token=tok)` (the hook is in
  anyio_reference.py's thread_steps).  Without a token, from a plain thread,
  AnyIO raises NoEventLoopError, as check_cancelled() does.
- the thread step `{"from_thread_sync": [...], "token": "tok"}` (token
  optional in a worker thread) is `anyio.from_thread.run_sync(fn, token=tok)`
  with a plain `def fn():` running the statements (none of them awaits: the
  interpreter's coroutine is driven by hand and must finish at once).
"""
import sys
import threading


def _ref(interp):
    return sys.modules[type(interp).__module__]  # anyio_reference, run as __main__ or imported


def setup(interp):
    interp.tokens = {}
    interp.plain_jobs = []
    if "NoEventLoopError" not in interp.classes and hasattr(interp.anyio, "NoEventLoopError"):
        interp.classes["NoEventLoopError"] = interp.anyio.NoEventLoopError
    for name, spec in interp.doc.get("threads", {}).items():
        _start(interp, name, spec)


def _start(interp, name, spec):
    ref = _ref(interp)
    job = ref.Job(ref.Task(name), {"to_thread": spec["steps"]}, len(interp.jobs))
    job.ctx = ref.Ctx(job.task)
    job.plain = True
    interp.jobs.append(job)
    interp.plain_jobs.append(job)
    interp.threads.add_permit()  # held until the thread parks for its start_at
    t = threading.Thread(target=_main, args=(interp, ref, job, float(spec.get("start_at", 0))), name=name,
                         daemon=True)
    t.start()


def _main(interp, ref, job, start_at):
    ref._thread_local.job = job
    try:
        interp.threads.block(job, start_at)
    except ref.Stop:  # the run was given up before it started
        return
    job.start = interp.now()
    try:
        job.ended = {"returned": interp.thread_steps(job)}
    except ref.Stop:
        return
    except BaseException as e:  # noqa: BLE001 - threading.excepthook's: the run goes on
        job.ended = {"raised": ref.exc_json(e)}
    job.end = interp.now()
    job.ended_after_run = interp.ran
    interp.threads.consume()  # nobody waits for its end


async def _current_token(interp, st, ctx):
    interp.tokens[st["current_token"]] = interp.anyio.lowlevel.current_token()


def _from_thread_sync(interp, step, job):
    ref = _ref(interp)
    token = interp.tokens[step["token"]] if "token" in step else None
    if interp.ran:
        job.after_run.append({"t": ref.jnum(interp.now()), "from_thread": "called"})

    def fn():
        coro = interp.body(step["from_thread_sync"], ref.Ctx(job.task, job.ctx.tg))
        try:
            coro.send(None)
        except StopIteration as stop:
            r = stop.value
            return r.value if r is not None else None
        coro.close()
        raise RuntimeError("a from_thread_sync body awaited")

    interp.anyio.from_thread.run_sync(fn, token=token)


ACTIONS = {"current_token": _current_token}
THREAD_STEPS = {"from_thread_sync": _from_thread_sync}
