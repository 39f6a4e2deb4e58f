#!/usr/bin/env bash
# mutants.sh [--list FILE] [--sample N] [--seed S] [--budget SECONDS]
#            [--only ID[,ID...]] [--timeout SECONDS] [--keep]
# Mutation testing: applies each small mutation of tests/mutants.txt (a
# changed operator, condition or constant, a dropped statement, a swapped
# order) to a scratch copy of the tree, one at a time, rebuilds incrementally,
# runs ctest, and counts the mutant killed when the suite fails.  The suite
# runs in two tiers: the fast tests (ctest -LE slow: the Check suites, the
# corpus, the quick scripts; about 20 s on 2 cores) and, only for a mutant
# they all pass, the slow ones (the label `slow`, CS_SLOW_TESTS in
# CMakeLists.txt).  The unmutated copy passes the fast tier first; its slow
# tier is run once, when a mutant first needs it.  A suite that
# stays green on a mutant has a hole: every survivor must be killed by a new
# test or listed in tests/MUTANTS.md (and marked `equivalent` in the list)
# with why no test can tell it from the original.
#
# Never touches the working tree: the tree (tracked and new files, as they are
# now) is copied into build-mutants/src (only files that changed are
# rewritten, so the build in build-mutants/build stays incremental), each
# mutation is applied there and undone after its run.
#
# A mutation names no file: its text is looked up across the production
# sources (sim/ verify/ drive/ cli/ render/), so moving code does not break it; text
# found other than exactly once makes the mutant "stale" (reported, counted
# as a failure of this script), never silently skipped.  A mutant that does
# not compile is reported as "invalid" (fix the list).
#
#   --sample N      N mutants drawn with --seed S (default: all, in list order)
#   --budget SECS   start no mutant after SECS seconds since the start (the
#                   copy's build and unmutated fast tier included; those
#                   left are "not run")
#   --only IDS      just these mutants (comma-separated ids)
#   --timeout SECS  per-mutant ctest timeout per test (default 60; the slow
#                   tier's: five times that)
#
# Prints one line per mutant and the score: killed / (killed + survived),
# equivalent mutants left out.  Exit status: 0 when no non-equivalent mutant
# survived and none is stale or invalid, 1 otherwise, 2 bad arguments or the
# unmutated copy does not build or pass.
set -uo pipefail
cd "$(dirname "$0")/.."
root="$PWD"
list=tests/mutants.txt sample=0 seed=1 budget=0 only="" timeout=60
while [ $# -gt 0 ]; do
    case "$1" in
        --list) list="$2"; shift 2 ;;
        --sample) sample="$2"; shift 2 ;;
        --seed) seed="$2"; shift 2 ;;
        --budget) budget="$2"; shift 2 ;;
        --only) only="$2"; shift 2 ;;
        --timeout) timeout="$2"; shift 2 ;;
        -h|--help) sed -n '2,39p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "mutants.sh: unknown argument '$1'" >&2; exit 2 ;;
    esac
done
for n in "$sample" "$budget" "$timeout"; do
    [[ "$n" =~ ^[0-9]+$ ]] || { echo "mutants.sh: not a number: '$n'" >&2; exit 2; }
done
[ -f "$list" ] || { echo "mutants.sh: no list $list" >&2; exit 2; }

work="${CS_MUTANTS_DIR:-$root/build-mutants}"
src="$work/src" bld="$work/build"
mkdir -p "$src" "$bld"

# Sync the scratch copy: files whose content differs are rewritten (fresh
# mtime, so make rebuilds just them); files gone from the tree are removed.
python3 - "$root" "$src" <<'PY' || exit 2
import os, subprocess, sys
root, src = sys.argv[1], sys.argv[2]
files = subprocess.run(["git", "ls-files", "-co", "--exclude-standard", "-z"], cwd=root,
                       capture_output=True, check=True).stdout.decode().split("\0")
files = {f for f in files if f and os.path.isfile(os.path.join(root, f)) and not f.startswith("build")}
for f in files:
    data = open(os.path.join(root, f), "rb").read()
    dst = os.path.join(src, f)
    try:
        same = open(dst, "rb").read() == data
    except OSError:
        same = False
    if not same:
        os.makedirs(os.path.dirname(dst), exist_ok=True)
        with open(dst, "wb") as out:
            out.write(data)
        os.chmod(dst, os.stat(os.path.join(root, f)).st_mode & 0o777)
for dirpath, dirnames, filenames in os.walk(src):
    for name in filenames:
        rel = os.path.relpath(os.path.join(dirpath, name), src)
        if rel not in files:
            os.remove(os.path.join(dirpath, name))
PY

build() {
    { cmake -S "$src" -B "$bld" -DCMAKE_BUILD_TYPE=Release >/dev/null && cmake --build "$bld" -j2; } >"$work/build.log" 2>&1
}
# The two tiers (see the top).  Check's 4 s per-test timeout is made ten
# times longer, so that a busy machine does not kill a mutant by the clock.
# The slow tier's tests take up to a minute each on a quiet machine
# (t_trace_consumers: 57 s), so their per-test timeout is five times --timeout.
tier() { # tier fast|slow: ctest on that tier, its log in $work/ctest.log
    local sel=-LE t="$timeout"
    [ "$1" = slow ] && sel=-L t=$((timeout * 5))
    (cd "$bld" && CK_TIMEOUT_MULTIPLIER=10 ctest -j2 --timeout "$t" $stop "$sel" slow >"$work/ctest.log" 2>&1)
}
start=$(date +%s)
stop="" # the unmutated run goes to the end; a mutant's stops at its first failure
if ! build; then
    echo "mutants.sh: the unmutated copy does not build:"; tail -20 "$work/build.log"; exit 2
fi
if ! tier fast; then
    echo "mutants.sh: the unmutated suite fails (fix it first):"; grep -E "Failed|\*\*\*" "$work/ctest.log" | head; exit 2
fi

stop="--stop-on-failure"
slow_ok="" # the unmutated slow tier passed (run once, when a mutant first needs it)

# The mutants to run, as "ID<TAB>equivalent?" lines; apply/undo by id.
mut() { python3 "$root/scripts/mutants_apply.py" "$src" "$list" "$@"; }

# suite ID: the mutant ID (applied and built) fails the fast tier, or else the
# slow one; before the first slow run, the unmutated copy's slow tier must pass.
suite() {
    tier fast || return 1
    if [ -z "$slow_ok" ]; then
        mut undo "$1" >/dev/null && build && stop="" tier slow || {
            echo "mutants.sh: the unmutated suite fails (fix it first):"
            grep -E "Failed|\*\*\*" "$work/ctest.log" | head
            exit 2
        }
        slow_ok=1
        mut apply "$1" >/dev/null && build || { echo "mutants.sh: cannot apply $1 again" >&2; exit 2; }
    fi
    tier slow
}
ids="$(mut ids --sample "$sample" --seed "$seed" --only "$only")" || exit 2

killed=0 survived=0 equiv_alive=0 equiv_killed=0 stale=0 invalid=0 notrun=0
survivors=""
# The list comes on fd 3 and every command in the loop reads /dev/null: a
# test that reads stdin (a mutant can make one wait there) once ate the rest
# of the list, and the run ended after 10 of 89 mutants as if complete.
while IFS=$'\t' read -r id equiv <&3; do
    [ -n "$id" ] || continue
    if [ "$budget" -gt 0 ] && [ $(($(date +%s) - start)) -ge "$budget" ]; then
        notrun=$((notrun + 1)); continue
    fi
    where="$(mut apply "$id")"; rc=$?
    if [ $rc -ne 0 ]; then
        stale=$((stale + 1)); echo "STALE     $id: $where"; continue
    fi
    if ! build; then
        invalid=$((invalid + 1)); echo "INVALID   $id ($where): does not compile"
    elif suite "$id"; then
        if [ "$equiv" = equivalent ]; then
            equiv_alive=$((equiv_alive + 1)); echo "EQUIV     $id ($where)"
        else
            survived=$((survived + 1)); survivors="$survivors $id"; echo "SURVIVED  $id ($where)"
        fi
    else
        if [ "$equiv" = equivalent ]; then
            equiv_killed=$((equiv_killed + 1)); echo "KILLED    $id ($where) -- listed as equivalent: take it off tests/MUTANTS.md"
        else
            killed=$((killed + 1)); echo "killed    $id ($where): $(grep -m3 -oE '[0-9]+ - [^ ]+ \((Failed|Timeout|SEGFAULT|Subprocess aborted)' "$work/ctest.log" | tr '\n' ' ')"
        fi
    fi
    mut undo "$id" >/dev/null || { echo "mutants.sh: cannot undo $id" >&2; exit 2; }
done 3<<<"$ids" </dev/null
build >/dev/null 2>&1 # leave the copy's build unmutated for the next run

total=$((killed + survived))
score="n/a"
[ $total -gt 0 ] && score="$(awk -v k=$killed -v t=$total 'BEGIN { printf "%.1f%%", 100 * k / t }')"
echo "mutants: $killed killed, $survived survived, $((equiv_alive + equiv_killed)) equivalent, $stale stale, $invalid invalid, $notrun not run (budget) in $(($(date +%s) - start)) s"
echo "mutation score: $score of non-equivalent mutants killed"
[ -n "$survivors" ] && echo "survivors:$survivors"
[ $survived -eq 0 ] && [ $stale -eq 0 ] && [ $invalid -eq 0 ] && [ $equiv_killed -eq 0 ]
