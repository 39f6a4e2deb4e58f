#!/usr/bin/env bash
# build.sh [OUT [TARGET...]] - compile the libFuzzer targets (default: fuzz_load
# fuzz_run fuzz_trace) with clang,
# AddressSanitizer and UndefinedBehaviorSanitizer, into build-fuzzers/ (or $1; git-ignored).
# Independent of the CMake build.  Needs clang with its runtime libraries
# (Debian: apt-get install -y clang libclang-rt-14-dev) and libjansson-dev.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="${1:-$root/build-fuzzers}"
[ $# -gt 0 ] && shift
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(fuzz_load fuzz_run fuzz_trace)
CC="${CC:-clang}"
mkdir -p "$out"

if ! command -v "$CC" >/dev/null 2>&1; then
    echo "build.sh: $CC not found (apt-get install -y clang libclang-rt-14-dev)" >&2
    exit 1
fi

cflags=(-g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined
        -fno-omit-frame-pointer -ffp-contract=off -D_POSIX_C_SOURCE=200809L -std=c11
        -I "$root/sim/core" -I "$root/sim/load" -I "$root/sim" -I "$root/verify")
jansson=($(pkg-config --cflags --libs jansson))

cd "$root"
# fuzz_load needs the loader and the program/exception code it builds on, but
# the loader is linked with the whole engine in the main build too: use all of
# sim/ so nothing is missing.  verify/ is only needed by fuzz_run.
for t in "${targets[@]}"; do
    case "$t" in
        fuzz_load) srcs=(sim/*.c sim/*/*.c) ;;
        fuzz_run|fuzz_trace) srcs=(sim/*.c sim/*/*.c verify/*.c) ;;
        *) echo "build.sh: unknown target $t" >&2; exit 2 ;;
    esac
    # Link into a temporary name first: a running fuzzer keeps its binary.
    "$CC" "${cflags[@]}" "${srcs[@]}" "fuzz/$t.c" "${jansson[@]}" -lm -o "$out/$t.tmp"
    mv -f "$out/$t.tmp" "$out/$t"
    echo "built $out/$t"
done
