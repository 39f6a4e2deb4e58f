#!/usr/bin/env bash
# t_reference.sh CANCELSIM - tools/anyio_reference.py (real AnyIO in virtual
# time) against `cancelsim run --format json` on a few corpus scenarios, both
# backends, compared as JSON (numbers within 1e-9).  Needs AnyIO 4.14+ and
# Trio importable: from PYTHONPATH, or from $ANYIO_SITE (a folder holding
# them); otherwise the test says why and exits 77, which CTest reports as
# skipped (SKIP_RETURN_CODE), never as passed.  Prints "N passed, N failed".
set -u
cs="$1"
export PYTHONPATH="${ANYIO_SITE:+$ANYIO_SITE:}${PYTHONPATH:-}"
# a handful, each about half a second of Python: groups, shields toggled at
# run time, a lost exception, uniform durations, events and a deadlock, worker
# threads (a limiter, an abandoned thread, from_thread calls), absolute
# deadlines (move_on_at, fail_at), Trio's canonical mass cancellation, except*
# re-raising a cancellation and re-raising from a called function, memory
# object streams (a cancelled sender's item taken; clones and async with),
# Ctrl+C (two presses during a shielded cleanup; a to_thread wait), threads
# AnyIO did not start (a call into the loop with a token; one at shutdown)
files="scenarios/taskgroup/sibling-failure-cancels-sibling.json
scenarios/threads/abandoned-thread-keeps-limiter-token.json
scenarios/threads/from-thread-in-abandoned-thread.json
scenarios/cancel_scope/shield-toggled.json
scenarios/finally/exception-lost-in-finally.json
scenarios/checkpoints/uniform-durations.json
scenarios/misc/event-timeout-and-deadlock.json
scenarios/timeouts/move-on-at-fires.json
scenarios/timeouts/fail-at-fires.json
scenarios/schedules/mass-cancellation.json
scenarios/exceptions/except-star-reraise-cancel-mixed.json
scenarios/exceptions/except-star-reraise-from-call.json
scenarios/streams/sender-cancelled-item-taken.json
scenarios/streams/clones.json
scenarios/portal/interrupt-twice.json
scenarios/portal/interrupt-to-thread.json
scenarios/portal/foreign-token-call.json
scenarios/portal/foreign-token-body-at-shutdown.json"
n=$(echo "$files" | wc -l)
if ! python3 -c "import sys; sys.path.insert(0, 'tools'); import trio, anyio_reference as r; sys.exit(1 if r.anyio_problem() else 0)" 2>/dev/null; then
    echo "skipped: AnyIO 4.14+ and Trio are not importable (set ANYIO_SITE or PYTHONPATH); $n scenarios not compared"
    exit 77
fi
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0
for f in $files; do
    if ! python3 tools/anyio_reference.py "$f" --backend both >"$tmp/ref.json" 2>"$tmp/err"; then
        fail=$((fail + 1)); echo "FAIL: reference on $f: $(tail -1 "$tmp/err")"; continue
    fi
    "$cs" run "$f" --backend both --format json >"$tmp/cs.json" 2>"$tmp/err" || {
        fail=$((fail + 1)); echo "FAIL: cancelsim on $f: $(tail -1 "$tmp/err")"; continue; }
    if python3 - "$tmp/ref.json" "$tmp/cs.json" <<'PY'
import json, sys

def same(a, b, path, out):
    num = lambda x: isinstance(x, (int, float)) and not isinstance(x, bool)
    if isinstance(a, dict) and isinstance(b, dict):
        if list(a) != list(b):
            out.append(f"{path}: keys {list(a)} vs {list(b)}")
            return
        for k in a:
            same(a[k], b[k], f"{path}.{k}", out)
    elif isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        for i, (x, y) in enumerate(zip(a, b)):
            same(x, y, f"{path}[{i}]", out)
    elif num(a) and num(b):
        if abs(a - b) > 1e-9:
            out.append(f"{path}: {a} vs {b}")
    elif a != b:
        out.append(f"{path}: {json.dumps(a)[:200]} vs {json.dumps(b)[:200]}")

diffs = []
same(json.load(open(sys.argv[1])), json.load(open(sys.argv[2])), "", diffs)
for d in diffs[:5]:
    print("    AnyIO vs cancelsim at", d)
sys.exit(1 if diffs else 0)
PY
    then pass=$((pass + 1)); else fail=$((fail + 1)); echo "FAIL: $f differs from real AnyIO"; fi
done
echo "reference: $pass passed, $fail failed"
[ $fail -eq 0 ]
