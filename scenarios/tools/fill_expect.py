#!/usr/bin/env python3
"""Fill a scenario's expectations from runs of real AnyIO (the oracle).

For each scenario file given, this runs the oracle (anyio_oracle.py, real AnyIO
4.14.2 on asyncio and on Trio 0.34) once per backend and rewrites the file with

  expect             the outcome keys (result, end_time, tasks, scopes, log)
                     that are identical on every backend;
  expect_by_backend  for each key that differs, each backend's full value;
  expect_any         only for schedule-dependent scenarios (--schedules, or any
                     file under a `schedules/` folder): Trio is also run with
                     --trio-order lifo and random seeds 1..N; keys whose value
                     differs between Trio schedules move out of the Trio part
                     and into a list of the distinct allowed values.

Everything else in the file is kept, in its order; the JSON is written with
two-space indentation, short objects and lists kept on one line.

    fill_expect.py [--schedules] [--seeds N] FILE.json...
    fill_expect.py --verify-any FILE.json...   # check expect_any on every schedule

The oracle is found through $ANYIO_ORACLE (default
/work/shared/tools/anyio_oracle.py) and run with PYTHONPATH=$ANYIO_SITE
(default /work/anyio_site).
"""

import argparse
import json
import os
import shutil
import subprocess
import tempfile
import sys

ORACLE = os.environ.get("ANYIO_ORACLE", "/work/shared/tools/anyio_oracle.py")
SITE = os.environ.get("ANYIO_SITE", "/work/anyio_site")
KEYS = ("result", "end_time", "tasks", "scopes", "log")
WIDTH = 120


def oracle_input(path):
    """The scenario without its expectations, in a scratch folder under the
    same file name (the scenario's default name): the oracle knows no
    `findings` key, and the expectations are what this script rewrites."""
    with open(path, encoding="utf-8") as f:
        doc = json.load(f)
    for k in ("expect", "expect_by_backend", "expect_any", "always"):
        doc.pop(k, None)
    d = tempfile.mkdtemp(prefix="fill_expect_")
    out = os.path.join(d, os.path.basename(path))
    with open(out, "w", encoding="utf-8") as f:
        json.dump(doc, f)
    return out


def run_oracle(path, backend, order="fifo", seed=0):
    env = dict(os.environ, PYTHONPATH=SITE)
    path = oracle_input(path)
    cmd = [sys.executable, ORACLE, path, "--backend", backend]
    if backend == "trio" and order != "fifo":
        cmd += ["--trio-order", order, "--seed", str(seed)]
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True)
    shutil.rmtree(os.path.dirname(path), ignore_errors=True)
    if proc.returncode != 0:
        sys.exit(f"{path}: oracle failed ({' '.join(cmd[1:])}):\n{proc.stderr}")
    out = json.loads(proc.stdout)
    return {k: tidy(out[k]) for k in KEYS}


def trio_schedules(seeds):
    yield ("lifo", 0)
    for s in range(1, seeds + 1):
        yield ("random", s)


def tidy(v):
    """Round floats to whole nanoseconds (outcome times are integer ns)."""
    if isinstance(v, float) and v == v and abs(v) != float("inf"):
        r = round(v, 9)
        return int(r) if r == int(r) and abs(r) < 2**53 else r
    if isinstance(v, dict):
        return {k: tidy(x) for k, x in v.items()}
    if isinstance(v, list):
        return [tidy(x) for x in v]
    return v


def dumps(v, indent=0):
    """JSON with 2-space indentation; values that fit on a line stay on one."""
    flat = json.dumps(v, ensure_ascii=False, separators=(", ", ": "))
    if len(flat) + indent <= WIDTH or not isinstance(v, (dict, list)) or not v:
        return flat
    pad = " " * (indent + 2)
    if isinstance(v, dict):
        items = [f"{pad}{json.dumps(k, ensure_ascii=False)}: {dumps(x, indent + 2)}"
                 for k, x in v.items()]
        return "{\n" + ",\n".join(items) + "\n" + " " * indent + "}"
    items = [pad + dumps(x, indent + 2) for x in v]
    return "[\n" + ",\n".join(items) + "\n" + " " * indent + "]"


def is_schedule_scenario(path, force):
    return force or "schedules" in os.path.normpath(os.path.abspath(path)).split(os.sep)


def fill(path, schedules, seeds):
    with open(path, encoding="utf-8") as f:
        doc = json.load(f)
    backends = doc.get("backends", ["asyncio", "trio"])
    outs = {b: run_oracle(path, b) for b in backends}
    extra_trio = []
    if "trio" in backends and is_schedule_scenario(path, schedules):
        extra_trio = [run_oracle(path, "trio", o, s) for o, s in trio_schedules(seeds)]

    # keys that vary between Trio schedules
    varying = [k for k in KEYS if any(o[k] != outs["trio"][k] for o in extra_trio)]
    expect, by_backend = {}, {}
    for k in KEYS:
        vals = [outs[b][k] for b in backends]
        if k not in varying and all(v == vals[0] for v in vals):
            expect[k] = vals[0]
            continue
        for b in backends:
            if b == "trio" and k in varying:
                continue
            by_backend.setdefault(b, {})[k] = outs[b][k]
    any_list = []
    if varying:
        candidates = [outs["trio"]] + extra_trio + [outs[b] for b in backends if b != "trio"]
        for o in candidates:
            entry = {k: o[k] for k in varying}
            if entry not in any_list:
                any_list.append(entry)

        # keep entries added by hand (outcomes no oracle schedule reaches, such
        # as other orders of equal Trio deadlines) when they constrain the same keys
        for e in doc.get("expect_any", []):
            if sorted(e) == sorted(varying) and e not in any_list:
                any_list.append(e)

    # keep author-written matchers (log_contains, tasks_in_state...) in expect
    old = doc.get("expect", {})
    for k, v in old.items():
        if k not in KEYS:
            expect[k] = v
    for b, part in doc.get("expect_by_backend", {}).items():
        for k, v in part.items():
            if k not in KEYS:  # a backend's own findings, matchers
                by_backend.setdefault(b, {})[k] = v
    new = {k: v for k, v in doc.items() if k not in ("expect", "expect_by_backend", "expect_any")}
    new["expect"] = expect
    if by_backend:
        new["expect_by_backend"] = by_backend
    if any_list:
        new["expect_any"] = any_list
    with open(path, "w", encoding="utf-8") as f:
        f.write(dumps(new) + "\n")
    n_trio = 1 + len(extra_trio)
    distinct = len({json.dumps(o, sort_keys=True) for o in [outs["trio"]] + extra_trio}) \
        if "trio" in backends else 0
    diff = sorted(set(k for b in by_backend.values() for k in b))
    print(f"{path}: differs by backend: {diff or '-'}; "
          + (f"trio schedules run: {n_trio}, distinct trio outcomes: {distinct}; varying: {varying}"
             if extra_trio else "canonical schedules only"))


def subset(exp, act):
    if isinstance(exp, dict):
        return isinstance(act, dict) and all(k in act and subset(v, act[k]) for k, v in exp.items())
    if isinstance(exp, list):
        return isinstance(act, list) and len(exp) == len(act) and all(map(subset, exp, act))
    if isinstance(exp, (int, float)) and not isinstance(exp, bool) \
            and isinstance(act, (int, float)) and not isinstance(act, bool):
        return abs(exp - act) <= 1e-9
    return exp == act and type(exp) is type(act)


def verify_any(path, seeds):
    with open(path, encoding="utf-8") as f:
        doc = json.load(f)
    allowed = doc.get("expect_any")
    if not allowed:
        return True
    backends = doc.get("backends", ["asyncio", "trio"])
    runs = [(b, "fifo", 0) for b in backends]
    if "trio" in backends:
        runs += [("trio", o, s) for o, s in trio_schedules(seeds)]
    ok = True
    for b, o, s in runs:
        out = run_oracle(path, b, o, s)
        if not any(subset(e, out) for e in allowed):
            print(f"{path}: {b} {o} seed {s}: outcome matches no expect_any entry", file=sys.stderr)
            ok = False
    return ok


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("files", nargs="+")
    ap.add_argument("--schedules", action="store_true",
                    help="also explore Trio schedules (automatic under schedules/)")
    ap.add_argument("--seeds", type=int, default=8, help="random Trio seeds to run (default 8)")
    ap.add_argument("--verify-any", action="store_true",
                    help="do not write; check expect_any against every schedule")
    args = ap.parse_args()
    if args.verify_any:
        sys.exit(0 if all([verify_any(p, args.seeds) for p in args.files]) else 1)
    for p in args.files:
        fill(p, args.schedules, args.seeds)


if __name__ == "__main__":
    main()
