#!/usr/bin/env python3
"""python_real.py - run an AnyIO program (tests/python/*.py) on real AnyIO in
virtual time and print what cancelsim's outcome says about it, as JSON:

    python3 tests/python_real.py FILE.py --backend asyncio|trio|both

    {"result": {"returned": V} | {"raised": EXC} | {"deadlock": {}},
     "end_time": T, "log": [{"t": T, "msg": "printed line"}, ...]}

(a list of two, asyncio then Trio, for --backend both).

The clocks are tools/anyio_reference.py's (asyncio: a loop whose clock jumps
to the next timer; Trio: MockClock(autojump_threshold=0)), with its canonical
orders (scope task sets in order of entry, Trio batches FIFO).  The program's
module is executed with `anyio.run` held back (its final `anyio.run(main)`
only names the function), `print` recording each line with the virtual time,
and `time.sleep` in the event loop's thread advancing the clock without
yielding, as blocking code does (a thread whose sleep ends meanwhile runs
at its own instant).  Worker threads (`to_thread.run_sync`) run
their function in lock-step with the loop (LockStep): the loop waits until a
released thread blocks again (a virtual `time.sleep`, a `from_thread` call,
a wait on a concurrent future not yet done: a portal call, `run_sync`; or
its end), and a thread's `time.sleep(d)` ends when the loop's clock reaches
its start plus d.  A `threading.Thread` the program starts (at module level
or in main) is in lock-step too, and first runs when the loop next waits.

Exit status 0; 3 when AnyIO (or Trio) is not importable.
"""
import argparse
import ast
import inspect
import json
import os
import sys
import threading

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "tools"))
import anyio_reference as ref  # noqa: E402


class Clocks:
    """What the reference clocks need (loop, on_deadlock) plus the record."""

    def __init__(self, backend):
        self.backend = backend
        self.loop = None
        self.clock = None
        self.log = []
        self.deadlocked = False
        self.ls = None  # the run's LockStep (busy releases its threads)

    def now(self):
        if self.backend == "trio":
            return self.clock.current_time() if self.clock else 0.0
        return self.loop.vt if self.loop else 0.0

    def on_deadlock(self):
        self.deadlocked = True
        raise ref.Deadlock()

    def busy(self, d):
        """time.sleep in the loop's thread: the clock goes on, and a thread whose
        sleep ends meanwhile runs at its own instant (as the reference script's
        Interp.busy releases it), not when the loop next waits."""
        target = self.now() + d
        while self.ls is not None and self.ls.next_wake() <= target:
            self.advance(max(self.now(), self.ls.next_wake()))
            self.ls.wake_next()
        self.advance(target)

    def advance(self, t):
        if self.backend == "trio":
            self.clock.jump(max(0.0, t - self.clock.current_time()))
        else:
            self.loop.vt = max(self.loop.vt, t)


class LockStep:
    """Worker threads in lock-step with the event loop, in virtual time.

    `permits` counts released threads (dispatched, woken from a virtual
    sleep, or handed a from_thread result) that have not yet reached their
    next blocking point; the loop thread waits for it to be 0 before each
    step (asyncio: each handle; Trio: each task step, and before the clock
    jumps).  A thread's time.sleep(d) parks it until the loop's clock reaches
    now + d: the loop treats that wake-up as a timer.  After the run every
    parked thread is let go (abandoned threads end without being recorded)."""

    WAIT = 30.0  # real seconds: a thread that never blocks again is a bug here

    def __init__(self, clocks):
        self.clocks = clocks
        self.cond = threading.Condition()
        self.permits = 0
        self.sleepers = []  # [wake time, sequence, parked flag list]
        self.seq = 0
        self.closed = False

    def add_permit(self):
        with self.cond:
            self.permits += 1

    def release(self):
        with self.cond:
            self.permits -= 1
            self.cond.notify_all()

    def wait_quiet(self):
        with self.cond:
            if not self.cond.wait_for(lambda: self.permits <= 0, self.WAIT):
                raise RuntimeError("python_real.py: a worker thread did not block again")

    def next_wake(self):
        with self.cond:
            return min(self.sleepers)[0] if self.sleepers else float("inf")

    def wake_next(self):
        """Loop thread: the earliest parked thread runs on (the clock is at its time)."""
        with self.cond:
            entry = min(self.sleepers)
            self.sleepers.remove(entry)
            self.permits += 1
            entry[2][0] = True
            self.cond.notify_all()
        self.wait_quiet()

    def thread_sleep(self, d):
        with self.cond:
            if self.closed:
                return
            self.seq += 1
            go = [False]
            self.sleepers.append([self.clocks.now() + d, self.seq, go])
            self.permits -= 1
            self.cond.notify_all()
            self.cond.wait_for(lambda: go[0] or self.closed)

    def close(self):
        with self.cond:
            self.closed = True
            self.sleepers.clear()
            self.cond.notify_all()


_tls = threading.local()


_futures = {"ls": None, "patched": False}


def patch_futures(ls):
    """A thread in lock-step that waits on a concurrent.futures.Future not yet
    done gives its permit back, and the loop hands one back when it resolves
    that future.  Every call back into the loop waits on one: asyncio's
    from_thread.run (run_coroutine_threadsafe) and run_sync (a Future set by a
    call_soon_threadsafe callback), and on both backends a BlockingPortal's
    call, start_task_soon's result() and start_task (without this, a worker
    in from_thread.run_sync held its permit while the loop waited for it: the
    run hung).  Patched once per process; `ls` is the current run's."""
    import concurrent.futures

    _futures["ls"] = ls
    if _futures["patched"]:
        return
    _futures["patched"] = True
    cls = concurrent.futures.Future
    orig_result, orig_set_result, orig_set_exception = cls.result, cls.set_result, cls.set_exception
    orig_cancel = cls.cancel

    def result(self, timeout=None):
        with self._condition:
            wait = getattr(_tls, "stepped", False) and not self.done()
            if wait:
                self._cs_waiter = True
        if wait:
            _futures["ls"].release()
        return orig_result(self, timeout)

    def wake(self):
        with self._condition:
            mine = getattr(self, "_cs_waiter", False) and not self.done()
            self._cs_waiter = False
        if mine:
            _futures["ls"].add_permit()

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


def patch_asyncio_threads(ls):
    """Dispatch to a worker thread takes a permit; the thread's result
    delivery (call_soon_threadsafe after its function) gives it back (its
    waits on futures: patch_futures)."""
    import queue

    import anyio._backends._asyncio as backend

    class PermitQueue(queue.Queue):
        def put_nowait(self, item):
            if item is not None:
                context, func, args, future, scope = item

                def run_then_mark(*a):
                    _tls.stepped = True
                    try:
                        return func(*a)
                    finally:
                        _tls.done = True

                item = (context, run_then_mark, args, future, scope)
                ls.add_permit()
            super().put_nowait(item)

    init = backend.WorkerThread.__init__

    def worker_init(self, *a, **k):
        init(self, *a, **k)
        self.queue = PermitQueue(2)

    backend.WorkerThread.__init__ = worker_init


def patch_trio_threads(ls):
    import trio._threads as threads

    orig_start = threads.start_thread_soon

    def start_thread_soon(fn, deliver, name=None):
        def deliver_then_release(result):
            try:
                deliver(result)
            finally:
                ls.release()

        def stepped_fn():
            _tls.stepped = True  # its waits on futures are lock-step's (patch_futures)
            return fn()

        ls.add_permit()
        return orig_start(stepped_fn, deliver_then_release, name)

    threads.start_thread_soon = start_thread_soon
    orig_send = threads._send_message_to_trio

    def send_message_to_trio(token, message):
        q = message.queue

        class PermitQueue(type(q)):
            def put_nowait(self, item):  # the Trio thread hands the result over
                ls.add_permit()
                super().put_nowait(item)

            def get(self, block=True, timeout=None):  # the worker thread waits
                ls.release()
                return super().get(block, timeout)

        object.__setattr__(message, "queue", PermitQueue())  # a frozen attrs class
        return orig_send(token, message)

    threads._send_message_to_trio = send_message_to_trio


def make_asyncio_loop(clocks, ls):
    """The reference script's jumping loop, plus: wait for released threads
    before each handle, and wake parked threads as timers."""
    import asyncio
    import collections

    class QuietDeque(collections.deque):
        def popleft(self):
            ls.wait_quiet()
            return super().popleft()

    class Selector(ref._JumpSelector):  # its select() is replaced whole: the threads are LockStep's
        def select(self, timeout=None):
            ls.wait_quiet()
            loop = self.loop
            if loop._ready:
                return []
            timer = loop._scheduled[0]._when if loop._scheduled else float("inf")
            wake = ls.next_wake()
            if wake < float("inf") and wake <= timer:
                loop.vt = max(loop.vt, wake)
                ls.wake_next()
                return []
            # nothing runnable: jump to the next timer; none (or one at infinity) is a deadlock
            if timeout is None or (timeout > 0 and timer == float("inf")):
                loop.on_deadlock()
            elif timeout > 0:
                loop.vt = max(loop.vt, timer)
            return []

    class Loop(asyncio.SelectorEventLoop):
        def __init__(self):
            self.vt = 0.0
            sel = Selector()
            super().__init__(sel)
            sel.loop = self
            self._ready = QuietDeque(self._ready)
            clocks.loop = self

        def time(self):
            return self.vt

        def on_deadlock(self):
            clocks.on_deadlock()

        def call_soon_threadsafe(self, callback, *args, context=None):
            h = super().call_soon_threadsafe(callback, *args, context=context)
            if getattr(_tls, "done", False):  # a worker thread delivering its result: done
                _tls.done = False
                ls.release()
            return h

    return Loop


def make_trio_clock(clocks, ls):
    import trio
    from trio.testing import MockClock

    clock = MockClock(autojump_threshold=0)
    jump = clock._autojump

    def autojump():
        ls.wait_quiet()
        runner = trio._core._run.GLOBAL_RUN_CONTEXT.runner
        if runner.entry_queue.queue or runner.entry_queue.idempotent_queue:
            return  # a thread has just handed something over: run it first
        nxt = clock.current_time() + trio.lowlevel.current_statistics().seconds_to_next_deadline
        wake = ls.next_wake()
        if wake < float("inf") and wake <= nxt:
            clock.jump(max(0.0, wake - clock.current_time()))
            ls.wake_next()
            return
        if nxt == float("inf"):
            clocks.on_deadlock()
        jump()

    clock._autojump = autojump

    class Quiet(trio.abc.Instrument):
        def before_task_step(self, task):
            ls.wait_quiet()

        def after_task_step(self, task):
            # as the reference script does: a thread the step released reaches the run
            # loop's next I/O poll (a run_sync_soon it made wakes this batch's, not the next)
            ls.wait_quiet()

    return clock, Quiet()


class TimeShim:
    """The program's `time` module: sleep() is virtual."""

    def __init__(self, clocks, ls):
        self._clocks = clocks
        self._ls = ls

    def sleep(self, d):
        if getattr(_tls, "stepped", False):  # a thread in lock-step: a virtual block
            self._ls.thread_sleep(d)
        else:  # the event loop's thread: busy, the clock goes on
            self._clocks.busy(d)

    def __getattr__(self, name):
        import time

        return getattr(time, name)


class ThreadingShim:
    """The program's `threading` module: a Thread it starts (a thread AnyIO did
    not start: the scenario's "threads") runs in lock-step too.  It takes a
    permit at start() and parks at once, as a `time.sleep(0)` would, so the
    loop runs it when it next waits (what the format's start_at 0 means); it
    gives the permit back when it ends.  What it raises is dropped (the run
    is not affected; threading.excepthook would print it)."""

    def __init__(self, ls):
        import threading as real

        class Thread(real.Thread):
            def start(self):
                ls.add_permit()
                super().start()

            def run(self):
                _tls.stepped = True
                try:
                    ls.thread_sleep(0)
                    super().run()
                except BaseException:  # noqa: BLE001 - threading.excepthook's, not the run's
                    pass
                finally:
                    ls.release()

        self.Thread = Thread

    def __getattr__(self, name):
        import threading as real

        return getattr(real, name)


def module_code(source, path):
    """(code, name): the program's module, less a final bare `main()` call of a
    synchronous main, which the run makes itself (name: that function's)."""
    tree = ast.parse(source, path)
    last = tree.body[-1] if tree.body else None
    call = last.value if isinstance(last, ast.Expr) else None
    if isinstance(call, ast.Call) and isinstance(call.func, ast.Name) and not call.args and not call.keywords:
        tree.body.pop()
        return compile(tree, path, "exec"), call.func.id
    return compile(tree, path, "exec"), None


def run_sync_main(entry, ls):
    """A synchronous main (`with start_blocking_portal() as p:`) in this thread,
    in lock-step as a plain thread: it holds a permit while it runs, gives it
    back while it waits on a future (patch_futures) and in thread.join() at
    the end of the with, when the loop runs alone to its end."""
    import anyio.from_thread as ft

    real_thread = ft.Thread

    class Thread(real_thread):
        def join(self, timeout=None):
            ls.release()
            try:
                return super().join(timeout)
            finally:
                ls.add_permit()

    ft.Thread = Thread
    _tls.stepped = True
    ls.add_permit()
    try:
        return entry()
    finally:
        ls.release()
        _tls.stepped = False
        ft.Thread = real_thread


def run(path, backend):
    import anyio

    clocks = Clocks(backend)

    ls = LockStep(clocks)
    clocks.ls = ls

    def record_print(*args, sep=" ", end="\n", file=None, flush=False):
        if not ls.closed:  # an abandoned thread printing after the run is not part of it
            clocks.log.append({"t": ref.jnum(clocks.now()), "msg": sep.join(str(a) for a in args)})

    with open(path, encoding="utf-8") as f:
        source = f.read()
    g = {"__name__": "__cancelsim_example__", "__file__": path, "print": record_print}
    if "threading" in source:  # its threads may start at module level: the shim is there first
        import builtins

        real_import = builtins.__import__

        def program_import(name, *a, **k):
            return ThreadingShim(ls) if name == "threading" else real_import(name, *a, **k)

        g["__builtins__"] = dict(vars(builtins), __import__=program_import)
    targets = []
    real_run, real_sbp = anyio.run, anyio.from_thread.start_blocking_portal
    anyio.run = lambda fn, *a, **k: targets.append(fn)
    options = {}
    code, sync_name = module_code(source, path)
    try:
        # a synchronous main's start_blocking_portal: this run's backend and clocks
        anyio.from_thread.start_blocking_portal = lambda *a, name=None, **k: real_sbp(
            backend, options, name=name)
        exec(code, g)
    finally:
        anyio.run = real_run
    entry = targets[0] if targets else g[sync_name or "main"]
    if "time" in g:
        g["time"] = TimeShim(clocks, ls)
    patch_futures(ls)
    if backend == "asyncio":
        ref.patch_asyncio_sets()
        patch_asyncio_threads(ls)
        options["loop_factory"] = make_asyncio_loop(clocks, ls)
    else:
        ref.patch_trio_order()
        patch_trio_threads(ls)
        clocks.clock, quiet = make_trio_clock(clocks, ls)
        options.update(clock=clocks.clock, instruments=[quiet])
    try:
        if inspect.iscoroutinefunction(entry):
            value = anyio.run(entry, backend=backend, backend_options=options)
        else:
            value = run_sync_main(entry, ls)
        result = {"returned": value}
    except BaseException as e:  # noqa: BLE001 - what anyio.run (or main()) raises is the outcome
        sys.unraisablehook = lambda unraisable: None
        result = {"deadlock": {}} if clocks.deadlocked else {"raised": ref.exc_json(e)}
    finally:
        anyio.from_thread.start_blocking_portal = real_sbp
    end = ref.jnum(clocks.now())
    ls.close()
    return {"result": result, "end_time": end, "log": clocks.log}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("file")
    ap.add_argument("--backend", choices=["asyncio", "trio", "both"], required=True)
    a = ap.parse_args()
    problem = ref.anyio_problem()
    if not problem and a.backend != "asyncio":
        try:
            import trio  # noqa: F401
        except ImportError:
            problem = "Trio is not importable"
    if problem:
        print(f"python_real.py: {problem}", file=sys.stderr)
        return 3
    if a.backend == "both":  # each backend's patches are its own: one process serves both
        print(json.dumps([run(a.file, "asyncio"), run(a.file, "trio")], ensure_ascii=False))
    else:
        print(json.dumps(run(a.file, a.backend), ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
