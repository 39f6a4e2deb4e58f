#!/usr/bin/env bash
# test.sh - second command of the README (and what CI runs): install what is
# missing, build, run the whole suite through CTest, then again under
# AddressSanitizer and UndefinedBehaviorSanitizer, then the corpus under
# valgrind (scripts/valgrind.sh), then a short fuzzing run.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/deps.sh
cs_install_deps
# CI checks the HTML report in a real browser (tests/t_html.sh)
export CS_INSTALL_BROWSER="${CS_INSTALL_BROWSER:-1}"
cs_install_browser
jobs="$(nproc)"

cmake -S . -B build -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build -j"$jobs"
(cd build && ctest --output-on-failure -j"$jobs")

cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DCS_SANITIZE=ON >/dev/null
cmake --build build-asan -j"$jobs"
# Graphviz's own layout and font plugins leak; tests/lsan.supp names only those.
# Check's 4 s per-test timeout is too short for a sanitized build on a busy
# machine: give it ten times as long (a timeout, not a speed requirement).
(cd build-asan && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 CK_TIMEOUT_MULTIPLIER=10 \
    LSAN_OPTIONS="suppressions=$PWD/../tests/lsan.supp:print_suppressions=0" ctest --output-on-failure -j"$jobs")

# The corpus and every subcommand under valgrind (no invalid access, no
# uninitialised value, no leak): 6.4 CPU-minutes, so 3.5-6.5 minutes on 2 cores.
bash scripts/valgrind.sh

# Fuzz both targets briefly (loader; loader + engine) under ASan and UBSan.
bash scripts/fuzz_ci.sh 60
