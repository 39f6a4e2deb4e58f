#!/usr/bin/env bash
# run.sh [CANCELSIM] - "Performance at scale" benchmarks (W1-W6), one table.
#
# Each run is `cancelsim run FILE --backend B --format json --step-limit 1e9`
# with stdout to /dev/null, timed by /usr/bin/time -f "%e %M" (wall seconds,
# peak RSS).  No --trace, except the extra "W1+trace" rows (W1 at 1e5 with
# --trace to a file) that show what writing the trace costs.  Sizes grow
# 1e3..1e6; a size is skipped once the previous size took over 20 s, a single
# run is killed after RUN_TIMEOUT s (default 150), and the whole script stops
# starting new runs after BUDGET s (default 600).  Scenario files come from
# bench/gen.py, written to a temporary directory removed at the end.
# Build a Release copy first, e.g.
#   cmake -S . -B build-rel -DCMAKE_BUILD_TYPE=Release && cmake --build build-rel -j2
#   bench/run.sh build-rel/cancelsim
set -uo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
cs="$(realpath "${1:-$here/../build/cancelsim}")"
[ -x "$cs" ] || { echo "run.sh: no cancelsim at $cs" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "run.sh: needs /usr/bin/time (apt-get install time)" >&2; exit 2; }
RUN_TIMEOUT="${RUN_TIMEOUT:-150}"
BUDGET="${BUDGET:-600}"
SIZES="${SIZES:-1000 10000 100000 1000000}"
tmp="$(mktemp -d /tmp/cancelsim-bench.XXXXXX)"
trap 'rm -rf "$tmp"' EXIT
t0=$(date +%s)

printf '%-9s %-8s %8s %9s %9s %10s  %s\n' workload backend N "wall_s" "rss_MiB" "B/task" note

# measure LABEL BACKEND N CMD... : time CMD, print one row, set $last_wall
measure() {
    local label=$1 backend=$2 n=$3; shift 3
    local note="" rc
    timeout "$RUN_TIMEOUT" /usr/bin/time -f "%e %M" -o "$tmp/time" "$@" > /dev/null 2> "$tmp/err"
    rc=$?
    if [ $rc -eq 124 ] || [ ! -s "$tmp/time" ] || grep -q signal "$tmp/time"; then
        last_wall=999999
        printf '%-9s %-8s %8s %9s %9s %10s  %s\n' "$label" "$backend" "$n" ">$RUN_TIMEOUT" - - "timeout/killed"
        return
    fi
    [ $rc -ne 0 ] && note="exit $rc: $(head -c 80 "$tmp/err" | tr '\n' ' ')"
    read -r wall kb < <(tail -1 "$tmp/time")
    last_wall=$wall
    awk -v l="$label" -v b="$backend" -v n="$n" -v w="$wall" -v kb="$kb" -v note="$note" \
        'BEGIN { printf "%-9s %-8s %8s %9.2f %9.1f %10.0f  %s\n", l, b, n, w, kb / 1024, kb * 1024 / n, note }'
}

over_budget() { [ $(( $(date +%s) - t0 )) -ge "$BUDGET" ]; }

for w in W1 W2 W3 W4; do
    for b in asyncio trio; do
        prev=0
        for n in $SIZES; do
            if awk -v p="$prev" 'BEGIN { exit !(p > 20) }'; then
                printf '%-9s %-8s %8s %9s %9s %10s  %s\n' "$w" "$b" "$n" - - - "skipped: previous size took ${prev} s"
                continue
            fi
            if over_budget; then
                printf '%-9s %-8s %8s %9s %9s %10s  %s\n' "$w" "$b" "$n" - - - "skipped: ${BUDGET} s budget spent"
                continue
            fi
            f="$tmp/$(echo "$w" | tr A-Z a-z)-$n.json"
            [ -f "$f" ] || python3 "$here/gen.py" "$w" "$n" "$tmp" > /dev/null
            measure "$w" "$b" "$n" "$cs" run "$f" --backend "$b" --format json --step-limit 1000000000
            prev=$last_wall
        done
    done
done

for b in asyncio trio; do
    for d in 10 100 1000; do
        f="$tmp/w5-$d.json"
        [ -f "$f" ] || python3 "$here/gen.py" W5 "$d" "$tmp" > /dev/null
        measure W5 "$b" "$d" "$cs" run "$f" --backend "$b" --format json --step-limit 1000000000
    done
done

# W6: verify runs every file on both backends, each run twice (nondeterminism check).
d6="$(python3 "$here/gen.py" W6 1000 "$tmp")"
measure W6 both 1000 "$cs" verify "$d6"

# Trace-writing cost: W1 at 1e5 with --trace to a real file.
f="$tmp/w1-100000.json"
[ -f "$f" ] || python3 "$here/gen.py" W1 100000 "$tmp" > /dev/null
for b in asyncio trio; do
    if over_budget; then
        printf '%-9s %-8s %8s %9s %9s %10s  %s\n' W1+trace "$b" 100000 - - - "skipped: ${BUDGET} s budget spent"
        continue
    fi
    measure W1+trace "$b" 100000 "$cs" run "$f" --backend "$b" --format json --step-limit 1000000000 --trace "$tmp/trace.jsonl"
    printf '%-9s %-8s %8s %9s %9s %10s  %s\n' "" "" "" "" "" "" \
        "trace: $(wc -l < "$tmp/trace.jsonl") events, $(( $(stat -c %s "$tmp/trace.jsonl") / 1048576 )) MiB"
    rm -f "$tmp/trace.jsonl"
done
echo "total: $(( $(date +%s) - t0 )) s; $(date -u +%Y-%m-%dT%H:%MZ); $(nproc) CPUs; $cs"
