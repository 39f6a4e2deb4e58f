#!/usr/bin/env bash
# t_junit.sh CANCELSIM - `cancelsim verify ... --junit OUT.xml` writes a JUnit
# report valid against Jenkins' xunit plugin schema (tests/junit-10.xsd, a
# copy of jenkinsci/xunit-plugin's
# src/main/resources/org/jenkinsci/plugins/xunit/types/model/xsd/junit-10.xsd,
# MIT licence, header kept) and against tests/schema/junit.xsd (stricter on
# unknown attributes), checked with `xmllint --noout --schema`: for the whole
# corpus (all pass), and for a folder holding a copy of a corpus scenario with
# a deliberately broken expectation, a scenario that stops on a scenario error
# at run time, a file that does not load, and a file whose name and scenario
# name hold characters XML must escape or cannot hold.  Also: one <testsuite>
# per folder, every test case has a `time` and a classname dotted by path
# without ".json", the counts on <testsuites> and each <testsuite> match its
# test cases, and a failure's text holds the difference.  Needs xmllint
# (Debian: libxml2-utils, in scripts/deps.sh); without it the test exits 77
# (CTest: skipped).  Prints "N passed, N failed".
set -u
cs="$1"
xsds="tests/junit-10.xsd tests/schema/junit.xsd"
if ! command -v xmllint >/dev/null 2>&1; then
    echo "xmllint is not installed (apt-get install libxml2-utils): skipped"
    exit 77
fi
. "$(dirname "$0")/testlib.sh"

# check XML WHAT TESTS FAILURES ERRORS SKIPPED ("-": any)
check() {
    local xml="$1" what="$2" xsd
    for xsd in $xsds; do
        if xmllint --noout --schema "$xsd" "$xml" >"$tmp/lint" 2>&1; then
            ok
        else
            bad "$what: not valid against $xsd: $(head -c 600 "$tmp/lint")"
        fi
    done
    python3 - "$xml" "$3" "$4" "$5" "$6" <<'PY' && ok || bad "$what: structure or counts"
import os, re, sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
def counts(cases):
    return {"tests": len(cases),
            "failures": sum(1 for c in cases if c.find("failure") is not None),
            "errors": sum(1 for c in cases if c.find("error") is not None),
            "skipped": sum(1 for c in cases if c.find("skipped") is not None)}
allc = root.findall("./testsuite/testcase")
got = counts(allc)
attrs = {k: int(root.get(k, "0")) for k in ("tests", "failures", "errors")}
if attrs != {k: got[k] for k in attrs}:
    sys.exit(f"<testsuites> says {attrs}, test cases {got}")
names = [s.get("name") for s in root.findall("testsuite")]
if len(names) != len(set(names)):
    sys.exit(f"a folder has two testsuites: {names}")
for s in root.findall("testsuite"):
    c = counts(s.findall("testcase"))
    a = {k: int(s.get(k, "0")) for k in c}
    if a != c:
        sys.exit(f"testsuite {s.get('name')} says {a}, test cases {c}")
    if s.get("file") != s.get("name"):
        sys.exit(f"testsuite {s.get('name')}: file is {s.get('file')}")
    for tc in s.findall("testcase"):
        cls = tc.get("classname", "")
        if cls.endswith(".json") or "/" in cls or not re.fullmatch(r"[0-9]+\.[0-9]{3}", tc.get("time", "")):
            sys.exit(f"testcase classname={cls!r} time={tc.get('time')!r}")
        folder = s.get("name").lstrip("/").replace("/", ".")
        if not cls.startswith(folder + ".") and folder != ".":
            sys.exit(f"testcase {cls!r} is not under its folder {folder!r}")
for k, v in zip(("tests", "failures", "errors", "skipped"), sys.argv[2:6]):
    if v != "-" and got[k] != int(v):
        sys.exit(f"{k} is {got[k]}, expected {v}")
PY
}

# the corpus: every test case passes
"$cs" verify scenarios --junit "$tmp/corpus.xml" >"$tmp/out" 2>&1; rc=$?
[ $rc -eq 0 ] && ok || bad "verify scenarios: exit $rc: $(tail -3 "$tmp/out")"
n=$(find scenarios -name '*.json' | wc -l)
check "$tmp/corpus.xml" "corpus" - 0 0 -
grep -c '<testcase ' "$tmp/corpus.xml" | { read -r c; [ "$c" -ge "$n" ]; } && ok || bad "corpus: fewer test cases than files"
dirs=$(find scenarios -name '*.json' -printf '%h\n' | sort -u | wc -l)
[ "$(grep -c '<testsuite ' "$tmp/corpus.xml")" -eq "$dirs" ] && ok || bad "corpus: not one testsuite per folder ($dirs)"
grep -q 'classname="scenarios.taskgroup.sibling-failure-cancels-sibling" name="sibling-failure-cancels-sibling \[trio\]"' \
    "$tmp/corpus.xml" && ok || bad "corpus: classname of a taskgroup scenario"

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
grep -q '<failure type="expectation" message="end_time: expected 8, got 1">end_time: expected 8, got 1' "$tmp/broken.xml" \
    && ok || bad "broken copy: the failure does not say what differs"
grep -q 'reproduce: cancelsim run' "$tmp/broken.xml" && ok || bad "broken copy: no replay command"

# two folders: two testsuites, in the order they are reached
mkdir -p "$tmp/two/a" "$tmp/two/b"
cp "$src" "$tmp/two/a/x.json"
cp "$src" "$tmp/two/b/y.json"
cp "$src" "$tmp/two/z.json"
"$cs" verify "$tmp/two" --junit "$tmp/two.xml" >/dev/null 2>&1
check "$tmp/two.xml" "two folders" 6 0 0 0
[ "$(grep -c '<testsuite ' "$tmp/two.xml")" -eq 3 ] && ok || bad "two folders: not three testsuites"

finish junit
