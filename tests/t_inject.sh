#!/usr/bin/env bash
# t_inject.sh CANCELSIM - fault injection (issue 7):
#  1. each injected fault does what the statement it stands for does: base.json
#     run with each plan of tests/inject/plans.txt gives the outcome of the
#     rewritten file, whose expectations come from real AnyIO 4.14.2 (verify);
#  2. `inject` finds the planted flaw of each scenarios/inject/ scenario, shrunk
#     to the expected plan, and passes its fixed twin;
#  3. every failure's replay line reproduces it (checked with --plan, which
#     must fail the same way, and with `run`, whose outcome must differ from
#     the run without faults);
#  4. shrinking: a two-fault failure where one fault suffices is reported as
#     that fault, and a late checkpoint moves to the earliest that fails;
#  5. --jobs 2 prints what --jobs 1 prints; three shards find what the whole
#     sweep finds; --explore runs; bad plans are refused with exit 2.
set -u
cs="$1"
export CS="$cs"
python3 - <<'PY'
import json, os, shlex, subprocess, sys, tempfile
cs = os.environ["CS"]
os.chdir(os.environ.get("CS_SOURCE_DIR", "."))
failed = 0
def fail(msg):
    global failed
    failed += 1
    print("FAIL", msg)

def run(*args):
    return subprocess.run([cs, *args], capture_output=True, text=True)

def strip_name(text):
    d = json.loads(text)
    d.pop("scenario", None)
    return d

# 1. equivalence with the rewritten files (ground truth: real AnyIO, in their expect)
p = run("verify", "tests/inject")
if p.returncode != 0:
    fail("tests/inject does not verify: " + p.stdout[-400:])
for line in open("tests/inject/plans.txt"):
    rewritten, plan = line.split()
    for b in ("asyncio", "trio"):
        got = run("run", "tests/inject/base.json", "--backend", b, "--format", "json", "--inject", plan)
        want = run("run", "tests/inject/" + rewritten, "--backend", b, "--format", "json")
        if got.returncode or strip_name(got.stdout) != strip_name(want.stdout):
            fail(f"{plan} on {b}: outcome differs from {rewritten}")

# 2. planted flaws and fixed twins: (file, flags, expected shrunk plans per backend)
cases = [
    ("cleanup-unshielded", [], {"fail:worker@2", "timeout:deadline@1"}),
    ("cleanup-unshielded", ["--failures", "--timeouts=all"], {"fail:worker@2", "timeout:tg@1", "timeout:deadline@1"}),
    ("cleanup-close-unshielded", [], {"timeout:deadline@1"}),
    ("cleanup-close-shielded", ["--max-faults", "2"], set()),
    ("cleanup-close-shielded", ["--timeouts", "all"], {"timeout:cleanup@1"}),
    ("cleanup-shielded", ["--max-faults", "2"], set()),
    ("thread-abandoned-error", [], {"thread-fail:main@1"}),
    ("thread-awaited-error", [], set()),
    ("group-swallowed", [], {"fail:fetch@1", "fail:store@1"}),
    ("group-propagates", [], set()),
    ("lock-held-across-io", ["--delays"], {"delay:writer@2:1"}),
    ("lock-held-for-update-only", ["--delays"], set()),
    # issue 19: a generator's cleanup after its yield (asynccontextmanager; aclose() of an aclosing loop)
    ("generator-cleanup-unshielded", [], {"fail:main@2", "timeout:request@1"}),
    ("generator-cleanup-shielded", ["--max-faults", "2"], set()),
    ("aclosing-close-unshielded", [], {"fail:main@7", "timeout:batch@1"}),
    ("aclosing-close-shielded", ["--max-faults", "2"], set()),
    ("interrupt-cleanup-unshielded", ["--interrupts"], {"interrupt:@0", "interrupt:@0.5", "interrupt:@1"}),
    ("interrupt-cleanup-shielded", ["--interrupts"], set()),
]
replays = []
for name, flags, want in cases:
    f = f"scenarios/inject/{name}.json"
    p = run("inject", f, *flags, "--format", "json")
    lines = [json.loads(l) for l in p.stdout.splitlines() if l.strip()]
    failures = [l for l in lines if "summary" not in l]
    if p.returncode != (1 if want else 0):
        fail(f"{name}: exit {p.returncode}, expected {1 if want else 0}: {p.stderr}")
    for b in ("asyncio", "trio"):
        got = {l["plan"] for l in failures if l["backend"] == b}
        if got != want:
            fail(f"{name} on {b}: found {sorted(got)}, expected {sorted(want)}")
    for l in failures:
        replays.append((f, l))

# 2b. timeouts go only into scopes the scenario gives a deadline (issue 16);
# the output names the others; --timeouts=all (or `--timeouts all`) restores
# the old sweep; the kind flags select, so --delays alone sweeps delays only
def sweep(f, *flags):
    p = run("inject", f, *flags, "--format", "json")
    return [json.loads(l) for l in p.stdout.splitlines() if l.strip()][-1]["summary"], p
f = "scenarios/inject/cleanup-close-shielded.json"
summ, _ = sweep(f)
left = summ.get("timeouts_left_out", {})
for b in ("asyncio", "trio"):
    if left.get(b) != {"count": 2, "scopes": ["tg", "cleanup"], "reason": "no deadline in the scenario"}:
        fail(f"left-out scopes on {b}: {left.get(b)}")
p = run("inject", f)
if "asyncio and trio: 2 scopes left out of the timeout sweep, no deadline in the scenario: tg, cleanup" not in p.stdout:
    fail("the text output does not say which scopes were left out: " + p.stdout)
for flags in (["--timeouts=all"], ["--timeouts", "all"]):
    summ_all, _ = sweep(f, *flags)
    if "timeouts_left_out" in summ_all:
        fail(f"{flags} still leaves scopes out")
old_default, _ = sweep(f, "--failures", "--timeouts=all")
timeouts_only, _ = sweep(f, "--timeouts")
all_timeouts, _ = sweep(f, "--timeouts=all")
failures_only, _ = sweep(f, "--failures")
# per backend: fail 2 + timeout:deadline 2 (+ tg 2, cleanup 1 with =all)
if (summ["plans"], timeouts_only["plans"], all_timeouts["plans"], old_default["plans"]) != (8, 4, 10, 14):
    fail(f"plan counts default/timeouts/all/old default: {summ['plans']} {timeouts_only['plans']} "
         f"{all_timeouts['plans']} {old_default['plans']}, expected 8 4 10 14")
if failures_only["plans"] + all_timeouts["plans"] != old_default["plans"]:
    fail("--failures --timeouts=all is not failures plus every timeout")
summ_plain, _ = sweep("scenarios/inject/thread-awaited-error.json")
if "timeouts_left_out" in summ_plain:
    fail("a summary with nothing left out carries timeouts_left_out")
f = "scenarios/inject/lock-held-for-update-only.json"
delays, p = sweep(f, "--delays")
default, _ = sweep(f)
everything, _ = sweep(f, "--failures", "--timeouts", "--delays")
if delays["plans"] == 0 or everything["plans"] != default["plans"] + delays["plans"]:
    fail(f"--delays alone {delays['plans']}, default {default['plans']}, all three {everything['plans']}")
p = run("inject", f, "--timeouts=some")
if p.returncode != 2 or "--timeouts takes no value but `all`" not in p.stderr:
    fail(f"--timeouts=some: exit {p.returncode}, {p.stderr!r}")
p = run("inject", "--help")
if "`--delays` alone sweeps delays" not in p.stdout.replace("\n", " ") or "--timeouts=all" not in p.stdout:
    fail("inject --help does not say how the flags combine")

# an abandoned thread's error after anyio.run() returned is lost (issue 16):
# on Trio the injected timeout abandons the thread and the run ends at t=0
f = "scenarios/threads/thread-error-awaited-or-abandoned.json"
for b, want in (("trio", 1), ("asyncio", 0)):
    p = run("inject", f, "--backend", b, "--plan", "timeout:m@1", "--format", "json")
    got = [json.loads(x) for x in p.stdout.splitlines() if x.strip() and "summary" not in x]
    if p.returncode != want or (want and [g["kind"] for g in got] != ["finding lost_exception"]):
        fail(f"timeout:m@1 on {b}: exit {p.returncode}, {p.stdout}")

# 3. replay lines reproduce their failure
for f, l in replays:
    argv = shlex.split(l["replay"])
    if argv[:2] != ["cancelsim", "run"] or "--inject" not in argv:
        fail(f"bad replay line {l['replay']}")
        continue
    plan = argv[argv.index("--inject") + 1]
    b = argv[argv.index("--backend") + 1]
    p = run("inject", f, "--backend", b, "--plan", plan, "--format", "json")
    got = [json.loads(x) for x in p.stdout.splitlines() if x.strip() and "summary" not in x]
    if p.returncode != 1 or len(got) != 1 or got[0]["kind"] != l["kind"] or got[0]["plan"] != plan:
        fail(f"replay of {l['replay']} does not fail as {l['kind']}: {p.stdout}")
    # the replay run applies the fault (its trace shows it); unless the
    # failure is a finding that the outcome cannot show, the outcome changes
    trace = os.path.join(tempfile.gettempdir(), f"t_inject_{os.getpid()}.jsonl")
    with_fault = run(*argv[1:], "--format", "json", "--trace", trace)
    events = [json.loads(x) for x in open(trace)] if os.path.exists(trace) else []
    if os.path.exists(trace):
        os.remove(trace)
    if with_fault.returncode != 0 or not any(e["ev"] == "inject" and e["fault"] == plan for e in events):
        fail(f"replay {l['replay']}: no inject event for {plan} in its trace")
    without = run("run", f, "--backend", b, "--format", "json")
    if not l["kind"].startswith("finding") and with_fault.stdout == without.stdout:
        fail(f"replay {l['replay']}: the injected run does not differ from the plain run")

# 4. shrinking
def shrunk(f, plan, backend):
    p = run("inject", f, "--backend", backend, "--plan", plan, "--format", "json")
    got = [json.loads(x) for x in p.stdout.splitlines() if x.strip() and "summary" not in x]
    return got[0]["plan"] if got else None
s = shrunk("scenarios/inject/lock-held-across-io.json", "delay:reader@2:0.1,delay:writer@2:1", "asyncio")
if s != "delay:writer@2:1":
    fail(f"two-fault plan shrank to {s}, expected delay:writer@2:1")
s = shrunk("scenarios/inject/cleanup-unshielded.json", "timeout:tg@2", "trio")
if s != "timeout:tg@1":
    fail(f"timeout:tg@2 shrank to {s}, expected timeout:tg@1")
if shrunk("scenarios/inject/cleanup-shielded.json", "fail:worker@1", "asyncio") is not None:
    fail("a passing plan was reported")

# 5. jobs, shards, explore, bad input
f = "scenarios/inject/cleanup-unshielded.json"
one = run("inject", f, "--max-faults", "2", "--format", "json")
two = run("inject", f, "--max-faults", "2", "--format", "json", "--jobs", "2")
if one.stdout != two.stdout:
    fail("--jobs 2 output differs from --jobs 1")
whole = {(d["backend"], d["plan"], d["kind"]) for d in map(json.loads, one.stdout.splitlines()) if "summary" not in d}
parts, plans = set(), 0
for k in (1, 2, 3):
    p = run("inject", f, "--max-faults", "2", "--format", "json", "--shard", f"{k}/3")
    for d in map(json.loads, p.stdout.splitlines()):
        if "summary" in d:
            plans += d["summary"]["plans"]
        else:
            parts.add((d["backend"], d["plan"], d["kind"]))
total = json.loads(one.stdout.splitlines()[-1])["summary"]["plans"]
if parts != whole or plans != total:
    fail(f"shards found {sorted(parts)} in {plans} plans; the whole sweep {sorted(whole)} in {total}")
p = run("inject", "scenarios/inject/cleanup-shielded.json", "--explore", "--backend", "trio")
if p.returncode != 0:
    fail("--explore on the fixed twin: " + p.stdout)
for bad in ("nope", "fail:ghost@1", "fail:worker@0", "timeout:worker@1", "delay:worker@1",
            "fail:worker@1:NoSuchError", "fail:worker@1:Cancelled", ""):
    p = run("run", f, "--inject", bad)
    if p.returncode != 2 or "--inject" not in p.stderr or p.stderr.count("\n") != 1:
        fail(f"--inject {bad!r}: exit {p.returncode}, stderr {p.stderr!r}")
# verify checks `always` on the run without faults too
with tempfile.TemporaryDirectory() as tmp:
    d = json.load(open("scenarios/inject/cleanup-shielded.json"))
    d["always"] = {"log_contains": ["cleanup never"]}
    bad = os.path.join(tmp, "broken-always.json")
    json.dump(d, open(bad, "w"))
    p = run("verify", bad)
    if p.returncode != 1 or "always: log_contains" not in p.stdout:
        fail("verify does not check `always`: " + p.stdout)
    p = run("inject", bad)
    if p.returncode != 1 or "(no fault)" not in p.stdout:
        fail("inject does not report a base run that breaks `always`: " + p.stdout)

# the graph and the timeline draw an injected run
p = run("dot", "scenarios/inject/cleanup-unshielded.json", "--inject", "timeout:deadline@1")
if p.returncode != 0 or "injected timeout:deadline@1 at 0 s" not in p.stdout:
    fail("dot --inject does not label the task with its fault")
p = run("timeline", "scenarios/inject/cleanup-unshielded.json", "--inject", "fail:worker@2")
if p.returncode != 0 or "injected fail:worker@2" not in p.stdout:
    fail("timeline --inject shows no instant for the fault: " + p.stderr)
p = run("dot", "scenarios/inject/cleanup-unshielded.json", "--inject", "fail:nobody@1")
if p.returncode != 2 or "no task named 'nobody'" not in p.stderr:
    fail("dot --inject with a bad plan: " + p.stderr)
# a scenario with nothing to inject into (no checkpoint, no to_thread) sweeps
# zero plans cleanly, whatever the jobs (an empty result list once reached
# qsort as a null pointer: UBSan, under the sanitizer build)
for jobs in ("1", "2"):
    p = run("inject", "scenarios/timeouts/overrun-without-checkpoint.json", "--failures", "--timeouts",
            "--delays", "--jobs", jobs)
    if p.returncode != 0 or "0 plans (no checkpoint to inject into)" not in p.stdout or p.stderr:
        fail(f"inject with nothing to inject into, --jobs {jobs}: exit {p.returncode}, {p.stdout!r} {p.stderr!r}")

# 6. the sweep's bounds, each against the unbounded sweep of the same file
def sweep(f, *flags):
    p = run("inject", f, "--format", "json", *flags)
    lines = [json.loads(l) for l in p.stdout.splitlines() if l.strip()]
    return p.returncode, [l for l in lines if "summary" not in l], lines[-1]["summary"] if lines else {}
f = "scenarios/inject/cleanup-unshielded.json"
rc, full, s_full = sweep(f)
total = s_full.get("plans_total", 0)
if not (s_full.get("complete") is True and s_full.get("plans") == total and total > 4):
    fail(f"unbounded sweep of {f}: {s_full}")
for n in (1, 3, total - 1, total, total + 5):
    rc, _, s = sweep(f, "--max-plans", str(n))
    want_plans, want_complete = min(n, total), n >= total
    if s.get("plans") != want_plans or s.get("complete") is not want_complete:
        fail(f"--max-plans {n} of {total}: plans {s.get('plans')}, complete {s.get('complete')}; "
             f"expected {want_plans}, {want_complete}")
# --max-k 1: only the first checkpoint of each task and scope; a plan at @2
# of the full sweep is gone, and fewer plans are swept
rc, k1, s = sweep(f, "--max-k", "1")
if not (0 < s.get("plans_total", 0) < total) or any(not l["plan"].endswith("@1") for l in k1) \
        or not any(l["plan"].endswith("@2") for l in full):
    fail(f"--max-k 1: {s}, plans {[l['plan'] for l in k1]}")
# --delay S: the delay plans carry S; the lock is held across I/O for 1 s, so
# a delay of 0.25 s before the writer's second checkpoint breaks nothing,
# and one of 3 s does (planted flaw: scenarios/inject/lock-held-across-io)
f = "scenarios/inject/lock-held-across-io.json"
rc, short, _ = sweep(f, "--delays", "--delay", "0.25")
rc3, longd, _ = sweep(f, "--delays", "--delay", "3")
if rc != 0 or short or rc3 != 1 or not longd or any(not l["plan"].endswith(":3") for l in longd):
    fail(f"--delay: 0.25 s gives {[l['plan'] for l in short]} (exit {rc}), 3 s gives {[l['plan'] for l in longd]}")
# not_swept: a run that stops at a limit leaves its backend unswept, by name
rc, _, s = sweep("scenarios/run/step-limit.json")
if s.get("not_swept") != {"asyncio": {"limit": "steps"}, "trio": {"limit": "steps"}} or s.get("plans") != 0:
    fail(f"a run stopped by the step limit: not_swept {s.get('not_swept')}, plans {s.get('plans')}")
# --explore: every plan runs on every Trio schedule, so more runs than plans;
# a failure found only on another schedule carries the schedule in its replay
rc, _, plain = sweep("scenarios/inject/cleanup-unshielded.json", "--backend", "trio")
rc, ex, explored = sweep("scenarios/inject/cleanup-unshielded.json", "--backend", "trio", "--explore")
if explored.get("plans") != plain.get("plans") or explored.get("runs", 0) < plain.get("runs", 0) \
        or {l["plan"] for l in ex} < {l["plan"] for l in full if l["backend"] == "trio"}:
    fail(f"--explore: {explored} against {plain}")
rc, ex, s = sweep("scenarios/schedules/mass-cancellation.json", "--backend", "trio", "--explore", "--failures")
rc0, ex0, s0 = sweep("scenarios/schedules/mass-cancellation.json", "--backend", "trio", "--failures")
if s.get("runs", 0) <= s0.get("runs", 0):
    fail(f"--explore ran no more runs than the plain sweep: {s} vs {s0}")
print(f"t_inject: {'FAILED' if failed else 'ok'} ({failed} failures)")
sys.exit(1 if failed else 0)
PY
