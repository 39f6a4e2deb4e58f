#!/usr/bin/env bash
# run.sh [BUILD_DIR] - "Performance at scale" benchmarks (W1-W6), one table.
#
# BUILD_DIR holds cancelsim and cancelsim-bench (default: build/); build a
# Release copy first:
#   cmake -S . -B build-rel -DCMAKE_BUILD_TYPE=Release && cmake --build build-rel -j2
#   bench/run.sh build-rel
#
# W1-W4 (N = SIZES) and W5 (depth D) run through cancelsim-bench (bench_run.c):
# the same work as `cancelsim run FILE --backend B --format json`, the JSON
# outcome written to a file, plus the engine's event count.  Each row is the
# best of REPEAT runs, by CPU time (on a shared machine wall time mostly
# measures the other load; both are shown).  Columns:
#   events     engine events (bench/README.md: loop callbacks on asyncio; task
#              steps, deadline expiries and deliveries on Trio)
#   wall_s     load + run + JSON outcome written (process start/exit excluded)
#   cpu_s      CPU seconds (user + system) of the whole process
#   ev/s       events / run wall time; ev/cpu_s: events / run CPU time (the
#              run includes the sinks: outcome, and the trace when written)
#   rss_MiB    peak resident set; B/task = peak RSS / N (W5: per scope)
# W1+trace rows: W1 with --trace to a file (TRACE_SIZES).  W6: 1,000 small
# files through `cancelsim verify DIR`, timed by /usr/bin/time, best of REPEAT.
#
# Environment: SIZES (default "1000 10000 100000 1000000"), REPEAT (3),
# WORKLOADS ("W1 W2 W3 W4"), BACKENDS ("asyncio trio"), TRACE_SIZES ("100000
# 1000000"), RUN_TIMEOUT (150 s per run), BUDGET (1200 s: no new rows after),
# CURVE=FILE (also write the rows as TSV for bench/plot.py), MEMLIMIT=MIB
# (cancelsim-bench --memory-limit; unset: the engine's default limit, whose
# periodic mallinfo2() check is part of what a user's run costs; 0: none).
# ANYIO=1: also run each W1-W4 scenario up to ANYIO_MAX_N (default 10000) on
# real AnyIO (tools/anyio_reference.py; PYTHONPATH or ANYIO_SITE must make
# anyio and trio importable) and print both wall times (whole processes:
# python3 anyio_reference.py FILE vs cancelsim run FILE --format json) and
# the speed-up.  /usr/bin/time resolves 10 ms, so small sizes read 0.00.
set -uo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
bdir="$(realpath "${1:-$here/../build}")"
[ -f "$bdir" ] && bdir="$(dirname "$bdir")" # given the cancelsim binary: its build directory
cs="$bdir/cancelsim"
bench="$bdir/cancelsim-bench"
[ -x "$bench" ] || { echo "run.sh: no cancelsim-bench in $bdir" >&2; exit 2; }
[ -x "$cs" ] || { echo "run.sh: no cancelsim in $bdir" >&2; exit 2; }
SIZES="${SIZES:-1000 10000 100000 1000000}"
REPEAT="${REPEAT:-3}"
WORKLOADS="${WORKLOADS:-W1 W2 W3 W4}"
BACKENDS="${BACKENDS:-asyncio trio}"
TRACE_SIZES="${TRACE_SIZES:-100000 1000000}"
RUN_TIMEOUT="${RUN_TIMEOUT:-150}"
BUDGET="${BUDGET:-1200}"
ANYIO="${ANYIO:-0}"
ANYIO_MAX_N="${ANYIO_MAX_N:-10000}"
export PYTHONPATH="${ANYIO_SITE:+$ANYIO_SITE:}${PYTHONPATH:-}"
tmp="$(mktemp -d /tmp/cancelsim-bench.XXXXXX)"
trap 'rm -rf "$tmp"' EXIT
t0=$(date +%s)
curve="${CURVE:-}"
[ -n "$curve" ] && printf 'workload\tbackend\tN\tevents\twall_s\tcpu_s\tevents_per_s\tevents_per_cpu_s\trss_kib\tbytes_per_task\n' > "$curve"

hdr() { printf '%-9s %-8s %8s %10s %8s %8s %10s %10s %8s %8s  %s\n' workload backend N events wall_s cpu_s "ev/s" "ev/cpu_s" rss_MiB B/task note; }
over_budget() { [ $(( $(date +%s) - t0 )) -ge "$BUDGET" ]; }
skip() { printf '%-9s %-8s %8s %10s %8s %8s %10s %10s %8s %8s  %s\n' "$1" "$2" "$3" - - - - - - - "$4"; }

# bench_row LABEL BACKEND N FILE [EXTRA ARGS]: best of REPEAT, one row; sets $last_wall
bench_row() {
    local label=$1 backend=$2 n=$3 file=$4; shift 4
    local best="" bw=999999 line w rc
    for _ in $(seq "$REPEAT"); do
        line="$(timeout "$RUN_TIMEOUT" "$bench" "$file" --backend "$backend" --out "$tmp/out.json" \
            ${MEMLIMIT:+--memory-limit "$MEMLIMIT"} "$@" 2> "$tmp/err")"
        rc=$?
        if [ $rc -ne 0 ]; then
            last_wall=999999
            skip "$label" "$backend" "$n" "$([ $rc -eq 124 ] && echo "timeout ${RUN_TIMEOUT} s" || echo "exit $rc: $(head -c 80 "$tmp/err" | tr '\n' ' ')")"
            return
        fi
        w=$(sed 's/.* cpu_s=\([^ ]*\).*/\1/' <<< "$line")
        if awk -v a="$w" -v b="$bw" 'BEGIN { exit !(a < b) }'; then bw=$w; best=$line; fi
    done
    last_wall=$(sed 's/.*wall_s=\([^ ]*\).*/\1/' <<< "$best")
    awk -v l="$label" -v b="$backend" -v n="$n" -v line="$best" -v curve="$curve" '
        BEGIN {
            m = split(line, kv, " ");
            for (i = 1; i <= m; i++) { split(kv[i], p, "="); v[p[1]] = p[2] }
            bpt = v["rss_kib"] * 1024 / n;
            printf "%-9s %-8s %8s %10d %8.3f %8.3f %10.0f %10.0f %8.1f %8.0f\n", l, b, n, v["events"], v["wall_s"], v["cpu_s"],
                   v["events_per_s"], v["events_per_cpu_s"], v["rss_kib"] / 1024, bpt;
            if (curve != "")
                printf "%s\t%s\t%s\t%d\t%s\t%s\t%s\t%s\t%s\t%.0f\n", l, b, n, v["events"], v["wall_s"], v["cpu_s"],
                       v["events_per_s"], v["events_per_cpu_s"], v["rss_kib"], bpt >> curve;
        }'
}

gen() { # gen W N -> path
    local f="$tmp/$(echo "$1" | tr A-Z a-z)-$2.json"
    [ -f "$f" ] || python3 "$here/gen.py" "$1" "$2" "$tmp" > /dev/null
    echo "$f"
}

hdr
for w in $WORKLOADS; do
    for b in $BACKENDS; do
        prev=0
        for n in $SIZES; do
            if awk -v p="$prev" 'BEGIN { exit !(p > 30) }'; then skip "$w" "$b" "$n" "skipped: previous size took ${prev} s"; continue; fi
            if over_budget; then skip "$w" "$b" "$n" "skipped: ${BUDGET} s budget spent"; continue; fi
            bench_row "$w" "$b" "$n" "$(gen "$w" "$n")"
            prev=$last_wall
        done
    done
done
for b in $BACKENDS; do
    for n in $TRACE_SIZES; do
        if over_budget; then skip W1+trace "$b" "$n" "skipped: ${BUDGET} s budget spent"; continue; fi
        bench_row W1+trace "$b" "$n" "$(gen W1 "$n")" --trace "$tmp/trace.jsonl"
        [ -f "$tmp/trace.jsonl" ] && printf '%-9s %-8s %8s  %s\n' "" "" "" \
            "trace: $(wc -l < "$tmp/trace.jsonl") lines, $(( $(stat -c %s "$tmp/trace.jsonl") / 1048576 )) MiB"
        rm -f "$tmp/trace.jsonl"
    done
done
for b in $BACKENDS; do
    for d in 10 100 1000 1022; do
        bench_row W5 "$b" "$d" "$(gen W5 "$d")"
    done
done
# W5 at 1022 above is the deepest the loader takes (Jansson stops at 2048 JSON
# levels, two per scope); one deeper must be refused with a message naming the limit
for d in 1023; do
    f="$(gen W5 "$d")"
    msg="$("$cs" run "$f" --format json 2>&1 > /dev/null | head -1)"
    printf '%-9s %-8s %8s  %s\n' W5 load "$d" "refused: ${msg:0:110}"
done

# W6: verify runs every file on both backends, each run twice (nondeterminism check).
d6="$(python3 "$here/gen.py" W6 1000 "$tmp")"
bc=999999 bw=0 bk=0
for _ in $(seq "$REPEAT"); do
    /usr/bin/time -f "%e %M %U %S" -o "$tmp/time" "$cs" verify "$d6" > "$tmp/w6.out" 2>&1
    read -r wall kb u sy < <(tail -1 "$tmp/time")
    c=$(awk -v u="$u" -v s="$sy" 'BEGIN { print u + s }')
    if awk -v a="$c" -v b="$bc" 'BEGIN { exit !(a < b) }'; then bc=$c; bw=$wall; bk=$kb; fi
done
printf '%-9s %-8s %8s %10s %8.2f %8.2f %10s %10s %8.1f %8s  %s\n' W6 both 1000 - "$bw" "$bc" - - "$(awk -v k="$bk" 'BEGIN { print k / 1024 }')" - \
    "$(tail -1 "$tmp/w6.out")"

if [ "$ANYIO" = 1 ]; then
    echo
    if ! python3 -c "import sys; sys.path.insert(0, '$here/../tools'); import trio, anyio_reference as r; sys.exit(1 if r.anyio_problem() else 0)" 2>/dev/null; then
        echo "real AnyIO: not importable (set ANYIO_SITE or PYTHONPATH); no comparison"
    else
        printf '%-9s %-8s %8s %10s %10s %8s\n' workload backend N anyio_s cancelsim_s speedup
        for w in $WORKLOADS; do
            for b in $BACKENDS; do
                for n in $SIZES; do
                    [ "$n" -le "$ANYIO_MAX_N" ] || continue
                    f="$(gen "$w" "$n")"
                    /usr/bin/time -f "%e" -o "$tmp/atime" python3 "$here/../tools/anyio_reference.py" "$f" --backend "$b" \
                        --step-limit 1000000000 > /dev/null 2> "$tmp/aerr" || { printf '%-9s %-8s %8s  %s\n' "$w" "$b" "$n" \
                        "anyio_reference failed: $(tail -1 "$tmp/aerr" | head -c 80)"; continue; }
                    a=$(tail -1 "$tmp/atime")
                    # the same whole-process measure for both: `cancelsim run --format json`
                    /usr/bin/time -f "%e" -o "$tmp/ctime" "$cs" run "$f" --backend "$b" --format json \
                        --step-limit 1000000000 > "$tmp/out.json" 2> /dev/null
                    c=$(tail -1 "$tmp/ctime")
                    awk -v w="$w" -v b="$b" -v n="$n" -v a="$a" -v c="$c" \
                        'BEGIN { printf "%-9s %-8s %8s %10.2f %10.2f %8s\n", w, b, n, a, c,
                                 (c > 0 ? sprintf("%.0fx", a / c) : "(<10 ms)") }'
                done
            done
        done
    fi
fi
echo "total: $(( $(date +%s) - t0 )) s; $(date -u +%Y-%m-%dT%H:%MZ); $(nproc) CPUs; load $(cut -d' ' -f1-3 /proc/loadavg); $bdir"
