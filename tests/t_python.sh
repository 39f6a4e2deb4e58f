#!/usr/bin/env bash
# t_python.sh CANCELSIM - the Python front end against real AnyIO: every
# program in tests/python/*.py runs on real AnyIO 4.14+ in virtual time
# (tests/python_real.py: the reference script's clocks, print recorded with
# the clock) and through `cancelsim run FILE.py --format json`, on asyncio and
# on Trio; what anyio.run() gives (returned value, raised exception tree, or
# a deadlock), the end time and the printed lines with their times must agree
# (numbers within 1e-9).  cancelsim's log lines with a value (the items a
# memory stream statement received) are not printed lines, and are left out,
# except a probe's (print(t.done()): "t.done" with the value; print(s.deadline),
# print(anyio.current_time()): a float), which is the line print wrote.  A
# program whose translation declares "backends": ["asyncio"] (native asyncio:
# on Trio real AnyIO raises RuntimeError: no running event loop, which is
# checked) is compared on asyncio only; one that names its backend
# (anyio.run(main, backend="trio"), start_blocking_portal("trio")) on that
# one.  Needs AnyIO and Trio importable, from PYTHONPATH or $ANYIO_SITE;
# exits 77 (skipped) otherwise.  Prints "N passed, N failed".
set -u
cs="$1"
export PYTHONPATH="${ANYIO_SITE:+$ANYIO_SITE:}${PYTHONPATH:-}"
if ! python3 -c "import sys; sys.path.insert(0, 'tools'); import trio, anyio_reference as r; sys.exit(1 if r.anyio_problem() else 0)" 2>/dev/null; then
    echo "python: AnyIO 4.14+ and Trio are not importable (set ANYIO_SITE or PYTHONPATH): skipped"
    exit 77
fi
. tests/testlib.sh
n=0
for f in tests/python/*.py examples/*.py; do
    n=$((n + 1))
    backend=both idx="0 1" native=0
    "$cs" translate "$f" >"$tmp/tr.json" 2>/dev/null
    if grep -q '^  "backends": \["trio"\],$' "$tmp/tr.json"; then backend=trio idx=1; fi
    if grep -q '^  "backends": \["asyncio"\],$' "$tmp/tr.json"; then backend=asyncio idx=0 native=1; fi
    # a backend the program names (anyio.run(main, backend="asyncio"), start_blocking_portal("asyncio")) is no
    # native asyncio: real AnyIO runs it on Trio too (python_real.py gives each run its backend)
    if grep -qE 'backend="asyncio"|start_blocking_portal\("asyncio"' "$f"; then native=0; fi
    if ! timeout 120 python3 tests/python_real.py "$f" --backend both >"$tmp/real.json" 2>"$tmp/err"; then
        bad "real AnyIO on $f: $(tail -1 "$tmp/err")"; continue
    fi
    if [ $native = 1 ]; then  # what the translator says when such a program asks for Trio
        if python3 -c "import json, sys; sys.exit(0 if 'no running event loop' in json.dumps(json.load(open(sys.argv[1]))[1]['result']) else 1)" "$tmp/real.json"; then
            ok; else bad "$f on real Trio: no RuntimeError('no running event loop'): $(head -c 300 "$tmp/real.json")"; fi
    fi
    if ! "$cs" run "$f" --backend $backend --format json >"$tmp/cs.json" 2>"$tmp/err"; then
        bad "cancelsim on $f: $(tail -1 "$tmp/err")"; continue
    fi
    for i in $idx; do
        if msg=$(python3 - "$tmp/real.json" "$tmp/cs.json" "$i" <<'PY'
import json, re, sys

i = int(sys.argv[3])
real = json.load(open(sys.argv[1]))
cs = json.load(open(sys.argv[2]))
real, cs = real[i], (cs[i] if isinstance(cs, list) else cs)  # cs: one backend alone is not a list
num = lambda x: isinstance(x, (int, float)) and not isinstance(x, bool)
# probes the program printed: asyncio_probe (print(t.done())) and probe (print(s.cancel_called),
# print(anyio.current_time()): a float in Python, "inf" included)
PROBE = re.compile(r"^(.+\.)?(cancelling|done|cancelled|cancel_called|cancelled_caught|shield)$")
FLOAT_PROBE = re.compile(r"^((.+\.)?deadline|effective_deadline|time)$")


def printed(l):
    """A cancelsim log line as the line the program printed, or None (printed nothing)."""
    if "value" not in l:
        return {"t": l["t"], "msg": l["msg"]}
    if PROBE.match(l["msg"]) and isinstance(l["value"], (bool, int)):
        return {"t": l["t"], "msg": str(l["value"])}
    if FLOAT_PROBE.match(l["msg"]) and (l["value"] == "inf" or num(l["value"])):
        return {"t": l["t"], "msg": str(float(l["value"]))}
    return None

def same(a, b):
    if num(a) and num(b):
        return abs(a - b) <= 1e-9
    if isinstance(a, dict) and isinstance(b, dict):
        return list(a) == list(b) and all(same(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    return a == b

mine = {"result": cs["result"], "end_time": cs["end_time"],
        # printed lines: what a stream statement logs (an item received, statistics)
        # carries a value, and the program printed nothing for it
        "log": [p for p in map(printed, cs["log"]) if p is not None]}
if "deadlock" in mine["result"]:
    mine["result"] = {"deadlock": {}}
for k in ("result", "end_time", "log"):
    if not same(real[k], mine[k]):
        print(f"{cs['backend']}: {k}: real AnyIO {json.dumps(real[k])}, cancelsim {json.dumps(mine[k])}")
        sys.exit(1)
PY
        ); then ok; else bad "$f: $msg"; fi
    done
done
[ "$n" -ge 20 ] || bad "only $n programs in tests/python/ (at least 20)"
finish python
