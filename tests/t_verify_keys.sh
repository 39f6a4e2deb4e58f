#!/usr/bin/env bash
# t_verify_keys.sh CANCELSIM - `verify` checks every expectation key it is
# given: copies of corpus scenarios, each with one expected value broken (a
# number, a string, a boolean, a list one item shorter or longer, a task or
# scope that does not exist, a log line, log_contains, tasks_in_state,
# findings, always), must each fail (exit 1, "not ok" in TAP naming that copy,
# and its own name in the human report), while the unbroken copies pass
# ("ok").  Also: the nondeterminism finding fails a scenario whose second run
# differs (the CS_TEST_RERUN_SEED hook), and `exact` (scenario-format.md §6)
# fails on an extra task or scope.  Prints "N passed, N failed".
set -u
cs="$1"
export CS="$cs"
python3 - <<'PY'
import copy, json, os, subprocess, sys, tempfile
cs = os.environ["CS"]
passed = failed = 0
def check(ok, msg):
    global passed, failed
    if ok:
        passed += 1
    else:
        failed += 1
        print("FAIL", msg)

# scenarios whose expectations hold the keys verify knows (result, tasks,
# scopes, log, end_time, findings; per backend; log_contains and
# tasks_in_state; always)
sources = [
    "scenarios/taskgroup/sibling-failure-cancels-sibling.json",
    "scenarios/cancel_scope/body-swallows-cancellation.json",
    "scenarios/exceptions/raise-in-finally-replaces.json",
    "scenarios/misc/big-uniform-workers.json",
    "scenarios/inject/cleanup-shielded.json",
    "scenarios/cancel_scope/cancel-called-lazy-after-busy.json",
]

def breaks(v, path):
    """(path, broken value) for each leaf of v, and structural breaks."""
    if isinstance(v, dict):
        if path and path[-1] in ("tasks", "scopes"):
            yield path + ["<extra>"], {**v, "no-such-" + path[-1][:-1]: {}}
        for k, x in v.items():
            yield from breaks(x, path + [k])
    elif isinstance(v, list):
        if path and path[-1] == "log_contains":
            yield path, v + ["no such log line"]
        elif path and path[-1] == "findings":
            yield path, v + ["deadlock"] if "deadlock" not in v else [f for f in v if f != "deadlock"]
        else:
            if v:
                yield path + ["<shorter>"], v[:-1]
            yield path + ["<longer>"], v + [v[-1] if v else {"t": 0, "task": "main", "msg": "x"}]
            for i, x in enumerate(v):
                yield from breaks(x, path + [i])
    elif isinstance(v, bool):
        yield path, not v
    elif isinstance(v, (int, float)):
        yield path, v + 1
    elif isinstance(v, str):
        yield path, "1" if v == "inf" else v + "!"
    elif v is None:
        yield path, 0

def put(d, path, value):
    for k in path[:-1]:
        d = d[k]
    d[path[-1]] = value

tmp = tempfile.mkdtemp()
good, broken = [], []
for src in sources:
    d = json.load(open(src))
    base = os.path.basename(src)[:-5]
    good_path = os.path.join(tmp, f"{base}.json")
    json.dump(d, open(good_path, "w"))
    good.append(good_path)
    for top in ("expect", "expect_by_backend", "always"):
        if top not in d:
            continue
        for path, value in breaks(d[top], [top]):
            m = copy.deepcopy(d)
            real = [p for p in path if not (isinstance(p, str) and p.startswith("<"))]
            put(m, real, value)
            f = os.path.join(tmp, f"{base}--{len(broken):03d}.json")
            json.dump(m, open(f, "w"))
            broken.append((f, "/".join(map(str, path))))

p = subprocess.run([cs, "verify", tmp, "--tap"], capture_output=True, text=True)
check(p.returncode == 1, f"verify of good and broken copies: exit {p.returncode}, expected 1")
lines = [l for l in p.stdout.splitlines() if l.startswith(("ok ", "not ok "))]
status = {}
for l in lines:
    verdict, rest = ("not ok", l[7:]) if l.startswith("not ok") else ("ok", l[3:])
    f = rest.split(" - ", 1)[1].rsplit(" [", 1)[0]
    status.setdefault(f, set()).add(verdict)
for f in good:
    check(status.get(f) == {"ok"}, f"unbroken copy {f}: {status.get(f)}")
for f, what in broken:
    # a backend the broken key does not concern may pass; one must fail
    check("not ok" in status.get(f, set()), f"breaking {what} ({os.path.basename(f)}) is not noticed")
check(len(broken) > 150, f"only {len(broken)} broken copies")

# the human report names the failing file and its first difference
f, what = next((f, w) for f, w in broken if w.startswith("expect/log/"))
p = subprocess.run([cs, "verify", f], capture_output=True, text=True)
check(p.returncode == 1 and f"FAIL  {f} [" in p.stdout and "log" in p.stdout,
      f"human report of a broken log: {p.stdout}")

# exact: naming every task and scope passes; an extra task or scope fails
exact = {"backends": ["asyncio"], "main": [
    {"task_group": "tg", "body": [{"start_soon": "a", "body": [{"sleep": 1}]}]}],
    "expect": {"exact": True, "tasks": {"main": {}, "a": {}}, "scopes": {"tg": {}}}}
def verify_doc(doc):
    f = os.path.join(tmp, "exact", "x.json")
    os.makedirs(os.path.dirname(f), exist_ok=True)
    json.dump(doc, open(f, "w"))
    return subprocess.run([cs, "verify", f], capture_output=True, text=True)
p = verify_doc(exact)
check(p.returncode == 0, f"exact naming everything: {p.stdout}")
for what in ("tasks", "scopes"):
    d = copy.deepcopy(exact)
    d["expect"][what].pop("a" if what == "tasks" else "tg")
    p = verify_doc(d)
    check(p.returncode == 1 and "(exact)" in p.stdout, f"exact with an unnamed {what[:-1]}: {p.stdout}")
    d["expect"]["exact"] = False
    p = verify_doc(d)
    check(p.returncode == 0, f"exact false with an unnamed {what[:-1]}: {p.stdout}")

# numbers match within 1e-9, no more; a group's exceptions match as a
# multiset: in any order, but each actual exception once
group = {"backends": ["asyncio"], "main": [{"task_group": "tg", "body": [
    {"start_soon": "a", "body": [{"sleep": 1}, {"raise": "ValueError", "message": "a"}]},
    {"start_soon": "b", "body": [{"sleep": 1}, {"raise": "KeyError", "message": "b"}]}]}]}
def raised(*excs, end=1):
    d = copy.deepcopy(group)
    d["expect"] = {"end_time": end, "result": {"raised": {"type": "ExceptionGroup",
                   "exceptions": [{"type": t} for t in excs]}}}
    return d
for doc, want, what in ((raised("ValueError", "KeyError"), 0, "both, in order"),
                        (raised("KeyError", "ValueError"), 0, "both, other order"),
                        (raised("ValueError", "ValueError"), 1, "one of them twice"),
                        (raised("KeyError", "KeyError"), 1, "the other twice"),
                        (raised("ValueError", "KeyError", end=1 + 1e-12), 0, "end_time 1e-12 off"),
                        (raised("ValueError", "KeyError", end=1 + 1e-6), 1, "end_time 1e-6 off")):
    p = verify_doc(doc)
    check(p.returncode == want, f"group exceptions / numbers, {what}: exit {p.returncode}, expected {want}: {p.stdout}")

# tasks_in_state counts exactly (a, b and main fail): one fewer or more fails
for delta, code in ((0, 0), (-1, 1), (1, 1)):
    d = dict(group, expect={"tasks_in_state": {"failed": 3 + delta, "completed": 0}, "findings": []})
    d["expect"]["result"] = {"raised": {"type": "ExceptionGroup"}}
    p = verify_doc(d)
    check(p.returncode == code, f"tasks_in_state failed {3 + delta}: exit {p.returncode}, expected {code}: {p.stdout}")

# log_contains: in this order, others between allowed; an object is matched
# as a subset of a log line
logs = {"backends": ["asyncio"], "main": [{"log": "x"}, {"log": "between"}, {"sleep": 1}, {"log": "y"}]}
for want, code, what in ((["x", "y"], 0, "in order"), (["y", "x"], 1, "reversed"),
                         ([{"msg": "x", "t": 0}, {"msg": "y", "t": 1}], 0, "objects"),
                         ([{"msg": "y", "t": 0}], 1, "object with the wrong time"),
                         (["x", "x"], 1, "a line twice")):
    d = dict(logs, expect={"log_contains": want})
    p = verify_doc(d)
    check(p.returncode == code, f"log_contains {what}: exit {p.returncode}, expected {code}: {p.stdout}")

# nondeterminism: a second run with another Trio schedule differs
src = "scenarios/schedules/spawn-order.json"
p = subprocess.run([cs, "verify", src], capture_output=True, text=True)
check(p.returncode == 0, f"{src} does not verify: {p.stdout}")
p = subprocess.run([cs, "verify", src], capture_output=True, text=True, env={**os.environ, "CS_TEST_RERUN_SEED": "1"})
check(p.returncode == 1 and "nondeterminism" in p.stdout, f"a differing second run is not reported: {p.stdout}")
print(f"verify-keys: {passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
PY
