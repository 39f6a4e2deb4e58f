#!/usr/bin/env bash
# t_ci_example.sh CANCELSIM - the CI examples of docs/ci.md run here: the
# shell steps of examples/ci/github-actions.yml (the shard job's "Verify and
# inject" with two shards, then the report job's "Merge" and "Fail on a
# finding") are read from the YAML, their ${{ }} expressions replaced as the
# runner would, and run in a scratch folder beside links to scripts/ and
# scenarios/; likewise the script lines of examples/ci/gitlab-ci.yml that
# call scripts/ (CI_NODE_INDEX/CI_NODE_TOTAL).  Checks: the merged JUnit
# equals the unsharded run's (same test cases and counts; times aside) and is
# valid against tests/junit-10.xsd; the merged JSON Lines equal the
# unsharded sweep's failures and summary counts; the last step fails (exit 1)
# on the planted flaws of scenarios/inject and on a failed scenario, and
# passes when nothing fails.  Needs python3 with yaml (Debian: python3-yaml);
# without it exits 77.  Prints "N passed, N failed".
set -u
cs="$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"
root="$PWD"
if ! python3 -c 'import yaml' 2>/dev/null; then
    echo "python3 cannot import yaml (apt-get install python3-yaml): skipped"
    exit 77
fi
. "$(dirname "$0")/testlib.sh"

# steps WORKFLOW JOB STEP...: the job's env as `export` lines, then each named
# step's `run`, with the matrix expressions left as $SHARD and $TOTAL.
steps() {
    python3 - "$@" <<'PY'
import shlex, sys, yaml
wf = yaml.safe_load(open(sys.argv[1]))
job = wf["jobs"][sys.argv[2]]
for k, v in (job.get("env") or {}).items():
    print(f"export {k}=${{{k}-{shlex.quote(str(v))}}}")
byname = {s.get("name"): s for s in job["steps"]}
for name in sys.argv[3:]:
    run = byname[name]["run"]
    run = run.replace("${{ matrix.shard }}", "$SHARD").replace("${{ strategy.job-total }}", "$TOTAL")
    assert "${{" not in run, run
    print(run)
PY
}

# gitlab WORKFLOW JOB: the job's script lines that call scripts/ci_*.
gitlab() {
    python3 - "$@" <<'PY'
import shlex, sys, yaml
wf = yaml.safe_load(open(sys.argv[1]))
for k, v in (wf.get("variables") or {}).items():
    print(f"export {k}=${{{k}-{shlex.quote(str(v))}}}")
for line in wf[sys.argv[2]]["script"]:
    if "scripts/ci_" in line:
        print(line)
PY
}

gh=examples/ci/github-actions.yml
gl=examples/ci/gitlab-ci.yml
steps "$gh" shard "Verify and inject" >"$tmp/shard.sh" && ok || bad "$gh: no 'Verify and inject' step"
steps "$gh" report "Merge" "Fail on a finding" >"$tmp/report.sh" && ok || bad "$gh: no 'Merge'/'Fail on a finding' step"

# a scratch checkout: the repository's scripts and scenarios, the binary under test
work() {
    rm -rf "$tmp/w" && mkdir -p "$tmp/w/build" && cd "$tmp/w" || exit 1
    ln -s "$root/scripts" scripts && ln -s "$root/scenarios" scenarios && ln -s "$cs" build/cancelsim
}

# run_gh K N: the workflow with N shards (K=1..N), then the report job
run_gh() {
    work
    for k in $(seq 1 "$1"); do SHARD=$k TOTAL=$1 bash "$tmp/shard.sh" >>"$tmp/log" 2>&1; done
    GITHUB_STEP_SUMMARY="$tmp/summary" bash "$tmp/report.sh" >>"$tmp/log" 2>&1
    local rc=$?
    cd "$root" || exit 1
    return $rc
}

untime() { sed 's/ time="[0-9.]*"//g' "$1"; }

run_gh 2; rc=$?
[ $rc -eq 1 ] && ok || bad "github, 2 shards: the last step exits $rc, expected 1 (scenarios/inject has planted flaws)"
cp -r "$tmp/w/report" "$tmp/two"
cp -r "$tmp/w/parts" "$tmp/two-parts"
run_gh 1; rc=$?
[ $rc -eq 1 ] && ok || bad "github, 1 shard: the last step exits $rc, expected 1"
cp -r "$tmp/w/report" "$tmp/one"
[ -s "$tmp/two/junit.xml" ] && [ -s "$tmp/two/inject.jsonl" ] && ok || bad "no merged junit.xml / inject.jsonl"
ls "$tmp/two-parts/shard-1/verify-1.xml" "$tmp/two-parts/shard-2/verify-2.xml" >/dev/null 2>&1 && ok \
    || bad "the shards did not write their JUnit parts"
cmp -s <(untime "$tmp/two/junit.xml") <(untime "$tmp/one/junit.xml") && ok \
    || bad "merged JUnit of 2 shards differs from 1: $(diff <(untime "$tmp/two/junit.xml") <(untime "$tmp/one/junit.xml") | head -5)"
cmp -s "$tmp/two/inject.jsonl" "$tmp/one/inject.jsonl" && ok \
    || bad "merged JSON Lines of 2 shards differ from 1: $(diff "$tmp/two/inject.jsonl" "$tmp/one/inject.jsonl" | head -4)"
# against the raw unsharded outputs, not only through the merge script
"$cs" verify scenarios --junit "$tmp/raw.xml" >/dev/null 2>&1
python3 - "$tmp/two/junit.xml" "$tmp/raw.xml" <<'PY' && ok || bad "merged JUnit and an unsharded verify have different test cases"
import sys, xml.etree.ElementTree as ET
def cases(f):
    return sorted((s.get("name"), c.get("classname"), c.get("name"), tuple(sorted(x.tag for x in c)))
                  for s in ET.parse(f).getroot().iter("testsuite") for c in s.iter("testcase"))
a, b = cases(sys.argv[1]), cases(sys.argv[2])
sys.exit(0 if a == b and a else 1)
PY
# one test case per scenario and backend it declares (both when it names none)
runs=$(python3 -c 'import json, sys; print(sum(len(json.load(open(f)).get("backends", ["asyncio", "trio"])) for f in sys.argv[1:]))' $(find scenarios -name '*.json'))
grep -q "tests=\"$runs\"" "$tmp/two/junit.xml" && ok || bad "merged JUnit: not $runs test cases"
: >"$tmp/raw.jsonl"
for f in $(find scenarios/inject -name '*.json' | LC_ALL=C sort); do "$cs" inject "$f" --format json >>"$tmp/raw.jsonl"; done
python3 - "$tmp/two/inject.jsonl" "$tmp/raw.jsonl" <<'PY' && ok || bad "merged JSON Lines and an unsharded sweep differ"
import json, sys
def load(f):
    fails, sums = [], {}
    for l in open(f):
        d = json.loads(l)
        if "summary" in d:
            s = d["summary"]
            sums[s["file"]] = {k: s[k] for k in ("plans", "plans_total", "failing", "distinct", "complete")}
            sums[s["file"]]["kinds"] = sorted(s["kinds"])
        else:
            fails.append(json.dumps(d, sort_keys=True))
    return sorted(fails), sums
a, b = load(sys.argv[1]), load(sys.argv[2])
if a != b:
    print(a[1], b[1]); sys.exit(1)
sys.exit(0 if a[0] else 1)
PY
if command -v xmllint >/dev/null 2>&1; then
    xmllint --noout --schema tests/junit-10.xsd "$tmp/two/junit.xml" 2>/dev/null && ok || bad "merged JUnit not valid against junit-10.xsd"
fi
grep -q 'failing plans' "$tmp/summary" && ok || bad "the job summary was not written"

# nothing fails: the last step passes; a failed scenario: it fails
VERIFY_PATHS=scenarios/taskgroup INJECT_PATHS= run_gh 2; rc=$?
[ $rc -eq 0 ] && ok || bad "github, all pass: the last step exits $rc, expected 0: $(tail -3 "$tmp/log")"
mkdir "$tmp/broken"
python3 - scenarios/taskgroup/sibling-failure-cancels-sibling.json "$tmp/broken/changed.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1])); d["expect"]["end_time"] = 9
json.dump(d, open(sys.argv[2], "w"))
PY
VERIFY_PATHS="$tmp/broken scenarios/taskgroup" INJECT_PATHS= run_gh 2; rc=$?
[ $rc -eq 1 ] && ok || bad "github, a failed scenario: the last step exits $rc, expected 1"

# GitLab: the same scripts under CI_NODE_INDEX/CI_NODE_TOTAL give the same merge
gitlab "$gl" cancelsim-shard >"$tmp/gl-shard.sh" && grep -q ci_shard "$tmp/gl-shard.sh" && ok || bad "$gl: no shard line"
gitlab "$gl" cancelsim-report >"$tmp/gl-report.sh" && grep -q 'ci_merge.py check' "$tmp/gl-report.sh" && ok \
    || bad "$gl: no check line"
work
for k in 1 2; do CI_NODE_INDEX=$k CI_NODE_TOTAL=2 bash "$tmp/gl-shard.sh" >>"$tmp/log" 2>&1; done
bash "$tmp/gl-report.sh" >>"$tmp/log" 2>&1; rc=$?
cd "$root" || exit 1
[ $rc -eq 1 ] && ok || bad "gitlab: the report job exits $rc, expected 1"
cmp -s <(untime "$tmp/w/report/junit.xml") <(untime "$tmp/one/junit.xml") && cmp -s "$tmp/w/report/inject.jsonl" "$tmp/one/inject.jsonl" \
    && ok || bad "gitlab: the merged reports differ from the unsharded ones"

finish ci-example
