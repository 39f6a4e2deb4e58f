#!/usr/bin/env bash
# t_options.sh CANCELSIM - the command-line conventions of issue 23: GNU-style
# options (--opt=value, --opt value, before or after FILE, --, short forms),
# one clear usage error per mistake (unknown option with a hint, missing
# value, a value given to a flag, an ambiguous prefix, "did you mean" for a
# mistyped command or option), --version from CMakeLists.txt, `-` for standard
# input with <stdin> in error positions, and verify's exit statuses (0 pass,
# 1 fail, 2 bad input or usage, 5 nothing collected; no expectations reported
# as such, --strict failing it).  Prints "N passed, N failed".
set -u
cs="$1"
. "$(dirname "$0")/testlib.sh"
src=scenarios/taskgroup/sibling-failure-cancels-sibling.json

# expect_err RC PATTERN CMD...: exit status RC and PATTERN (fixed string) on stderr.
expect_err() {
    local want="$1" pat="$2"; shift 2
    "$cs" "$@" >"$tmp/out" 2>"$tmp/err"; local rc=$?
    [ $rc -eq "$want" ] && grep -qF -- "$pat" "$tmp/err" && ok || bad "$*: exit $rc, expected $want and '$pat': $(head -c 300 "$tmp/err")"
}

# --opt=value is --opt value, before or after FILE, prefixes, `--`
"$cs" run "$src" --backend trio --format json >"$tmp/ref" 2>&1
for args in "$src --backend=trio --format=json" "--backend=trio $src --format json" \
            "--format json --backend trio $src" "--back=trio --form=json $src" "--backend trio --format json -- $src"; do
    "$cs" run $args >"$tmp/out" 2>&1 && cmp -s "$tmp/ref" "$tmp/out" && ok || bad "run $args differs from the spaced form"
done
# short forms: -o OUT, -oOUT, --output=OUT
"$cs" dot "$src" >"$tmp/ref.dot"
for o in "-o $tmp/a.dot" "-o$tmp/a.dot" "--output=$tmp/a.dot" "--out $tmp/a.dot"; do
    rm -f "$tmp/a.dot"
    "$cs" dot $o "$src" 2>/dev/null && cmp -s "$tmp/ref.dot" "$tmp/a.dot" && ok || bad "dot $o"
done
# the values that start with a dash are still values
expect_err 2 "--timer-limit must be a non-negative integer, not '-1'" run "$src" --timer-limit -1

# mistakes: one message each, exit 2, the hint
expect_err 2 "cancelsim run: unknown option '--bogus'" run "$src" --bogus
expect_err 2 "(see 'cancelsim help run')" run "$src" --bogus
expect_err 2 "unknown option '--bogus'" run "$src" --bogus=1
expect_err 2 "unknown option '--backedn'; did you mean '--backend'?" run "$src" --backedn trio
expect_err 2 "unknown option '-x'" dot "$src" -x
expect_err 2 "option '--seed' needs a value" run "$src" --seed
expect_err 2 "option '--junit' needs a value" verify "$src" --junit
expect_err 2 "option '-o' needs a value" timeline "$src" -o
expect_err 2 "option '--tap' takes no value" verify "$src" --tap=yes
expect_err 2 "option '--max' is ambiguous (--max-faults, --max-k, --max-schedules, --max-plans)" inject "$src" --max 2
expect_err 2 "--backend must be asyncio, trio or both, not 'tiro'" run "$src" --backend=tiro
expect_err 2 "only one FILE may be given" explore "$src" "$src"
expect_err 2 "missing FILE" check
for cmd in run check explore inject verify dot timeline; do
    expect_err 2 "cancelsim $cmd: unknown option '--nope'" "$cmd" --nope "$src"
done
expect_err 2 "unknown command 'verfy'; did you mean 'verify'?" verfy "$src"
expect_err 2 "unknown command 'timelin'; did you mean 'timeline'?" help timelin
"$cs" frobnicate 2>"$tmp/err"; rc=$?
[ $rc -eq 2 ] && grep -q "unknown command 'frobnicate'$" "$tmp/err" && ok || bad "far-off command: exit $rc $(head -2 "$tmp/err")"

# --version: the version CMakeLists.txt sets
want="cancelsim $(sed -n 's/^project(cancelsim VERSION \([0-9.]*\).*/\1/p' CMakeLists.txt)"
[ "$want" != "cancelsim " ] && ok || bad "no version in CMakeLists.txt"
for v in --version version -V; do
    [ "$("$cs" $v 2>/dev/null)" == "$want" ] && ok || bad "$v: '$("$cs" $v 2>&1)', expected '$want'"
done

# standard input: `-` reads it; errors are placed at <stdin>:LINE:COL
"$cs" run "$src" --format json >"$tmp/ref" 2>&1
# (a scenario without a "name" is named after its file: <stdin> here)
"$cs" run - --format json <"$src" 2>&1 | sed 's/"<stdin>"/"sibling-failure-cancels-sibling"/' >"$tmp/out"
cmp -s "$tmp/ref" "$tmp/out" && grep -q sibling-failure "$tmp/ref" && ok || bad "run - differs from run FILE: $(diff "$tmp/ref" "$tmp/out" | head -5)"
printf '{"main": [{"slep": 1}]}' >"$tmp/unknown.json"
for cmd in run check dot timeline explore inject; do
    "$cs" "$cmd" - <"$tmp/unknown.json" >/dev/null 2>"$tmp/err"; rc=$?
    [ $rc -eq 2 ] && grep -q "^<stdin>:1:11: error: " "$tmp/err" && ok || bad "$cmd -: exit $rc $(cat "$tmp/err")"
done
# an error found only when it runs is placed at <stdin> too
printf '{"format": 1, "main": [{"task_group": "tg", "body": [{"start_soon": "a", "body": [{"cancel": "m"}]}]}, {"cancel_scope": "m", "body": [{"sleep": 1}]}]}' >"$tmp/runtime.json"
"$cs" run - <"$tmp/runtime.json" >/dev/null 2>"$tmp/err"; rc=$?
[ $rc -eq 2 ] && grep -q "^<stdin>:1:[0-9]*: error: scope or task group 'm' is used before" "$tmp/err" && ok || bad "run - at run time: exit $rc $(cat "$tmp/err")"
"$cs" verify - <"$src" >"$tmp/out" 2>&1; rc=$?
[ $rc -eq 0 ] && grep -q "^PASS  - \[trio\]" "$tmp/out" && ok || bad "verify -: exit $rc $(cat "$tmp/out")"
"$cs" verify - <"$tmp/unknown.json" >"$tmp/out" 2>&1; rc=$?
[ $rc -eq 2 ] && grep -q "<stdin>:1:11: error: " "$tmp/out" && ok || bad "verify - on a bad file: exit $rc $(cat "$tmp/out")"

# verify's exit statuses
"$cs" verify "$src" >/dev/null 2>&1; rc=$?; [ $rc -eq 0 ] && ok || bad "verify pass: exit $rc"
python3 - "$src" "$tmp/changed.json" "$tmp/bare.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
d["expect"]["end_time"] = d["expect"].get("end_time", 0) + 7
json.dump(d, open(sys.argv[2], "w"), indent=2)
for k in ("expect", "expect_by_backend", "expect_any", "always"):
    d.pop(k, None)
json.dump(d, open(sys.argv[3], "w"), indent=2)
PY
"$cs" verify "$tmp/changed.json" >/dev/null 2>&1; rc=$?; [ $rc -eq 1 ] && ok || bad "verify fail: exit $rc"
"$cs" verify "$tmp/unknown.json" >/dev/null 2>&1; rc=$?; [ $rc -eq 2 ] && ok || bad "verify of an invalid file: exit $rc"
"$cs" verify "$tmp/changed.json" "$tmp/unknown.json" >/dev/null 2>&1; rc=$?
[ $rc -eq 2 ] && ok || bad "verify of a failing and an invalid file: exit $rc, expected 2"
"$cs" verify "$tmp/runtime.json" >/dev/null 2>&1; rc=$?; [ $rc -eq 2 ] && ok || bad "verify of a run-time error: exit $rc"
"$cs" verify --jobs 0 "$src" >/dev/null 2>&1; rc=$?; [ $rc -eq 2 ] && ok || bad "verify usage error: exit $rc"
mkdir -p "$tmp/empty" "$tmp/nojson/sub" && touch "$tmp/nojson/readme.txt"
for d in empty nojson; do
    "$cs" verify "$tmp/$d" >"$tmp/out" 2>"$tmp/err"; rc=$?
    [ $rc -eq 5 ] && grep -q "no scenario found" "$tmp/err" && ok || bad "verify of a folder without scenarios ($d): exit $rc"
done
"$cs" verify "$tmp/missing-folder" >/dev/null 2>&1; rc=$?; [ $rc -eq 2 ] && ok || bad "verify of a missing path: exit $rc"
# a scenario without expectations: reported as such, not PASS; --strict fails it
"$cs" verify "$tmp/bare.json" >"$tmp/out" 2>&1; rc=$?
[ $rc -eq 0 ] && grep -q "^SKIP .*bare.json \[asyncio\]" "$tmp/out" && grep -q "no expectations" "$tmp/out" \
    && ! grep -q "^PASS" "$tmp/out" && grep -q "0 passed, 0 failed, 2 skipped" "$tmp/out" && ok || bad "no expectations: exit $rc $(cat "$tmp/out")"
"$cs" verify "$tmp/bare.json" --tap >"$tmp/out" 2>&1; rc=$?
[ $rc -eq 0 ] && grep -q "^ok 1 - .*bare.json \[asyncio\] # SKIP no expectations" "$tmp/out" && ok || bad "no expectations (TAP): exit $rc $(cat "$tmp/out")"
"$cs" verify --strict "$tmp/bare.json" >"$tmp/out" 2>&1; rc=$?
[ $rc -eq 1 ] && grep -q "^FAIL .*bare.json \[trio\]" "$tmp/out" && grep -q "no expectations (--strict)" "$tmp/out" \
    && ok || bad "--strict: exit $rc $(cat "$tmp/out")"
"$cs" verify --strict "$src" >/dev/null 2>&1; rc=$?; [ $rc -eq 0 ] && ok || bad "--strict on a scenario with expectations: exit $rc"

finish options
