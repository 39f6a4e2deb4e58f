#!/usr/bin/env python3
"""python_real.py - run an AnyIO program (tests/python/*.py) on real AnyIO in
virtual time and print what cancelsim's outcome says about it, as JSON:

    python3 tests/python_real.py FILE.py --backend asyncio|trio

    {"result": {"returned": V} | {"raised": EXC} | {"deadlock": {}},
     "end_time": T, "log": [{"t": T, "msg": "printed line"}, ...]}

The clocks are tools/anyio_reference.py's (asyncio: a loop whose clock jumps
to the next timer; Trio: MockClock(autojump_threshold=0)), with its canonical
orders (scope task sets in order of entry, Trio batches FIFO).  The program's
module is executed with `anyio.run` held back (its final `anyio.run(main)`
only names the function), `print` recording each line with the virtual time,
and `time.sleep` in the event loop's thread advancing the clock without
yielding, as blocking code does.  Worker threads (`to_thread.run_sync`) run
their function in lock-step with the loop: the loop waits until a released
thread blocks again (a virtual `time.sleep`, a `from_thread` call, or its
end), and a thread's `time.sleep(d)` ends when the loop's clock reaches its
start plus d.

Exit status 0; 3 when AnyIO (or Trio) is not importable.
"""
import argparse
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

    def now(self):
        if self.backend == "trio":
            return self.clock.current_time() if self.clock else 0.0
        return self.loop.vt if self.loop else 0.0

    def on_deadlock(self):
        self.deadlocked = True
        raise ref.Deadlock()

    def busy(self, d):
        if self.backend == "trio":
            self.clock.jump(d)
        else:
            self.loop.vt += d


class TimeShim:
    """The program's `time` module: sleep() is virtual."""

    def __init__(self, clocks, loop_thread):
        self._clocks = clocks
        self._loop_thread = loop_thread

    def sleep(self, d):
        if threading.current_thread() is self._loop_thread:
            self._clocks.busy(d)
        else:
            raise RuntimeError("python_real.py: time.sleep in a worker thread is not modelled")

    def __getattr__(self, name):
        import time

        return getattr(time, name)


def run(path, backend):
    import anyio

    clocks = Clocks(backend)

    def record_print(*args, sep=" ", end="\n", file=None, flush=False):
        clocks.log.append({"t": ref.jnum(clocks.now()), "msg": sep.join(str(a) for a in args)})

    with open(path, encoding="utf-8") as f:
        source = f.read()
    g = {"__name__": "__cancelsim_example__", "__file__": path, "print": record_print}
    targets = []
    real_run = anyio.run
    anyio.run = lambda fn, *a, **k: targets.append(fn)
    try:
        exec(compile(source, path, "exec"), g)
    finally:
        anyio.run = real_run
    entry = targets[0] if targets else g["main"]
    if "time" in g:
        g["time"] = TimeShim(clocks, threading.current_thread())
    if backend == "asyncio":
        ref.patch_asyncio_sets()
        options = {"loop_factory": ref.make_virtual_loop(clocks)}
    else:
        ref.patch_trio_order()
        clocks.clock = ref.make_trio_clock(clocks)
        options = {"clock": clocks.clock}
    try:
        value = anyio.run(entry, backend=backend, backend_options=options)
        result = {"returned": value}
    except BaseException as e:  # noqa: BLE001 - what anyio.run raises is the outcome
        sys.unraisablehook = lambda unraisable: None
        result = {"deadlock": {}} if clocks.deadlocked else {"raised": ref.exc_json(e)}
    return {"result": result, "end_time": ref.jnum(clocks.now()), "log": clocks.log}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("file")
    ap.add_argument("--backend", choices=["asyncio", "trio"], required=True)
    a = ap.parse_args()
    problem = ref.anyio_problem()
    if not problem and a.backend == "trio":
        try:
            import trio  # noqa: F401
        except ImportError:
            problem = "Trio is not importable"
    if problem:
        print(f"python_real.py: {problem}", file=sys.stderr)
        return 3
    print(json.dumps(run(a.file, a.backend), ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
