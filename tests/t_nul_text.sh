#!/usr/bin/env bash
# t_nul_text.sh CANCELSIM - a NUL in scenario text (scenario-format.md section
# 2): every output writes it escaped and none lets the internal C0 80 pair out
# (run text \x00, run/explore/timeline JSON and the trace \u0000, DOT \0,
# explain and a finding's detail \x00, a failing report's diff \u0000, text
# and HTML, verify --update's rewrite), and a NUL in a name is refused with its position and words of
# the format.  Prints "N passed, N failed".
set -u
cs="$1"
. "$(dirname "$0")/testlib.sh"
f=scenarios/misc/nul-in-text.json
# no raw C0 byte (the kept NUL) in a file
raw() { LC_ALL=C grep -q $'\xc0' "$1"; }

for b in asyncio trio; do
    "$cs" run "$f" --backend $b --format text >"$tmp/text" 2>&1 && grep -qF 'main: before\x00after' "$tmp/text" \
        && ! raw "$tmp/text" && ok || bad "$b text: $(head -c 300 "$tmp/text")"
    "$cs" run "$f" --backend $b --format json --trace "$tmp/trace" >"$tmp/json" 2>&1 \
        && grep -qF '"msg": "before\u0000after"' "$tmp/json" && grep -qF '"bad\u0000byte"' "$tmp/trace" \
        && ! raw "$tmp/json" && ! raw "$tmp/trace" && ok || bad "$b json/trace"
    "$cs" trace "$tmp/trace" --format json >"$tmp/back" 2>&1 && cmp -s "$tmp/json" "$tmp/back" \
        && ok || bad "$b trace read back: $(head -c 300 "$tmp/back")"
    "$cs" dot "$f" --backend $b -o "$tmp/dot" && grep -qF 'bad\\0byte' "$tmp/dot" && ! raw "$tmp/dot" \
        && ok || bad "$b dot: $(grep -a bad "$tmp/dot" | head -2)"
    "$cs" timeline "$f" --backend $b -o "$tmp/tl" && grep -qF 'before\u0000after' "$tmp/tl" && ! raw "$tmp/tl" \
        && ok || bad "$b timeline"
done
"$cs" explore "$f" --format json >"$tmp/ex" && grep -qF 'before\u0000after' "$tmp/ex" && ! raw "$tmp/ex" \
    && ok || bad "explore"
for b in asyncio trio; do
    "$cs" explain "$f" --backend $b >"$tmp/explain" 2>&1 && grep -qF "AppError('bad\x00byte')" "$tmp/explain" \
        && ! raw "$tmp/explain" && ok || bad "$b explain: $(head -c 300 "$tmp/explain")"
done
# a failing expectation with a NUL: the report (text, HTML) shows it escaped
sed 's/"msg": "before\\u0000after"/"msg": "before\\u0000afteR"/' "$f" >"$tmp/fails.json"
"$cs" verify "$tmp/fails.json" --html "$tmp/report.html" >"$tmp/out" 2>&1; rc=$?
[ $rc -eq 1 ] && grep -qF 'before\u0000afteR' "$tmp/out" && grep -qF 'before\u0000afteR' "$tmp/report.html" \
    && ! raw "$tmp/out" && ! raw "$tmp/report.html" && ok || bad "failing report: rc=$rc $(head -c 300 "$tmp/out")"
# verify --update rewrites the expectation with the NUL escaped, and it passes again
"$cs" verify "$tmp/fails.json" --update >"$tmp/out" 2>&1 && grep -qF '"msg": "before\u0000after"' "$tmp/fails.json" \
    && ! raw "$tmp/fails.json" && "$cs" verify "$tmp/fails.json" >/dev/null 2>&1 \
    && ok || bad "verify --update: $(cat "$tmp/out")"

# a lost exception's message in a finding
cat > "$tmp/lost.json" <<'EOF2'
{"backends": ["asyncio"], "main": [{"try": [{"try": [{"raise": "ValueError", "message": "x\u0000y"}],
  "finally": [{"raise": "KeyError"}]}], "except": [{"match": "KeyError", "body": []}]}]}
EOF2
"$cs" verify "$tmp/lost.json" --junit "$tmp/junit.xml" >"$tmp/out" 2>&1
grep -qF "ValueError('x\\x00y')" "$tmp/out" && ! raw "$tmp/out" && ! raw "$tmp/junit.xml" \
    && ok || bad "lost exception detail: $(cat "$tmp/out")"

# a NUL in a name: exit 2, FILE:LINE:COL, no library flag in the words
printf '{"main": [{"task_group": "t\\u0000g", "body": []}]}' > "$tmp/name.json"
"$cs" check "$tmp/name.json" 2>"$tmp/err"; rc=$?
[ $rc -eq 2 ] && grep -qF "name.json:1:26: error: 'task_group': a name may not contain the NUL character (\u0000)" \
    "$tmp/err" && ! grep -q 'JSON_' "$tmp/err" && ok || bad "NUL name: rc=$rc $(cat "$tmp/err")"
printf '{"main": [], "\\u0000": 1}' > "$tmp/key.json"
"$cs" check "$tmp/key.json" 2>"$tmp/err"; rc=$?
[ $rc -eq 2 ] && grep -qF 'key.json:1:14: error: an object key may not contain' "$tmp/err" \
    && ok || bad "NUL key: rc=$rc $(cat "$tmp/err")"
finish nul_text
