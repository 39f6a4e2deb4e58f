#!/usr/bin/env bash
# run.sh SECONDS [TARGET...] - fuzz each target (default: fuzz_load fuzz_run fuzz_trace)
# for SECONDS seconds, building them first when a source is newer.
#
# Seed corpus: scenarios/**/*.json, tests/hostile/*.json, tests/crashers/*.json
# and the translated programs tests/python/expected/*.json (statements with "pos"), copied into a
# temporary directory (removed afterwards); fuzz_trace's: fuzz/trace_seeds/
# (traces of a few corpus scenarios) and tests/hostile_trace/.  A crash, leak, sanitizer report or
# timeout (-timeout=5 per input) stops that target; its input is kept as
# build-fuzzers/artifacts/<target>/crash-... (or leak-, timeout-, oom-) and
# the script exits 1 after running the remaining targets.
set -uo pipefail

if [ $# -lt 1 ] || ! [[ "$1" =~ ^[0-9]+$ ]]; then
    echo "usage: fuzz/run.sh SECONDS [fuzz_load|fuzz_run|fuzz_trace ...]" >&2
    exit 2
fi
secs="$1"; shift
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(fuzz_load fuzz_run fuzz_trace)

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="${CS_FUZZ_OUT:-$root/build-fuzzers}"
cd "$root"

# Rebuild when a binary is missing or older than any source it is built from.
stale=()
for t in "${targets[@]}"; do
    if [ ! -x "$out/$t" ] || [ -n "$(find sim verify fuzz -name '*.[ch]' -newer "$out/$t" -print -quit)" ]; then
        stale+=("$t")
    fi
done
if [ ${#stale[@]} -gt 0 ]; then
    "$root/fuzz/build.sh" "$out" "${stale[@]}" || exit 1
fi

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/seed"
i=0
while IFS= read -r -d '' f; do
    i=$((i + 1))
    cp "$f" "$tmp/seed/$i-$(basename "$f")"
done < <(find scenarios tests/hostile tests/crashers tests/python/expected -name '*.json' -print0 2>/dev/null)
echo "seed corpus: $i files"
mkdir -p "$tmp/seed-trace"
cp fuzz/trace_seeds/*.jsonl tests/hostile_trace/*.jsonl "$tmp/seed-trace/" 2>/dev/null

status=0
for t in "${targets[@]}"; do
    art="$out/artifacts/$t"
    mkdir -p "$art" "$tmp/corpus-$t"
    log="$tmp/$t.log"
    echo "== $t: ${secs}s"
    start=$(date +%s)
    # CS_FUZZ_SEED / CS_FUZZ_RUNS make a run reproducible (CI uses both, so a
    # green local run of the same commit means a green CI run)
    "$out/$t" -max_total_time="$secs" ${CS_FUZZ_SEED:+-seed=$CS_FUZZ_SEED} ${CS_FUZZ_RUNS:+-runs=$CS_FUZZ_RUNS} \
        -max_len=65536 -timeout=5 -rss_limit_mb=2048 \
        -print_final_stats=1 -artifact_prefix="$art/" \
        "$tmp/corpus-$t" "$tmp/seed$([ "$t" = fuzz_trace ] && echo -trace)" >"$log" 2>&1
    rc=$?
    took=$(( $(date +%s) - start ))
    runs="$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)"
    [ -n "$runs" ] || runs="$(sed -n 's/^Done \([0-9]*\) runs.*/\1/p' "$log" | tail -1)"
    cov="$(grep -o 'cov: [0-9]*' "$log" | tail -1)"
    echo "$t: ${runs:-?} executions in ${took}s (${cov:-cov: ?}), exit $rc"
    if [ "$rc" -ne 0 ]; then
        status=1
        echo "$t: FAILED; last 60 lines of the log:"
        tail -60 "$log"
        ls -1 "$art"/crash-* "$art"/leak-* "$art"/timeout-* "$art"/oom-* 2>/dev/null | sed 's/^/  kept: /'
    fi
done
exit "$status"
