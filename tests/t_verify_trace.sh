#!/usr/bin/env bash
# t_verify_trace.sh CANCELSIM - `verify SCENARIO --trace TRACE.jsonl` checks a
# scenario's expectations against the runs a trace holds (cli/verify_trace.c):
# every corpus scenario passes against its own run --trace (both backends);
# a planted mismatch (an exception message changed in the trace) fails with
# the path that differs, exit 1; a scenario whose expectations come from real
# AnyIO (tools/anyio_reference.py) passes against the recorder's recording of
# the same program and fails once its expected log is planted wrong (needs
# AnyIO and Trio: that part alone is skipped without them, saying so); usage
# errors exit 2.  Prints "N passed, N failed".
set -u
cs="$1"
. "$(dirname "$0")/testlib.sh"
SRC=$(pwd)

n=0
for f in $(find scenarios -name '*.json' | sort); do
    "$cs" run "$f" --backend both --trace "$tmp/t.jsonl" >/dev/null 2>&1
    if "$cs" verify "$f" --trace "$tmp/t.jsonl" >"$tmp/out" 2>&1; then
        ok
    else
        bad "$f against its own trace: $(head -3 "$tmp/out")"
    fi
    n=$((n + 1))
done
[ $n -gt 100 ] && ok || bad "only $n scenarios"

# a planted mismatch: the trace says the child failed with another message
f=scenarios/taskgroup/sibling-failure-cancels-sibling.json
"$cs" run "$f" --backend both --trace "$tmp/t.jsonl" >/dev/null
sed 's/"message": "boom"/"message": "bam"/g' "$tmp/t.jsonl" >"$tmp/planted.jsonl"
cmp -s "$tmp/t.jsonl" "$tmp/planted.jsonl" && bad "the plant changed nothing"
"$cs" verify "$f" --trace "$tmp/planted.jsonl" >"$tmp/out" 2>&1
rc=$?
[ $rc = 1 ] && [ "$(grep -c '^FAIL' "$tmp/out")" = 2 ] &&
    grep -q 'tasks.failer.exception.message: expected "boom", got "bam"' "$tmp/out" && ok ||
    bad "a planted mismatch: exit $rc: $(cat "$tmp/out")"
# TAP and JUnit as verify writes them
"$cs" verify "$f" --trace "$tmp/planted.jsonl" --tap --junit "$tmp/j.xml" >"$tmp/tap" 2>&1
grep -q '^1..2$' "$tmp/tap" && grep -q '^not ok 1 ' "$tmp/tap" && grep -q '<failure' "$tmp/j.xml" && ok ||
    bad "--tap/--junit with --trace: $(head -3 "$tmp/tap")"
# a Trio run on another schedule than the canonical one: its outcome is one of
# expect_any's, and the `canonical` member (seed 0's log order) is not checked
# on it, as verify's sweep does not check it on other schedules
f=scenarios/schedules/event-wake-order.json
"$cs" run "$f" --backend trio --schedule 0,2,1 --trace "$tmp/s.jsonl" >/dev/null
"$cs" run "$f" --backend trio --schedule 0,2,1 --format json >"$tmp/a.json"
"$cs" run "$f" --backend trio --format json >"$tmp/b.json"
cmp -s "$tmp/a.json" "$tmp/b.json" && bad "schedule 0,2,1 is the canonical outcome: the check cannot fail"
"$cs" verify "$f" --trace "$tmp/s.jsonl" >"$tmp/out" 2>&1 && ok || bad "a non-canonical Trio schedule: $(cat "$tmp/out")"
# a Trio-only scenario skips the asyncio run of a trace; --strict fails it
f=scenarios/threads/from-thread-body-outlives-main.json
"$cs" run "$f" --backend both --trace "$tmp/t.jsonl" >/dev/null 2>&1
"$cs" verify "$f" --trace "$tmp/t.jsonl" >"$tmp/out" 2>&1 && grep -q 'does not run on asyncio' "$tmp/out" && ok ||
    bad "trio-only scenario, asyncio run: $(cat "$tmp/out")"
"$cs" verify "$f" --trace "$tmp/t.jsonl" --strict >/dev/null 2>&1
[ $? = 1 ] && ok || bad "--strict did not fail the run of a backend the scenario does not run"
# usage: one scenario, a readable trace, nothing that writes the scenario
"$cs" verify scenarios/taskgroup --trace "$tmp/t.jsonl" >/dev/null 2>&1; [ $? = 2 ] && ok || bad "a folder with --trace"
"$cs" verify "$f" "$f" --trace "$tmp/t.jsonl" >/dev/null 2>&1; [ $? = 2 ] && ok || bad "two paths with --trace"
"$cs" verify "$f" --trace "$tmp/none.jsonl" >/dev/null 2>&1; [ $? = 2 ] && ok || bad "a missing trace"
"$cs" verify "$f" --trace "$tmp/t.jsonl" --update >/dev/null 2>&1; [ $? = 2 ] && ok || bad "--update with --trace"
echo '{"seq": 0}' >"$tmp/bad.jsonl"
"$cs" verify "$f" --trace "$tmp/bad.jsonl" 2>"$tmp/err" >/dev/null
[ $? = 2 ] && grep -q 'bad.jsonl:1:' "$tmp/err" && ok || bad "a bad trace: $(cat "$tmp/err")"

# a real program's recording against expectations from real AnyIO
PY=${PYTHON:-python3}
PP="$SRC/python${ANYIO_SITE:+:$ANYIO_SITE}${PYTHONPATH:+:$PYTHONPATH}"
if ! PYTHONPATH="$PP" "$PY" -c 'import anyio, trio' 2>/dev/null; then
    echo "t_verify_trace: AnyIO and Trio not importable (set ANYIO_SITE): the recording part is skipped"
else
    prog=tests/record/shielded_cleanup.py
    PYTHONPATH="$PP" "$PY" tools/anyio_reference.py tests/record/shielded_cleanup.json --backend both >"$tmp/ref.json"
    # the expectation: what real AnyIO did on each backend, its scopes under
    # the names the recorder gives them (kind@line of the statement)
    "$PY" - "$tmp/ref.json" tests/record/shielded_cleanup.json "$tmp/expect.json" "$tmp/wrong.json" <<'PY'
import json, sys
outs = json.load(open(sys.argv[1]))
sc = json.load(open(sys.argv[2]))
names = {"tg": "tg@18", "cleanup": "scope@11"}
by = {}
for o in outs:
    b = o.pop("backend"); o.pop("scenario")
    o["scopes"] = {names[k]: v for k, v in o["scopes"].items()}
    by[b] = o
sc["expect_by_backend"] = by
json.dump(sc, open(sys.argv[3], "w"), indent=1)
by["trio"]["log"][0]["msg"] = "cleanup skipped"
json.dump(sc, open(sys.argv[4], "w"), indent=1)
PY
    for b in asyncio trio; do
        CANCELSIM="$cs" PYTHONPATH="$PP" "$PY" -m cancelsim_record --backend $b --virtual-time -o "$tmp/rec.$b.jsonl" \
            "$prog" >/dev/null 2>"$tmp/err" || bad "recording $prog ($b): $(tail -1 "$tmp/err")"
    done
    cat "$tmp/rec.asyncio.jsonl" "$tmp/rec.trio.jsonl" >"$tmp/rec.jsonl"
    "$cs" verify "$tmp/expect.json" --trace "$tmp/rec.jsonl" >"$tmp/out" 2>&1 &&
        [ "$(grep -c '^PASS' "$tmp/out")" = 2 ] && ok || bad "the recording against real AnyIO's outcome: $(cat "$tmp/out")"
    "$cs" verify "$tmp/wrong.json" --trace "$tmp/rec.jsonl" >"$tmp/out" 2>&1
    [ $? = 1 ] && grep -q '^PASS .*\[asyncio\]' "$tmp/out" && grep -q '^FAIL .*\[trio\]' "$tmp/out" &&
        grep -q 'cleanup skipped' "$tmp/out" && ok || bad "a planted wrong log passed: $(cat "$tmp/out")"
fi
finish t_verify_trace
