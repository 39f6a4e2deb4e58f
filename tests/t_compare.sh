#!/usr/bin/env bash
# t_compare.sh CANCELSIM - `cancelsim compare SCENARIO TRACE.jsonl`
# (verify/compare.c): every corpus scenario agrees with its own run --trace on
# both backends (exit 0), a Trio trace of another seed is simulated on that
# seed; a scenario changed in one place is told apart at the first step that
# differs, by task (exit 1); bad input exits 2.  The recorder's traces are
# compared in t_record.sh.  Prints "N passed, N failed".
set -u
cs="$1"
. "$(dirname "$0")/testlib.sh"

for f in $(find scenarios -name '*.json' | sort); do
    "$cs" run "$f" --backend both --trace "$tmp/t.jsonl" >/dev/null 2>&1
    for b in asyncio trio; do
        [ $b = trio ] && skips_trio "$cs" "$f" && continue
        if "$cs" compare "$f" "$tmp/t.jsonl" --backend $b >"$tmp/out" 2>&1 && grep -q "^recorded and simulated runs agree ($b)" "$tmp/out"; then
            ok
        else
            bad "$f ($b) against its own trace: $(head -3 "$tmp/out")"
        fi
    done
done

# the seed comes from the trace: seed 7 agrees, and is not seed 0's schedule
f=scenarios/schedules/mass-cancellation.json
"$cs" run "$f" --backend trio --seed 7 --trace "$tmp/s7.jsonl" >/dev/null
"$cs" compare "$f" "$tmp/s7.jsonl" >"$tmp/out" 2>&1 && ok || bad "seed 7: $(head -3 "$tmp/out")"
"$cs" run "$f" --backend trio --trace "$tmp/s0.jsonl" >/dev/null
cmp -s "$tmp/s0.jsonl" "$tmp/s7.jsonl" && bad "seed 7 and seed 0 give the same trace: the check cannot fail" || ok

# one sleep longer: the first differing step of each task that sees it
f=scenarios/taskgroup/sibling-failure-cancels-sibling.json
"$cs" run "$f" --backend asyncio --trace "$tmp/t.jsonl" >/dev/null
python3 - "$f" "$tmp/slow.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
s = json.dumps(d)
assert '{"sleep": 1}' in s
json.dump(json.loads(s.replace('{"sleep": 1}', '{"sleep": 2}', 1)), open(sys.argv[2], "w"))
PY
"$cs" compare "$tmp/slow.json" "$tmp/t.jsonl" >"$tmp/out" 2>&1
rc=$?
[ $rc = 1 ] && grep -q "^task failer, step 2: recorded 'end failed ValueError' at t=1, simulated 'end failed ValueError' at t=2$" "$tmp/out" && ok ||
    bad "a slower failer: exit $rc: $(cat "$tmp/out")"
# a task only one side has
python3 - "$f" "$tmp/extra.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
d["main"].insert(0, {"task_group": "extra_tg", "body": [{"start_soon": "extra", "body": [{"log": "hi"}]}]})
json.dump(d, open(sys.argv[2], "w"))
PY
"$cs" compare "$tmp/extra.json" "$tmp/t.jsonl" >"$tmp/out" 2>&1
[ $? = 1 ] && grep -q "^task extra: simulated only$" "$tmp/out" && ok || bad "an extra task: $(cat "$tmp/out")"
# usage and bad input
"$cs" compare "$f" >/dev/null 2>&1; [ $? = 2 ] && ok || bad "one operand"
"$cs" compare "$f" "$tmp/none.jsonl" >/dev/null 2>&1; [ $? = 2 ] && ok || bad "a missing trace"
"$cs" compare "$f" "$tmp/t.jsonl" --backend trio >/dev/null 2>"$tmp/err"
[ $? = 2 ] && grep -q "holds no trio run" "$tmp/err" && ok || bad "a backend the trace lacks: $(cat "$tmp/err")"
echo '{"seq": 0, "t": 0.0, "ev": "bogus"}' >"$tmp/bad.jsonl"
"$cs" compare "$f" "$tmp/bad.jsonl" >/dev/null 2>"$tmp/err"; [ $? = 2 ] && grep -q "bad.jsonl:1:" "$tmp/err" && ok || bad "a bad trace: $(cat "$tmp/err")"
"$cs" help compare | grep -q "^usage: cancelsim compare SCENARIO TRACE.jsonl" && ok || bad "help compare"
finish t_compare
