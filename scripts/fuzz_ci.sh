#!/usr/bin/env bash
# fuzz_ci.sh SECONDS_PER_TARGET - what CI calls to fuzz briefly: install clang
# and its sanitizer/libFuzzer runtime when missing, then run fuzz/run.sh for
# SECONDS_PER_TARGET seconds on each target (fuzz_load, fuzz_run).
#
# Exit status: that of fuzz/run.sh (non-zero on a crash, leak, sanitizer
# report or timeout; the input is kept under build-fuzzers/artifacts/), or 77
# with a note when clang cannot be installed here: fuzzing is skipped, and
# scripts/test.sh counts it among the skipped, not the passed.
set -uo pipefail
cd "$(dirname "$0")/.."

secs="${1:-60}"
if ! [[ "$secs" =~ ^[0-9]+$ ]]; then
    echo "usage: scripts/fuzz_ci.sh SECONDS_PER_TARGET" >&2
    exit 2
fi

# Can clang build and link a libFuzzer target with the sanitizers?
cs_fuzz_works() {
    command -v clang >/dev/null 2>&1 || return 1
    local t
    t="$(mktemp -d)"
    printf '%s\n' '#include <stddef.h>' '#include <stdint.h>' \
        'int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);' \
        'int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n) { (void)d; (void)n; return 0; }' > "$t/t.c"
    clang -fsanitize=fuzzer,address,undefined "$t/t.c" -o "$t/t" >/dev/null 2>&1
    local rc=$?
    rm -rf "$t"
    return $rc
}

cs_apt() {
    local sudo=""
    if [ "$(id -u)" -ne 0 ]; then
        command -v sudo >/dev/null 2>&1 || return 1
        sudo="sudo -n"
    fi
    $sudo apt-get update -qq >/dev/null 2>&1 || return 1
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "$@" >/dev/null 2>&1
}

if ! cs_fuzz_works; then
    if command -v apt-get >/dev/null 2>&1; then
        echo "fuzz_ci: installing clang"
        command -v clang >/dev/null 2>&1 || cs_apt clang
        if command -v clang >/dev/null 2>&1 && ! cs_fuzz_works; then
            v="$(clang -dumpversion | cut -d. -f1)"
            cs_apt "libclang-rt-$v-dev" || true
        fi
    fi
    if ! cs_fuzz_works; then
        echo "fuzz_ci: skipped: clang with libFuzzer and the sanitizers is not available here"
        exit 77
    fi
fi

# The main build's dependencies (libjansson-dev, pkg-config) come from deps.sh.
. scripts/deps.sh
cs_install_deps

# a fixed seed and number of inputs: the same commit fuzzes the same inputs
export CS_FUZZ_SEED="${CS_FUZZ_SEED:-1}" CS_FUZZ_RUNS="${CS_FUZZ_RUNS:-150000}"
exec fuzz/run.sh "$secs"
