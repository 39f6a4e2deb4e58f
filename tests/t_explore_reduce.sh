#!/usr/bin/env bash
# t_explore_reduce.sh CANCELSIM - explore's reduction is sound on the corpus:
# for every scenario whose exploration completes both ways (up to 20,000
# schedules), the distinct outcomes with reduction are exactly those without
# it, and reduction never tries more schedules.  Also: it prunes where it can
# (a scenario of tasks that only checkpoint before logging), the strategies
# run, and replay lines reproduce their outcomes.
set -u
cs="$1"
export CS="$cs"
python3 - <<'PY'
import glob, json, os, shlex, subprocess, sys
cs = os.environ["CS"]
passed = failed = 0

def explore(f, *extra):
    p = subprocess.run([cs, "explore", f, "--format", "json", "--max-schedules", "20000", "--strategy", "dfs", *extra],
                       capture_output=True, text=True)
    if p.returncode != 0:
        return None
    return json.loads(p.stdout)

def keys(d):
    return {json.dumps(o["outcome"], sort_keys=True) for o in d["outcomes"]}

compared = pruned_total = full_total = 0
for f in sorted(glob.glob("scenarios/*/*.json")):
    red, full = explore(f), explore(f, "--no-reduce")
    if red is None or full is None:
        continue  # scenarios that stop with an error are t_explore's business
    if not (red["complete"] and full["complete"]):
        continue
    compared += 1
    full_total += full["schedules"]
    pruned_total += red["schedules"]
    if keys(red) != keys(full) or red["schedules"] > full["schedules"]:
        print(f"FAIL {f}: reduced {red['schedules']} schedules / {len(red['outcomes'])} outcomes, "
              f"full {full['schedules']} / {len(full['outcomes'])}")
        failed += 1
    else:
        passed += 1
if compared < 100:
    print(f"FAIL only {compared} corpus scenarios completed"); failed += 1
print(f"corpus: {compared} scenarios compared, {full_total} schedules without reduction, {pruned_total} with")

# a scenario where reduction must prune: three tasks that checkpoint three
# times, then log (the checkpoints commute; only the log order matters)
tmp = os.path.join(os.environ.get("TMPDIR", "/tmp"), f"cs_reduce_{os.getpid()}.json")
with open(tmp, "w") as fh:
    json.dump({"format": 1, "name": "commuting-checkpoints", "main": [{"task_group": "tg", "body": [
        {"start_soon": "w", "count": 3, "body": ["checkpoint", "checkpoint", "checkpoint", {"log": "done"}]}]}]}, fh)
red, full = explore(tmp), explore(tmp, "--no-reduce")
if not (red and full and red["complete"] and full["complete"] and keys(red) == keys(full)
        and red["schedules"] < full["schedules"] and red["pruned"] > 0):
    print(f"FAIL reduction prunes nothing on commuting checkpoints"); failed += 1
else:
    passed += 1
os.unlink(tmp)

# strategies: each runs, replays reproduce, random replays by seed
f = "scenarios/schedules/event-wake-order.json"
for st in ("dfs", "random", "pct"):
    d = explore(f, "--strategy", st, "--max-schedules", "300")
    if d is None or d["strategy"] != st or not d["outcomes"]:
        print(f"FAIL --strategy {st}"); failed += 1; continue
    ok = True
    for o in d["outcomes"]:
        argv = shlex.split(o["replay"]); argv[0] = cs
        if st == "random" and "--seed" not in argv:
            ok = False
        r = subprocess.run(argv + ["--format", "json"], capture_output=True, text=True)
        if json.loads(r.stdout) != o["outcome"]:
            print(f"FAIL {st}: replay '{o['replay']}' gives another outcome"); ok = False
    passed += ok; failed += not ok
# dfs finds all 6 wake orders; random finds them too in 300 schedules
d = explore(f, "--strategy", "random", "--max-schedules", "300")
if len(d["outcomes"]) != 6 or d["complete"]:
    print(f"FAIL random: {len(d['outcomes'])} outcomes, complete={d['complete']}"); failed += 1
else:
    passed += 1
# bad strategy / depth are refused
for bad in (["--strategy", "bfs"], ["--depth", "0"], ["--budget", "-1"]):
    p = subprocess.run([cs, "explore", f, *bad], capture_output=True, text=True)
    if p.returncode != 2:
        print(f"FAIL {bad} accepted"); failed += 1
    else:
        passed += 1
print(f"explore_reduce: {passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
PY
