#!/usr/bin/env bash
# t_cli.sh CANCELSIM - command-line behaviour: exit statuses, error lines,
# byte-identical output run after run, and verify failing on a changed
# expectation.  Prints "N passed, N failed".
set -u
cs="$1"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }

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

# determinism: every corpus scenario twice, byte for byte
for f in $(find scenarios -name '*.json' | sort); do
    a="$("$cs" run "$f" --backend asyncio --format json 2>&1)"
    b="$("$cs" run "$f" --backend asyncio --format json 2>&1)"
    [ "$a" == "$b" ] && ok || bad "nondeterministic output: $f"
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

echo "cli: $pass passed, $fail failed"
[ $fail -eq 0 ]
