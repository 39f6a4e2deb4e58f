#!/usr/bin/env bash
# test.sh - second command of the README (and what CI runs): install what is
# missing, build, run the whole suite through CTest, then again under
# AddressSanitizer and UndefinedBehaviorSanitizer, then the corpus under
# valgrind (scripts/valgrind.sh), then a short fuzzing run and a sample of
# the mutants (scripts/mutants.sh).  A test that cannot run here (a missing
# tool) is skipped, never passed: the summary at the end says how many were
# skipped and why.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/deps.sh
cs_install_deps
# CI checks the HTML report in a real browser (tests/t_html.sh)
export CS_INSTALL_BROWSER="${CS_INSTALL_BROWSER:-1}"
cs_install_browser
jobs="$(nproc)"
skips="$(mktemp)"
trap 'rm -f "$skips"' EXIT

# cs_note_skips BUILD_DIR: appends each test CTest skipped in its last run
# (CTest's own "(Skipped)" list), with the last line the test printed (its
# reason, e.g. "skipped: AnyIO is not importable"), to $skips.
cs_note_skips() {
    awk -v dir="$1" '
        FNR == NR { if (match($0, /- .* \(Skipped\)$/)) skipped[substr($0, RSTART + 2, RLENGTH - 12)] = 1; next }
        /^[0-9]+\/[0-9]+ Test: / { name = $3; last = ""; out = 0 }
        /^Output:$/ { out = 1; next }
        /^<end of output>$/ { out = 0; if (name in skipped) printf "%s: %s: %s\n", dir, name, last; next }
        out && /^-+$/ { next }
        out && NF { last = $0 }
    ' "$1/ctest-output.log" "$1/Testing/Temporary/LastTest.log" >>"$skips"
}

cmake -S . -B build -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build -j"$jobs"
(cd build && ctest --output-on-failure -j"$jobs" | tee ctest-output.log)
cs_note_skips build

cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DCS_SANITIZE=ON >/dev/null
cmake --build build-asan -j"$jobs"
# Graphviz's own layout and font plugins leak; tests/lsan.supp names only those.
# Check's 4 s per-test timeout is too short for a sanitized build on a busy
# machine: give it ten times as long (a timeout, not a speed requirement).
(cd build-asan && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 CK_TIMEOUT_MULTIPLIER=10 \
    LSAN_OPTIONS="suppressions=$PWD/../tests/lsan.supp:print_suppressions=0" ctest --output-on-failure -j"$jobs" |
    tee ctest-output.log)
cs_note_skips build-asan

# The corpus and every subcommand under valgrind (no invalid access, no
# uninitialised value, no leak): 6.4 CPU-minutes, so 3.5-6.5 minutes on 2 cores.
bash scripts/valgrind.sh

# Fuzz both targets briefly (loader; loader + engine) under ASan and UBSan;
# 77: clang with libFuzzer cannot be had here.
rc=0
bash scripts/fuzz_ci.sh 60 || rc=$?
if [ $rc -eq 77 ]; then
    echo "fuzzing: clang with libFuzzer and the sanitizers is not available here" >>"$skips"
elif [ $rc -ne 0 ]; then
    exit $rc
fi

# A sample of the mutants (tests/mutants.txt): each must make the suite fail.
# Each mutant runs the fast tier (ctest -LE slow, about 20 s) and the slow one
# only when that passes: measured on 2 cores, the copy's build, its fast tier
# and 8 mutants took 6.3 minutes (all 8 killed).  No mutant starts after 8
# minutes; the whole list: scripts/mutants.sh.
bash scripts/mutants.sh --sample 8 --seed "$(git rev-parse --short HEAD 2>/dev/null || echo 1)" --budget 480

n=$(grep -c '' "$skips" || true)
echo "test.sh: $n skipped"
sed 's/^/  skipped: /' "$skips"
