"""check.py - the two halves of tests/t_record.sh's comparison.

  check.py plain PROG.py BACKEND     runs PROG on real AnyIO without the recorder
                                     and prints what it did as JSON: what
                                     anyio.run raised or returned, and the lines
                                     it printed or log()ged, in order
  check.py compare PLAIN.json OUTCOME.json PROG.py
                                     compares that with `cancelsim trace
                                     --findings --format json` of its recording:
                                     result, exception (type, message, members),
                                     the log, each 'end NAME STATE' line against
                                     task NAME's state, and the findings against
                                     PROG's '# findings:' line; exit 1 on a
                                     difference
"""
import contextlib
import io
import json
import runpy
import sys
import signal
import types

DEADLOCK_AFTER = 5


class Hung(BaseException):
    """The program still waits after DEADLOCK_AFTER seconds."""


def exc_json(e):
    j = {"type": type(e).__name__, "message": str(e)}
    if isinstance(e, BaseExceptionGroup):
        j["exceptions"] = [exc_json(m) for m in e.exceptions]
    return j


def plain(prog, backend):
    import anyio

    if backend == "trio":  # imported before the alarm is armed: slow on a loaded machine
        import trio  # noqa: F401
    else:
        import asyncio  # noqa: F401

    lines = []
    runs = []
    stub = types.ModuleType("cancelsim_record")
    stub.log = lambda msg, value=None: lines.append({"msg": str(msg), "value": value})
    sys.modules["cancelsim_record"] = stub
    orig_run = anyio.run

    def run(func, *args, backend=backend, **kw):
        runs.append(1)
        value = orig_run(func, *args, backend=backend, **kw)
        out["returned"] = value
        return value

    anyio.run = run

    class Tee(io.TextIOBase):
        def write(self, s):
            buf.append(s)
            return len(s)

    buf = []
    out = {"result": "returned", "returned": None}
    sys.argv = [prog, backend]
    # A program still running after DEADLOCK_AFTER real seconds waits
    # forever (every program here finishes in well under that otherwise).
    def alarm(*_):
        raise Hung()

    import logging

    class Handler(logging.Handler):  # what reaches the root logger is logged too
        def emit(self, record):
            stub.log(record.getMessage())

    logging.getLogger().addHandler(Handler())
    signal.signal(signal.SIGALRM, alarm)
    signal.alarm(DEADLOCK_AFTER)
    with contextlib.redirect_stdout(Tee()):
        def flush_lines():
            text = "".join(buf)
            buf.clear()
            for ln in text.splitlines():
                lines.append({"msg": ln, "value": None})

        stub.log = lambda msg, value=None: (flush_lines(), lines.append({"msg": str(msg), "value": value}))
        try:
            globs = runpy.run_path(prog, run_name="__main__")
            if not runs and callable(globs.get("main")):
                run(globs["main"])
        except Hung:
            out = {"result": "deadlock"}
        except BaseException as e:
            out = {"result": "raised", "exception": exc_json(e)}
            if any(isinstance(x, Hung) for x in getattr(e, "exceptions", ())):
                out = {"result": "deadlock"}
        signal.alarm(0)
        flush_lines()
    out["log"] = lines
    print(json.dumps(out))


def compare(plain_path, outcome_path, prog):
    with open(plain_path) as f:
        want = json.load(f)
    with open(outcome_path) as f:
        got = json.load(f)
    if isinstance(got, list):
        got = got[0]
    bad = []
    res = got["result"]
    if want["result"] == "deadlock":
        if "deadlock" not in res:
            bad.append("the program waited forever, the trace says %s" % res)
    elif want["result"] == "raised":
        if "raised" not in res:
            bad.append("the program raised %s, the trace says %s" % (want["exception"], res))
        elif res["raised"] != want["exception"]:
            bad.append("raised %s, the trace says %s" % (want["exception"], res["raised"]))
    elif "returned" not in res:
        bad.append("the program returned, the trace says %s" % res)
    elif res["returned"] != want["returned"]:
        bad.append("returned %r, the trace says %r" % (want["returned"], res["returned"]))
    # Tasks that wake at the same time run in an order neither backend
    # promises (asyncio's scopes keep tasks in sets, Trio shuffles), so the
    # log must hold the same lines, and each task's lines in the order the
    # program printed them.
    wlog = [(e["msg"], e["value"]) for e in want["log"]]
    glog = [(e["msg"], e.get("value")) for e in got["log"]]
    if sorted(wlog, key=repr) != sorted(glog, key=repr):
        bad.append("log %s, the trace says %s" % (wlog, glog))
    else:
        for task in sorted({e["task"] for e in got["log"]}):
            mine = [(e["msg"], e.get("value")) for e in got["log"] if e["task"] == task]
            it = iter(wlog)
            if not all(any(m == w for w in it) for m in mine):
                bad.append("task %s logged %s in another order than the program printed %s" % (task, mine, wlog))
    for msg, _ in wlog:
        words = msg.split()
        if len(words) == 3 and words[0] == "end":
            state = got["tasks"].get(words[1], {}).get("state")
            if state != words[2]:
                bad.append("task %s ended %s, the trace says %s" % (words[1], words[2], state))
    expect = []
    with open(prog) as f:
        for ln in f:
            if ln.startswith("# findings:"):
                expect = ln.split(":", 1)[1].split()
    if sorted(got.get("findings", [])) != sorted(expect):
        bad.append("findings %s, expected %s" % (got.get("findings"), expect))
    for b in bad:
        print("  " + b)
    return 1 if bad else 0


if __name__ == "__main__":
    if sys.argv[1] == "plain":
        plain(sys.argv[2], sys.argv[3])
    else:
        sys.exit(compare(sys.argv[2], sys.argv[3], sys.argv[4]))
