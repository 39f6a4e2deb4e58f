#!/usr/bin/env bash
# t_verify_schedules.sh CANCELSIM - verify checks Trio on every schedule
# (issue 21).  Two tasks wait on one event: real Trio 0.34 wakes them in
# either order (anyio_oracle.py --trio-order random: seeds 1-8 show both),
# asyncio in FIFO order.  An expect pinning "a woke" before "b woke" fails on
# Trio, naming the other schedule's replay line and suggesting expect_any;
# --schedules canonical passes it; expect_any with both orders passes, an
# entry no schedule reaches fails, an outcome no entry allows fails; every
# mismatch is listed, not only the first.
set -u
cs="$1"
. "$(dirname "$0")/testlib.sh"

scenario() { # scenario FILE EXPECTATIONS-JSON-MEMBERS
    cat > "$1" <<EOF
{"format": 1, "name": "two-waiters", "events": ["go"],
 "main": [{"task_group": "tg", "body": [
   {"start_soon": "a", "body": [{"wait": "go"}, {"log": "a woke"}]},
   {"start_soon": "b", "body": [{"wait": "go"}, {"log": "b woke"}]},
   {"sleep": 1}, {"set": "go"}]}],
 $2}
EOF
}
ab='[{"t": 1, "task": "a", "msg": "a woke"}, {"t": 1, "task": "b", "msg": "b woke"}]'
ba='[{"t": 1, "task": "b", "msg": "b woke"}, {"t": 1, "task": "a", "msg": "a woke"}]'

# 1. expect pins one order: FAIL on trio with the replay line, PASS on asyncio
scenario "$tmp/pinned.json" "\"expect\": {\"end_time\": 1, \"log\": $ab}"
out=$("$cs" verify "$tmp/pinned.json")
rc=$?
[ "$rc" -eq 1 ] && ok || bad "pinned: exit $rc, want 1"
grep -q '^PASS .*\[asyncio\]' <<<"$out" && ok || bad "pinned: asyncio should pass: $out"
grep -q '^FAIL .*\[trio\]' <<<"$out" && ok || bad "pinned: trio should fail: $out"
grep -q 'expect_any' <<<"$out" && ok || bad "pinned: no expect_any suggestion: $out"
grep -Eq '\([0-9]+ schedules, complete\)' <<<"$out" && ok || bad "pinned: schedules not reported: $out"
# every mismatch, by path: both log lines' task and msg
n=$(grep -c 'log\[[01]\]\.\(task\|msg\): expected' <<<"$out")
[ "$n" -eq 4 ] && ok || bad "pinned: $n mismatch lines, want 4: $out"
replay=$(grep -o 'reproduce: .*' <<<"$out" | head -1 | sed 's/^reproduce: cancelsim //')
[ -n "$replay" ] && ok || bad "pinned: no reproduce line"
# the replay line gives the outcome the expectation rejected
# shellcheck disable=SC2086
got=$("$cs" $replay | python3 -c 'import json,sys; print(",".join(l["task"] for l in json.load(sys.stdin)["log"]))')
[ "$got" = "b,a" ] && ok || bad "pinned: replay '$replay' gives '$got', want b,a"

# 2. --schedules canonical keeps the old check: PASS
"$cs" verify "$tmp/pinned.json" --schedules canonical > "$tmp/out" && ok || bad "canonical: $(cat "$tmp/out")"

# 3. expect_any with both orders (what real Trio shows; asyncio gives a,b): PASS, both ways
scenario "$tmp/any.json" "\"expect\": {\"end_time\": 1}, \"expect_any\": [{\"log\": $ab}, {\"log\": $ba}]"
out=$("$cs" verify "$tmp/any.json") && ok || bad "any: $out"
grep -Eq '\[trio\] \([0-9]+ schedules, complete\)' <<<"$out" && ok || bad "any: PASS line without schedules: $out"

# 4. an entry no schedule reaches fails (when the exploration is complete)
never='[{"t": 1, "task": "a", "msg": "a woke"}]'
scenario "$tmp/never.json" "\"expect\": {\"end_time\": 1}, \"expect_any\": [{\"log\": $ab}, {\"log\": $ba}, {\"log\": $never}]"
out=$("$cs" verify "$tmp/never.json")
grep -q 'expect_any\[2\] is matched on none' <<<"$out" && ok || bad "never: $out"
# ... but not when the exploration stopped early (1 schedule)
"$cs" verify "$tmp/never.json" --max-schedules 1 > "$tmp/out" && ok || bad "never, 1 schedule: $(cat "$tmp/out")"

# 5. an outcome no entry allows fails, with its replay line
scenario "$tmp/one.json" "\"expect\": {\"end_time\": 1}, \"expect_any\": [{\"log\": $ab}]"
out=$("$cs" verify "$tmp/one.json")
grep -q 'matches none of expect_any' <<<"$out" && grep -q -- '--schedule' <<<"$out" && ok || bad "one: $out"

# 6. bad values are usage errors
"$cs" verify "$tmp/any.json" --schedules some > /dev/null 2>&1; [ $? -eq 2 ] && ok || bad "--schedules some accepted"
"$cs" verify "$tmp/any.json" --max-schedules 0 > /dev/null 2>&1; [ $? -eq 2 ] && ok || bad "--max-schedules 0 accepted"
finish verify_schedules
