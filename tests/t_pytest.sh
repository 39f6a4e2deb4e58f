#!/usr/bin/env bash
# t_pytest.sh CANCELSIM - the pytest plugin (python/cancelsim_py/pytest_plugin.py):
# installed with pip from a copy of python/ (no network, no build isolation)
# it is found through its pytest11 entry point; `pytest --cancelsim DIR` gives
# one item per scenario and backend (the corpus: as many as `cancelsim verify`
# counts, all passing); a failing expectation shows verify's message, a
# unified diff and the replay line; -k, --lf and --junitxml select and report
# items; .py programs marked "# cancelsim: verify" are collected, others not.
# Needs a python with pytest (Debian: python3-pytest; $PYTEST_PYTHON, python3
# or /usr/bin/python3); exits 77 without one.  Prints "N passed, N failed".
set -u
cs="$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"
py=""
for c in "${PYTEST_PYTHON:-}" python3 /usr/bin/python3; do
    if [ -n "$c" ] && "$c" -c "import pytest" 2>/dev/null; then py="$c"; break; fi
done
[ -n "$py" ] || { echo "pytest: no python with pytest (Debian: python3-pytest): skipped"; exit 77; }
. tests/testlib.sh
export CANCELSIM_BIN="$cs"

# install from a copy, so the build leaves nothing in the source tree
cp -r python "$tmp/src"
rm -rf "$tmp/src/build" "$tmp/src"/*.egg-info
if "$py" -m pip install -q --no-index --no-build-isolation --target "$tmp/site" "$tmp/src" >"$tmp/pip.log" 2>&1; then
    ok
    export PYTHONPATH="$tmp/site"
    plugin=()
else
    bad "pip install of python/: $(tail -1 "$tmp/pip.log")"
    export PYTHONPATH="$PWD/python"
    plugin=(-p cancelsim_py.pytest_plugin)
fi
pt() { "$py" -m pytest "${plugin[@]}" -o cache_dir="$tmp/cache" -q "$@"; }

# the corpus: one item per scenario and backend, as verify counts them
want=$("$cs" verify scenarios/ | sed -n 's/^verify: \([0-9]*\) passed, 0 failed.*/\1/p')
out=$(pt --cancelsim scenarios/ 2>&1); rc=$?
if [ "$rc" = 0 ] && [ -n "$want" ] && echo "$out" | grep -q "^$want passed"; then ok; else
    bad "pytest --cancelsim scenarios/: exit $rc, want $want passed: $(echo "$out" | tail -1)"
fi

# a failing expectation and a passing scenario
mkdir -p "$tmp/sc"
cp scenarios/taskgroup/sibling-failure-cancels-sibling.json "$tmp/sc/good.json"
python3 -c "
import json, sys
d = json.load(open('scenarios/taskgroup/sibling-failure-cancels-sibling.json'))
d['expect']['end_time'] = 5
d['name'] = 'wrong'
json.dump(d, open(sys.argv[1], 'w'), indent=2)" "$tmp/sc/wrong.json"
out=$(pt --cancelsim "$tmp/sc" 2>&1); rc=$?
if [ "$rc" = 1 ] && echo "$out" | grep -q "2 failed, 2 passed"; then ok; else bad "mixed folder: exit $rc: $(echo "$out" | tail -1)"; fi
for s in "end_time: expected 5, got 1" "--- expected" "+++ outcome" '-  "end_time": 5' '+  "end_time": 1' \
         "replay: cancelsim run $tmp/sc/wrong.json --backend trio --format json"; do
    if echo "$out" | grep -qF -- "$s"; then ok; else bad "failure report lacks '$s'"; fi
done
out=$(pt --cancelsim "$tmp/sc" -k "wrong and trio" 2>&1)
if echo "$out" | grep -q "1 failed, 3 deselected"; then ok; else bad "-k: $(echo "$out" | tail -1)"; fi
out=$(pt --cancelsim "$tmp/sc" --lf 2>&1)
if echo "$out" | grep -q "2 failed, 2 deselected"; then ok; else bad "--lf: $(echo "$out" | tail -1)"; fi
pt --cancelsim "$tmp/sc" --junitxml "$tmp/j.xml" >/dev/null 2>&1
if [ "$(grep -o '<testcase ' "$tmp/j.xml" | wc -l)" = 4 ] && [ "$(grep -o '<failure ' "$tmp/j.xml" | wc -l)" = 2 ] \
   && grep -q 'name="trio"' "$tmp/j.xml"; then ok; else bad "--junitxml: $(head -c 300 "$tmp/j.xml")"; fi

# Python programs: marked ones are collected (and pass or fail on findings), others not
mkdir -p "$tmp/py"
cp examples/*.py "$tmp/py/"
cp tests/python/events.py "$tmp/py/unmarked.py"
{ echo "# cancelsim: verify"; cat tests/python/deadlock.py; } >"$tmp/py/stuck.py"
n=$(ls examples/*.py | wc -l)
out=$(cd "$tmp/py" && pt . 2>&1); rc=$?
if [ "$rc" = 1 ] && echo "$out" | grep -q "2 failed, $((2 * n)) passed" && echo "$out" | grep -q 'findings: expected \[\], got \["deadlock"\]' \
   && ! echo "$out" | grep -q unmarked; then ok; else bad "marked .py files: exit $rc: $(echo "$out" | tail -3)"; fi
out=$(pt examples/ 2>&1); rc=$?
if [ "$rc" = 0 ] && echo "$out" | grep -q "^$((2 * n)) passed"; then ok; else bad "pytest examples/: $(echo "$out" | tail -1)"; fi
# a marked program named on the command line or as a test module (test_*.py) is a scenario,
# collected once and never imported; its CANCELSIM_EXPECT is checked, with a diff
sed 's/"end_time": 2,/"end_time": 7,/' examples/timeouts.py >"$tmp/py/test_timeouts.py"
out=$(cd "$tmp/py" && pt test_timeouts.py 2>&1); rc=$?
if [ "$rc" = 1 ] && echo "$out" | grep -q "2 failed in" && echo "$out" | grep -qF -- '-  "end_time": 7' \
   && echo "$out" | grep -qF -- '+  "end_time": 2' && echo "$out" | grep -qF "replay: cancelsim run test_timeouts.py --backend trio"; then
    ok; else bad "a marked test_*.py with a wrong CANCELSIM_EXPECT: exit $rc: $(echo "$out" | tail -3)"; fi
# a marked program that runs on one backend only (native asyncio): the other item is skipped
{ echo "# cancelsim: verify"; cat tests/python/native_shield.py; } >"$tmp/py/test_native.py"
out=$(cd "$tmp/py" && pt test_native.py 2>&1); rc=$?
if [ "$rc" = 0 ] && echo "$out" | grep -q "1 passed, 1 skipped"; then ok; else
    bad "a marked native asyncio program: exit $rc: $(echo "$out" | tail -3)"; fi
finish pytest
