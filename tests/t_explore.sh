#!/usr/bin/env bash
# t_explore.sh CANCELSIM - `explore` finds exactly the distinct outcomes real
# Trio produces for the schedule-dependent corpus scenarios (the counts come
# from real Trio 0.34 under many batch and tie orders: scenarios/README.md),
# every enumeration completes, and every replay line reproduces its outcome.
set -u
cs="$1"
export CS="$cs"
python3 - <<'PY'
import json, os, shlex, subprocess, sys
cs = os.environ["CS"]
expected = {  # distinct Trio outcomes measured on real AnyIO 4.14.2 / Trio 0.34
    "busy-sibling-failure": 2, "equal-timers": 6, "event-wake-order": 6,
    "expired-sleep-vs-cancel": 2, "host-and-child-raise-same-instant": 3,
    "host-checkpoints-after-failing-child": 2, "mass-cancellation": 6,
    "schedule-points": 2, "sleep-zero-interleaves": 4, "spawn-order": 4,
    "three-fail-before-await": 2, "three-fail-same-instant": 3,
}
passed = failed = 0
for name, n in sorted(expected.items()):
    f = f"scenarios/schedules/{name}.json"
    p = subprocess.run([cs, "explore", f, "--format", "json"], capture_output=True, text=True)
    try:
        d = json.loads(p.stdout)
    except ValueError:
        print(f"FAIL {f}: explore printed no JSON: {p.stderr.strip()}"); failed += 1; continue
    ok = d["complete"] and len(d["outcomes"]) == n
    if not ok:
        print(f"FAIL {f}: {len(d['outcomes'])} outcomes (complete={d['complete']}), real Trio has {n}")
    for o in d["outcomes"]:
        argv = shlex.split(o["replay"])
        argv[0] = cs
        r = subprocess.run(argv + ["--format", "json"], capture_output=True, text=True)
        if json.loads(r.stdout) != o["outcome"]:
            print(f"FAIL {f}: replay '{o['replay']}' gives another outcome"); ok = False
    passed += ok
    failed += not ok
# every corpus scenario explores cleanly (a bounded number of schedules)
import glob
for f in sorted(glob.glob("scenarios/*/*.json")):
    p = subprocess.run([cs, "explore", f, "--max-schedules", "50", "--format", "json"], capture_output=True, text=True)
    if p.returncode != 0 or not p.stdout.startswith("{"):
        print(f"FAIL explore {f}: exit {p.returncode} {p.stderr.strip()[:200]}"); failed += 1
    else:
        passed += 1
print(f"explore: {passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
PY
