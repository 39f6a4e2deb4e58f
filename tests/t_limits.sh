#!/usr/bin/env bash
# t_limits.sh CANCELSIM - every limit of `cancelsim run` is hit by a scenario in
# tests/limits/ and ends the run the way scenario-format.md section 4 says:
# exit 0 and `"result": {"limit": NAME}` on both backends (time, steps, tasks,
# timers, trace, memory), or, for nesting depth, exit 2 before running with one
# error line naming the limit.  Each run must end within 20 s (no hang, no
# out-of-memory kill).  Prints "N passed, N failed".
set -u
cs="$1"
. "$(dirname "$0")/testlib.sh"

# limit NAME FILE [OPTIONS...]: both backends stop with {"limit": NAME}
limit() {
    local name="$1" file="tests/limits/$2"
    shift 2
    timeout 20 "$cs" run "$file" --format json "$@" >"$tmp/out" 2>"$tmp/err"
    local rc=$?
    if [ $rc -ne 0 ]; then
        bad "$name: run $file $*: exit $rc: $(head -c 300 "$tmp/err")"
        return
    fi
    if python3 - "$tmp/out" "$name" <<'PY'
import json, sys
outs = json.load(open(sys.argv[1]))
want = {"limit": sys.argv[2]}
got = [o["result"] for o in outs]
if [o["backend"] for o in outs] != ["asyncio", "trio"] or any(r != want for r in got):
    print("results:", got)
    sys.exit(1)
# a stopped run reports the tasks it stopped as unfinished
if not any(t["state"] == "unfinished" for o in outs for t in o["tasks"].values()):
    print("no unfinished task")
    sys.exit(1)
PY
    then ok; else bad "$name: run $file $*: $(head -c 300 "$tmp/out")"; fi
}

limit time time.json                            # the default 1e9 s
limit time time.json --time-limit 100
limit steps steps.json --step-limit 1000
limit steps steps.json                          # the default 2,000,000
limit tasks tasks.json --task-limit 10
limit timers timers.json --timer-limit 20
limit trace trace.json --trace-limit 100
limit memory memory.json --memory-limit 16

# below the limits, the same files run to their end
for args in "tasks.json --task-limit 51" "timers.json --timer-limit 200" "trace.json --trace-limit 100000"; do
    set -- $args
    f="$1"; shift
    "$cs" run "tests/limits/$f" --format json "$@" >"$tmp/out" 2>&1 && ! grep -q '"limit"' "$tmp/out" \
        && ok || bad "$f $* should finish: $(head -c 300 "$tmp/out")"
done

# the trace limit bounds what --trace writes: the limit, then the events that
# report the stop (the end, and the state of named open scopes)
"$cs" run tests/limits/trace.json --backend asyncio --trace-limit 100 --trace "$tmp/t.jsonl" >/dev/null 2>&1
n=$(wc -l < "$tmp/t.jsonl")
[ "$n" -ge 100 ] && [ "$n" -le 105 ] && tail -1 "$tmp/t.jsonl" | grep -q '"limit": *"trace"' \
    && ok || bad "--trace with --trace-limit 100 wrote $n lines: $(tail -1 "$tmp/t.jsonl")"

# nesting depth: refused before running, exit 2, one line naming the limit
depth_refused() {
    local what="$1" file="$2" want="$3"
    shift 3
    timeout 20 "$cs" run "$file" "$@" >"$tmp/out" 2>"$tmp/err"
    local rc=$?
    if [ $rc -eq 2 ] && [ ! -s "$tmp/out" ] && [ "$(wc -l < "$tmp/err")" -eq 1 ] && grep -q -- "$want" "$tmp/err"; then
        ok
    else
        bad "$what: exit $rc, stderr: $(head -c 300 "$tmp/err")"
    fi
}
depth_refused "--depth-limit 3" tests/limits/depth.json "beyond the depth limit of 3 (--depth-limit)" --depth-limit 3
"$cs" run tests/limits/depth.json --depth-limit 5 >/dev/null 2>&1 && ok || bad "depth.json with --depth-limit 5 should run"
# the default (10000): eleven functions, each ~1000 statements deep, calling the next
python3 - "$tmp/chain.json" <<'PY'
import sys
# written as text: the json module would recurse 2000 levels deep
def nest(levels, inner):
    return '{"repeat": 1, "body": [' * levels + inner + ']}' * levels
fs = []
for i in range(11):
    inner = '{"call": "f%d"}' % (i + 1) if i < 10 else '{"log": "bottom"}'
    fs.append('"f%d": [%s]' % (i, nest(1000, inner)))
open(sys.argv[1], "w").write('{"format": 1, "functions": {%s}, "main": [{"call": "f0"}]}' % ", ".join(fs))
PY
depth_refused "the default depth limit" "$tmp/chain.json" "beyond the depth limit of 10000 (--depth-limit)"
"$cs" check "$tmp/chain.json" >/dev/null 2>&1 && ok || bad "check accepts the deep chain (only running it is refused)"
# inject refuses it the same way: one line, exit 2, not a failing plan
timeout 20 "$cs" inject "$tmp/chain.json" >"$tmp/out" 2>"$tmp/err"; rc=$?
[ $rc -eq 2 ] && [ ! -s "$tmp/out" ] && [ "$(wc -l < "$tmp/err")" -eq 1 ] && grep -q "beyond the depth limit of 10000" "$tmp/err" \
    && ok || bad "inject on the deep chain: exit $rc, $(head -c 300 "$tmp/err")"
# JSON nested beyond the loader's 2048 levels: the error names that limit
python3 -c 'print("{\"main\": " + "[" * 3000 + "]" * 3000 + "}")' > "$tmp/deep.json"
timeout 20 "$cs" run "$tmp/deep.json" >/dev/null 2>"$tmp/err"; rc=$?
[ $rc -eq 2 ] && [ "$(wc -l < "$tmp/err")" -eq 1 ] && grep -q "deeper than the limit of 2048 JSON levels" "$tmp/err" \
    && ok || bad "JSON nesting: exit $rc: $(head -c 300 "$tmp/err")"

# a bad limit value is a usage error
for opt in "--trace-limit 0" "--timer-limit -1" "--memory-limit lots" "--depth-limit 0"; do
    "$cs" run tests/limits/tasks.json $opt >/dev/null 2>"$tmp/err"; rc=$?
    [ $rc -eq 2 ] && grep -q "must be a" "$tmp/err" && ok || bad "$opt: exit $rc $(cat "$tmp/err")"
done

finish limits
