#!/usr/bin/env bash
# t_cli.sh CANCELSIM - command-line behaviour: exit statuses, error lines,
# byte-identical output run after run, and verify failing on a changed
# expectation.  Prints "N passed, N failed".
set -u
cs="$1"
. "$(dirname "$0")/testlib.sh"

# bad input: exit 2 and one FILE:LINE:COL line
printf '{"main": [' > "$tmp/trunc.json"
"$cs" run "$tmp/trunc.json" >/dev/null 2>"$tmp/err"; rc=$?
[ $rc -eq 2 ] && grep -qE "^$tmp/trunc.json:[0-9]+:[0-9]+: error: " "$tmp/err" && ok || bad "truncated file: rc=$rc $(cat "$tmp/err")"
printf '{"main": [{"slep": 1}]}' > "$tmp/unknown.json"
"$cs" check "$tmp/unknown.json" 2>"$tmp/err"; rc=$?
[ $rc -eq 2 ] && grep -q ":1:11: error:" "$tmp/err" && ok || bad "unknown action: rc=$rc $(cat "$tmp/err")"
"$cs" run "$tmp/missing.json" >/dev/null 2>&1; [ $? -eq 2 ] && ok || bad "missing file"
"$cs" run >/dev/null 2>&1; [ $? -eq 2 ] && ok || bad "no file"
"$cs" frobnicate >/dev/null 2>&1; [ $? -eq 2 ] && ok || bad "unknown command"
"$cs" run scenarios/taskgroup/host-body-raises.json --bogus >/dev/null 2>&1; [ $? -eq 2 ] && ok || bad "unknown option"

# determinism: every corpus scenario twice on each backend (and Trio on
# another seed), the outcome on stdout byte for byte; stderr apart (it must
# not hide a difference on stdout), and a run that printed nothing fails
for f in $(find scenarios -name '*.json' | sort); do
    for b in "--backend asyncio" "--backend trio" "--backend trio --seed 7"; do
        "$cs" run "$f" $b --format json >"$tmp/a" 2>"$tmp/ea"
        "$cs" run "$f" $b --format json >"$tmp/b" 2>"$tmp/eb"
        if [ ! -s "$tmp/a" ] && ! grep -q "backend skipped" "$tmp/ea"; then
            bad "no outcome: $f $b: $(head -c 200 "$tmp/ea")"
        elif cmp -s "$tmp/a" "$tmp/b" && cmp -s "$tmp/ea" "$tmp/eb"; then
            ok
        else
            bad "nondeterministic output: $f $b"
        fi
    done
done

# verify fails (exit 1) with a useful diff when an expected value changes
src=scenarios/taskgroup/sibling-failure-cancels-sibling.json
if [ -f "$src" ]; then
    "$cs" verify "$src" >/dev/null 2>&1 && ok || bad "verify $src"
    python3 - "$src" "$tmp/changed.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
d["expect"]["end_time"] = d["expect"].get("end_time", 0) + 7
json.dump(d, open(sys.argv[2], "w"), indent=2)
PY
    "$cs" verify "$tmp/changed.json" >"$tmp/out" 2>&1; rc=$?
    [ $rc -eq 1 ] && grep -q "end_time: expected" "$tmp/out" && grep -q "reproduce: cancelsim run" "$tmp/out" \
        && ok || bad "verify on a changed expectation: rc=$rc $(cat "$tmp/out")"
else
    bad "missing $src"
fi

# --format expect: a block that, pasted into the scenario without its own
# expectations, verifies on both backends (and differs by backend where the
# group messages do)
src=scenarios/taskgroup/sibling-failure-cancels-sibling.json
"$cs" run "$src" --format expect >"$tmp/block.json" 2>&1; rc=$?
python3 - "$src" "$tmp/block.json" "$tmp/pasted.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
for k in ("expect", "expect_by_backend", "expect_any"):
    d.pop(k, None)
block = json.load(open(sys.argv[2]))
assert set(block) == {"expect", "expect_by_backend"}, block.keys()
assert "result" in block["expect_by_backend"]["trio"], block
d.update(block)
json.dump(d, open(sys.argv[3], "w"), indent=2)
PY
prc=$?
"$cs" verify "$tmp/pasted.json" >"$tmp/out" 2>&1; vrc=$?
[ $rc -eq 0 ] && [ $prc -eq 0 ] && [ $vrc -eq 0 ] && ok || bad "--format expect: rc=$rc paste=$prc verify=$vrc $(cat "$tmp/out")"

finish cli
