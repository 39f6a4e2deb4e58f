"""compare.py - where a recorded run and the simulated run of a scenario part
ways (issue 24's `compare`, as a Python tool until cancelsim has one):

    python3 -m cancelsim_record.compare SCENARIO TRACE.jsonl [--cancelsim PATH]

SCENARIO (a .json scenario, or a .py program cancelsim's front end takes) is
run by `cancelsim run --trace` on the recording's backend.  Each task's story
is taken from both traces in the events the recorder writes exactly (start,
the named scopes it enters and leaves, worker threads, group raises, log
lines, its end), with their times; tasks are matched by name.  Deliveries of
cancellation are left out: a recording places them where it first sees the
exception, not at the checkpoint (docs/recording.md).  For
each task the first step that differs is printed.  Exit status: 0 the same,
1 they differ, 2 bad input.
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile

MAX_LINES = 5_000_000


def _t(x):
    return "%.9g" % x


def _exc(e):
    return e.get("type", "?") if isinstance(e, dict) else "?"


def stories(path):
    """task name -> its steps [(text, t)], from the first run in a trace."""
    tasks, kinds, runs = {}, {}, 0
    backend = None
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            if n > MAX_LINES:
                break
            ev = json.loads(line)
            k = ev.get("ev")
            if k == "run_start":
                runs += 1
                if runs > 1:
                    break
                backend = ev.get("backend")
                continue
            t = ev.get("t", 0)
            task = ev.get("task")
            step = None
            if k == "task_spawn":
                tasks.setdefault(task, [])
            elif k == "task_start":
                step = "start"
            elif k == "task_end":
                step = "end " + ev.get("state", "?")
                if "exception" in ev and ev.get("state") == "failed":
                    step += " " + _exc(ev["exception"])
            elif k == "log":
                step = "log " + json.dumps(ev.get("msg"))
            elif k == "scope_enter" and ev.get("kind") != "internal":
                kinds[ev.get("scope_id")] = (ev.get("kind"), task)
                step = "enter %s deadline %s%s" % (ev.get("kind"), ev.get("deadline") if ev.get("deadline") == "inf"
                                                   else _t(ev.get("deadline")), " shield" if ev.get("shield") else "")
            elif k == "scope_exit" and ev.get("scope_id") in kinds:
                kind, task = kinds[ev["scope_id"]]
                step = "exit %s%s%s" % (kind, " cancelled_caught" if ev.get("cancelled_caught") else "",
                                        " raising " + _exc(ev["exception"]) if "exception" in ev else "")
            elif k in ("thread_start", "thread_abandoned"):
                step = k.replace("_", " ")
            elif k == "group_raise":
                step = "group raise"
            if step is not None and task is not None:
                tasks.setdefault(task, []).append((step, t))
    return backend, tasks


def differences(rec, sim):
    out = []
    for name in list(rec) + [n for n in sim if n not in rec]:
        if name not in sim:
            out.append("task %s: recorded only" % name)
            continue
        if name not in rec:
            out.append("task %s: simulated only" % name)
            continue
        a, b = rec[name], sim[name]
        for i in range(max(len(a), len(b))):
            x = a[i] if i < len(a) else None
            y = b[i] if i < len(b) else None
            if x is None or y is None or x[0] != y[0] or abs(x[1] - y[1]) > 1e-9:
                show = lambda s: "nothing" if s is None else "'%s' at t=%s" % (s[0], _t(s[1]))
                out.append("task %s, step %d: recorded %s, simulated %s" % (name, i + 1, show(x), show(y)))
                break
    return out


def main(argv):
    p = argparse.ArgumentParser(prog="python3 -m cancelsim_record.compare")
    p.add_argument("scenario")
    p.add_argument("trace")
    p.add_argument("--cancelsim", default=os.environ.get("CANCELSIM", "cancelsim"))
    a = p.parse_args(argv)
    try:
        backend, rec = stories(a.trace)
    except (OSError, ValueError, AttributeError) as e:
        sys.stderr.write("%s: error: not a trace: %s\n" % (a.trace, e))
        return 2
    if backend is None:
        sys.stderr.write("%s: error: no run_start: not a trace\n" % a.trace)
        return 2
    with tempfile.TemporaryDirectory() as tmp:
        sim_trace = os.path.join(tmp, "sim.jsonl")
        r = subprocess.run([a.cancelsim, "run", a.scenario, "--backend", backend, "--trace", sim_trace],
                           stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        if r.returncode not in (0, 1) or not os.path.exists(sim_trace):
            sys.stderr.write(r.stderr)
            return 2
        _, sim = stories(sim_trace)
    diff = differences(rec, sim)
    for d in diff:
        print(d)
    if not diff:
        print("recorded and simulated runs agree (%s): %d tasks" % (backend, len(rec)))
    return 1 if diff else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
