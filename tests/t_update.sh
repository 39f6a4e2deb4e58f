#!/usr/bin/env bash
# t_update.sh CANCELSIM - `verify --update[=any]` writes the current outcome
# into a scenario's expectations: a broken expectation is rewritten (exit 0,
# UPDATED) and verify then passes; the top-level keys keep their order, every
# byte outside the expectation members stays (the compact one-line objects of
# a corpus file too), the new members are indented by 2 from the member's own
# indentation, with no 17-digit floats; a second update changes
# nothing (SAME, file byte-identical), and a corpus file whose expectations
# are already complete is not touched.  A schedule-dependent Trio scenario is
# refused (exit 1, file unchanged) unless --update=any, which writes
# expect_any so that verify passes.  A bad file: exit 2, untouched.  The help
# says the expectations of a new scenario come from real AnyIO.  Prints "N
# passed, N failed".
set -u
cs="$1"
. "$(dirname "$0")/testlib.sh"
keys() { python3 -c 'import json,sys; print(" ".join(json.load(open(sys.argv[1]))))' "$1"; }

mkdir "$tmp/d"
src=scenarios/taskgroup/sibling-failure-cancels-sibling.json
python3 - "$src" "$tmp/d/s.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
d["expect"]["end_time"] = 5
d["always"] = {"log_contains": ["sleeper cancelled"]}
d["main"][0]["body"][0]["body"][0]["sleep"] = 0.1   # a float time in the outcome
json.dump(d, open(sys.argv[2], "w"), indent=4)
PY
before=$(keys "$tmp/d/s.json")
"$cs" verify "$tmp/d" >/dev/null 2>&1; [ $? -eq 1 ] && ok || bad "the broken copy does not fail verify"
"$cs" verify "$tmp/d" --update >"$tmp/out" 2>&1; rc=$?
[ $rc -eq 0 ] && grep -q "^UPDATED $tmp/d/s.json" "$tmp/out" && ok || bad "--update: exit $rc: $(cat "$tmp/out")"
"$cs" verify "$tmp/d" >"$tmp/out" 2>&1; rc=$?
[ $rc -eq 0 ] && ok || bad "verify after --update: exit $rc: $(head -3 "$tmp/out")"
[ "$(keys "$tmp/d/s.json")" = "$before" ] && ok || bad "key order changed: $before -> $(keys "$tmp/d/s.json")"
# json.dump(indent=4) wrote the file: the members keep that indentation
grep -q '^    "expect": {$' "$tmp/d/s.json" && grep -q '^      "end_time": 0.1,$' "$tmp/d/s.json" && ok \
    || bad "not indented by 2 from the member, or end_time not 0.1: $(grep -n end_time "$tmp/d/s.json" | head -2)"
grep -Eq '[0-9]\.[0-9]{15,}' "$tmp/d/s.json" && bad "17-digit floats: $(grep -Eo '[0-9]\.[0-9]{15,}' "$tmp/d/s.json" | head -2)" || ok
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["always"] == {"log_contains": ["sleeper cancelled"]}, d["always"]' \
    "$tmp/d/s.json" && ok || bad "--update touched always"
cp "$tmp/d/s.json" "$tmp/s.before"
"$cs" verify "$tmp/d" --update >"$tmp/out" 2>&1; rc=$?
[ $rc -eq 0 ] && grep -q '^SAME' "$tmp/out" && cmp -s "$tmp/d/s.json" "$tmp/s.before" && ok \
    || bad "a second --update is not a no-op: $(cat "$tmp/out")"
cp "$src" "$tmp/d/s.json"
"$cs" verify "$tmp/d/s.json" --update >/dev/null 2>&1 && cmp -s "$tmp/d/s.json" "$src" && ok \
    || bad "a corpus file with complete expectations was rewritten"
# a corpus file, its expect broken in place: only that member's text changes
sed 's/"expect": {"end_time": 1,/"expect": {"end_time": 5,/' "$src" >"$tmp/d/s.json"
"$cs" verify "$tmp/d/s.json" --update >/dev/null 2>&1 && "$cs" verify "$tmp/d/s.json" >/dev/null 2>&1 && ok \
    || bad "the corpus copy does not pass after --update"
python3 - "$src" "$tmp/d/s.json" <<'PY' && ok || bad "bytes outside the expect member changed"
import sys
a, b = open(sys.argv[1]).read(), open(sys.argv[2]).read()
i, j = a.index('  "expect": '), b.index('  "expect": ')
ea, eb = a.index("\n", i), b.index('\n  },\n', j) + 5
assert a[:i] == b[:j], "before expect"
assert a[ea:] == b[eb:], "after expect"
assert b[j:eb].startswith('  "expect": {\n    "end_time": 1,\n    "log": [\n      {\n        "t": 1,'), b[j:eb]
PY

# schedule-dependent on Trio: refused, unless --update=any
mkdir "$tmp/e"
cp scenarios/schedules/lock-handoff.json "$tmp/e/l.json"
python3 - "$tmp/e/l.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1])); d.pop("expect_any", None); d["expect"] = {"end_time": 3}
json.dump(d, open(sys.argv[1], "w"), indent=2)
PY
cp "$tmp/e/l.json" "$tmp/l.before"
"$cs" verify "$tmp/e" --update >"$tmp/out" 2>&1; rc=$?
[ $rc -eq 1 ] && grep -q '^REFUSED .*depends on the schedule' "$tmp/out" && cmp -s "$tmp/e/l.json" "$tmp/l.before" && ok \
    || bad "a schedule-dependent outcome: exit $rc: $(cat "$tmp/out")"
"$cs" verify "$tmp/e" --update=any >"$tmp/out" 2>&1; rc=$?
[ $rc -eq 0 ] && grep -q '^UPDATED' "$tmp/out" && ok || bad "--update=any: exit $rc: $(cat "$tmp/out")"
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert len(d["expect_any"]) >= 2 and "expect_by_backend" not in d' \
    "$tmp/e/l.json" && ok || bad "--update=any did not write expect_any"
"$cs" verify "$tmp/e" >/dev/null 2>&1 && ok || bad "verify fails after --update=any"

# a bad file is left alone
printf '{"main": [{"sleep": "soon"}]}\n' >"$tmp/bad.json"
cp "$tmp/bad.json" "$tmp/bad.before"
"$cs" verify "$tmp/bad.json" --update >"$tmp/out" 2>&1; rc=$?
[ $rc -eq 2 ] && grep -q '^ERROR .*bad.json:1:' "$tmp/out" && cmp -s "$tmp/bad.json" "$tmp/bad.before" && ok \
    || bad "a bad file: exit $rc: $(cat "$tmp/out")"

"$cs" verify - --update <"$src" >"$tmp/out" 2>&1; rc=$?
[ $rc -eq 2 ] && grep -q '^ERROR   -: standard input cannot be updated' "$tmp/out" && ok || bad "--update of standard input: exit $rc: $(cat "$tmp/out")"

"$cs" help verify | grep -q 'real AnyIO' && ok || bad "verify's help does not say where expectations come from"
finish update
