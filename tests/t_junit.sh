#!/usr/bin/env bash
# t_junit.sh CANCELSIM - `cancelsim verify ... --junit OUT.xml` writes a JUnit
# report that tests/schema/junit.xsd accepts (`xmllint --noout --schema`):
# for the whole corpus (all pass), and for a folder holding a copy of a corpus
# scenario with a deliberately broken expectation, a scenario that stops on a
# scenario error at run time, a file that does not load, and a file whose name
# and scenario name hold characters XML must escape or cannot hold.  The counts
# in the report must match its test cases.  Needs xmllint (Debian:
# libxml2-utils); without it the test says so and skips.
# Prints "N passed, N failed".
set -u
cs="$1"
xsd=tests/schema/junit.xsd
if ! command -v xmllint >/dev/null 2>&1; then
    echo "SKIP: xmllint is not installed (apt-get install libxml2-utils)"
    echo "junit: 0 passed, 0 failed, 1 skipped"
    exit 0
fi
. "$(dirname "$0")/testlib.sh"

# check XML EXIT_WANTED RC TESTS FAILURES ERRORS SKIPPED
check() {
    local xml="$1" what="$2"
    if xmllint --noout --schema "$xsd" "$xml" >"$tmp/lint" 2>&1; then
        ok
    else
        bad "$what: not valid against $xsd: $(head -c 600 "$tmp/lint")"
        return
    fi
    # the counts agree with the test cases, on <testsuites> and <testsuite>
    python3 - "$xml" "$3" "$4" "$5" "$6" <<'PY' && ok || bad "$what: counts"
import sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
want = dict(zip(("tests", "failures", "errors", "skipped"), sys.argv[2:6]))
cases = root.findall("./testsuite/testcase")
got = {"tests": len(cases),
       "failures": sum(1 for c in cases if c.find("failure") is not None),
       "errors": sum(1 for c in cases if c.find("error") is not None),
       "skipped": sum(1 for c in cases if c.find("skipped") is not None)}
for el in (root, root.find("testsuite")):
    attrs = {k: int(el.get(k, "0")) for k in got}
    if attrs != got:
        print("attributes", attrs, "but test cases", got); sys.exit(1)
for k, v in want.items():
    if v != "-" and got[k] != int(v):
        print(k, "is", got[k], "expected", v); sys.exit(1)
PY
}

# the corpus: every test case passes
"$cs" verify scenarios --junit "$tmp/corpus.xml" >"$tmp/out" 2>&1; rc=$?
[ $rc -eq 0 ] && ok || bad "verify scenarios: exit $rc: $(tail -3 "$tmp/out")"
n=$(find scenarios -name '*.json' | wc -l)
check "$tmp/corpus.xml" "corpus" - 0 0 -
grep -c '<testcase ' "$tmp/corpus.xml" | { read -r c; [ "$c" -ge "$n" ]; } && ok || bad "corpus: fewer test cases than files"

# a broken copy: one failed expectation on each backend, one run-time error on
# each backend, one file that does not load, one odd name that passes
mkdir "$tmp/broken"
src=scenarios/taskgroup/sibling-failure-cancels-sibling.json
python3 - "$src" "$tmp/broken" <<'PY'
import json, sys
src, out = sys.argv[1], sys.argv[2]
d = json.load(open(src))
d["expect"]["end_time"] = d["expect"].get("end_time", 0) + 7
json.dump(d, open(out + "/changed.json", "w"), indent=2)
d = json.load(open(src))
d["name"] = "odd <&\"'> name"
json.dump(d, open(out.encode() + b"/odd-\xff-<&>.json", "w"), indent=2)
json.dump({"format": 1, "main": [
    {"task_group": "tg", "body": [{"start_soon": "a", "body": [{"cancel": "m"}]}]},
    {"cancel_scope": "m", "body": [{"sleep": 1}]}]}, open(out + "/runtime-error.json", "w"))
open(out + "/not-json.json", "w").write('{"main": [')
PY
"$cs" verify "$tmp/broken" --junit "$tmp/broken.xml" >"$tmp/out" 2>&1; rc=$?
# an invalid file among them is bad input: exit 2 (as verify's help says), not 1
[ $rc -eq 2 ] && ok || bad "verify on the broken copy: exit $rc, expected 2: $(tail -3 "$tmp/out")"
# 2 + 2 + 2 + 1 test cases: changed.json fails twice, runtime-error.json and
# not-json.json are errors (2 + 1), the odd name passes twice
check "$tmp/broken.xml" "broken copy" 7 2 3 0
grep -q 'end_time: expected' "$tmp/broken.xml" && ok || bad "broken copy: the failure does not say what differs"
grep -q 'reproduce: cancelsim run' "$tmp/broken.xml" && ok || bad "broken copy: no replay command"

finish junit
