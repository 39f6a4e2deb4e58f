#!/usr/bin/env bash
# snapshot_outputs.sh CANCELSIM OUTDIR - every output a refactor must keep.
#
# For each corpus scenario (scenarios/**/*.json) and each bench/*.json small
# enough to run in a moment, writes into OUTDIR what the given build prints:
# run text, JSON and --trace on both backends, DOT, timeline, explain, a
# verify report (text and JUnit), an inject sweep (failures and timeouts) and
# a bounded explore.  Compare two builds with
#   scripts/snapshot_outputs.sh OLD/cancelsim /tmp/a
#   scripts/snapshot_outputs.sh NEW/cancelsim /tmp/b
#   diff -r /tmp/a /tmp/b && echo byte-identical
# Exit status and stderr are kept too (a changed error message is a change).
# JOBS (default 2) runs that many scenarios at once.
set -uo pipefail
bin="$(realpath "$1")"
out="$2"
here="$(cd "$(dirname "$0")/.." && pwd)"
mkdir -p "$out"
JOBS="${JOBS:-2}"

one() {
    local bin="$1" out="$2" f="$3" rel d
    rel="${f#"$here"/}"
    d="$out/${rel//\//__}"
    mkdir -p "$d"
    cap() { # cap NAME CMD... : stdout, stderr and status of one command
        local name="$1"
        shift
        (cd "$d" && "$@" > "$name.out" 2> "$name.err"; echo $? > "$name.rc")
        # the file name a command prints is the same in both snapshots
        sed -i "s#$here/##g" "$d/$name.out" "$d/$name.err" 2> /dev/null
    }
    for b in asyncio trio; do
        cap "run-$b-text" "$bin" run "$f" --backend "$b"
        cap "run-$b-json" "$bin" run "$f" --backend "$b" --format json
        cap "run-$b-expect" "$bin" run "$f" --backend "$b" --format expect
        cap "run-$b-trace" "$bin" run "$f" --backend "$b" --format json --trace "$d/trace-$b.jsonl"
        cap "dot-$b" "$bin" dot "$f" --backend "$b"
        cap "timeline-$b" "$bin" timeline "$f" --backend "$b" -o "$d/timeline-$b.json"
        cap "explain-$b" "$bin" explain "$f" --backend "$b"
        cap "trace-read-$b" "$bin" trace "$d/trace-$b.jsonl" --format json
    done
    cap run-trio-seed3 "$bin" run "$f" --backend trio --seed 3 --format json
    cap verify "$bin" verify "$f"
    cap verify-junit "$bin" verify "$f" --junit "$d/junit.xml" --tap
    cap inject "$bin" inject "$f" --max-plans 40 --jobs 1
    cap explore "$bin" explore "$f" --max-schedules 60 --format json
}
export -f one
export here

{
    find "$here/scenarios" -name '*.json' | sort
    find "$here/bench" -maxdepth 1 -name '*.json' -size -4k | sort
} | xargs -P "$JOBS" -I{} bash -c 'one "$0" "$1" "$2"' "$bin" "$out" {}
echo "snapshot of $(find "$out" -type f | wc -l) files in $out"
