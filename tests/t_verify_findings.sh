#!/usr/bin/env bash
# t_verify_findings.sh CANCELSIM - `cancelsim verify` and the built-in
# findings: an undeclared finding fails a scenario (exit 1, the finding named),
# a declared one passes, a declared finding that does not occur fails, and
# expect_any alternatives declare their own; --jobs N prints byte-identical
# output (human, TAP and JUnit) to --jobs 1, and the three reports agree
# entry by entry, the failing entries being exactly the files built to fail
# (JUnit read by Python's XML parser).  Prints "N passed, N failed".
set -u
cs="$1"
. "$(dirname "$0")/testlib.sh"

# a deadlock, first undeclared, then declared
cat > "$tmp/dl.json" <<'EOF'
{"backends": ["asyncio"], "events": ["e"], "main": [{"wait": "e"}],
 "expect": {"result": {"deadlock": {"waiting": {"main": "event e"}}}}}
EOF
"$cs" verify "$tmp/dl.json" >"$tmp/out" 2>&1; rc=$?
[ $rc -eq 1 ] && grep -q 'findings: expected \[\], got \["deadlock"\]' "$tmp/out" \
    && ok || bad "undeclared deadlock: rc=$rc $(cat "$tmp/out")"
sed 's/"expect": {/"expect": {"findings": ["deadlock"], /' "$tmp/dl.json" > "$tmp/dl-declared.json"
"$cs" verify "$tmp/dl-declared.json" >"$tmp/out" 2>&1 && ok || bad "declared deadlock: $(cat "$tmp/out")"

# no expect at all still checks findings (none expected)
echo '{"backends": ["asyncio"], "events": ["e"], "main": [{"wait": "e"}]}' > "$tmp/bare.json"
"$cs" verify "$tmp/bare.json" >/dev/null 2>&1; [ $? -eq 1 ] && ok || bad "finding without any expect"

# a declared finding that does not happen fails
echo '{"backends": ["asyncio"], "main": [{"sleep": 1}], "expect": {"findings": ["orphan_task"]}}' > "$tmp/none.json"
"$cs" verify "$tmp/none.json" >/dev/null 2>&1; [ $? -eq 1 ] && ok || bad "declared but absent finding"

# an exception replaced in a finally is lost
cat > "$tmp/lost.json" <<'EOF'
{"backends": ["asyncio"],
 "main": [{"try": [{"try": [{"raise": "ValueError"}], "finally": [{"raise": "KeyError"}]}],
           "except": [{"match": "KeyError", "body": []}]}],
 "expect": {"result": {"returned": null}}}
EOF
"$cs" verify "$tmp/lost.json" >"$tmp/out" 2>&1; rc=$?
[ $rc -eq 1 ] && grep -q 'lost_exception: ValueError' "$tmp/out" && ok || bad "lost exception: $(cat "$tmp/out")"

# expect_any: each alternative declares its findings (missing = none)
cat > "$tmp/any.json" <<'EOF'
{"backends": ["asyncio"], "events": ["e"], "main": [{"wait": "e"}],
 "expect_any": [{"end_time": 5}, {"end_time": 0, "findings": ["deadlock"]}]}
EOF
"$cs" verify "$tmp/any.json" >"$tmp/out" 2>&1 && ok || bad "expect_any with findings: $(cat "$tmp/out")"
sed 's/, "findings": \["deadlock"\]//' "$tmp/any.json" > "$tmp/any2.json"
"$cs" verify "$tmp/any2.json" >/dev/null 2>&1; [ $? -eq 1 ] && ok || bad "expect_any without findings"

# --jobs: same bytes as one job, whatever the format (a few quick folders:
# the whole corpus holds step-limit runs that take seconds)
dirs="scenarios/taskgroup scenarios/exceptions scenarios/finally scenarios/cancel_scope"
"$cs" verify $dirs "$tmp" >"$tmp/j1" 2>&1
"$cs" verify $dirs "$tmp" --jobs 3 >"$tmp/j3" 2>&1
cmp -s "$tmp/j1" "$tmp/j3" && ok || bad "--jobs 3 output differs from --jobs 1"
"$cs" verify $dirs --tap --junit "$tmp/a.xml" >"$tmp/t1" 2>&1; r1=$?
"$cs" verify $dirs --tap --junit "$tmp/b.xml" --jobs 2 >"$tmp/t2" 2>&1; r2=$?
# the JUnit files differ only in the measured times
untime() { sed 's/ time="[0-9.]*"//g' "$1"; }
grep -q ' time="' "$tmp/b.xml" && [ "$(grep -c ' time="' "$tmp/b.xml")" -eq "$(grep -c ' time="' "$tmp/a.xml")" ] \
    && ok || bad "--jobs 2: the JUnit times are missing"
cmp -s "$tmp/t1" "$tmp/t2" && cmp -s <(untime "$tmp/a.xml") <(untime "$tmp/b.xml") && [ $r1 -eq $r2 ] \
    && ok || bad "--jobs 2 TAP/JUnit differ (rc $r1 vs $r2)"
"$cs" verify "$tmp/none.json" --jobs 0 >/dev/null 2>&1; [ $? -eq 2 ] && ok || bad "--jobs 0 accepted"

# ...and not only the same as each other: the TAP, the JUnit report (read by
# Python's own XML parser) and the human report agree on which file and
# backend passed, and the failing ones are exactly the files of $tmp built to
# fail above (the corpus folders all pass)
"$cs" verify $dirs "$tmp" >"$tmp/h" 2>&1
"$cs" verify $dirs "$tmp" --tap --junit "$tmp/c.xml" >"$tmp/t" 2>&1
python3 - "$tmp/h" "$tmp/t" "$tmp/c.xml" "$tmp" <<'PY' && ok || bad "TAP, JUnit and the human report disagree"
import re, sys, xml.etree.ElementTree as ET
human, tap, junit, tmp = sys.argv[1:]
h = {(m[2], m[3]): m[1] == "PASS" for m in re.finditer(r"^(PASS|FAIL|ERROR|SKIP) +(\S+) \[(\w+|-)\](?: \(\d+ schedules?, (?:in)?complete\))?$", open(human).read(), re.M)}
t = {(m[2], m[3]): m[1] == "ok" for m in re.finditer(r"^(ok|not ok) \d+ - (\S+) \[(\w+|-)\]", open(tap).read(), re.M)}
plan = re.search(r"^1\.\.(\d+)$", open(tap).read(), re.M)
j = {}
for tc in ET.parse(junit).getroot().iter("testcase"):
    j[(tc.get("classname"), tc.get("name").rsplit("[", 1)[1][:-1])] = not list(tc)
# JUnit names a file by its path dotted, without .json and a leading /
dotted = lambda f: f[:-5].lstrip("/").replace("/", ".")
h_as_j = {(dotted(f), b): v for (f, b), v in h.items()}
failing = {k for k, v in h.items() if not v}
want = {f"{tmp}/{n}.json" for n in ("dl", "bare", "none", "lost", "any2")}
problems = []
if not (h == t and h_as_j == j) or len(h) < 50:
    problems.append(f"{len(h)} human, {len(t)} TAP, {len(j)} JUnit entries, or they differ")
if not plan or int(plan[1]) != len(t):
    problems.append(f"TAP plan {plan[0] if plan else None} for {len(t)} lines")
if {f for f, b in failing} != want:
    problems.append(f"failing {sorted(failing)}, expected {sorted(want)}")
for p in problems:
    print("   ", p)
sys.exit(1 if problems else 0)
PY

finish verify-findings
