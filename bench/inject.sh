#!/usr/bin/env bash
# inject.sh [CANCELSIM] - plans per second of `cancelsim inject` on a 20-task
# scenario (bench/inject_20tasks.json): every single fault (520 plans on both
# backends), then every pair (67,860 plans), with 1 and 2 jobs.  A benchmark,
# not a test: it prints a table and checks nothing.
set -eu
cs="${1:-build/cancelsim}"
here="$(cd "$(dirname "$0")" && pwd)"
f="$here/inject_20tasks.json"
printf '%-28s %8s %8s %10s\n' "sweep" "plans" "wall s" "plans/s"
for args in "--max-faults 1 --jobs 1" "--max-faults 2 --jobs 1" "--max-faults 2 --jobs 2"; do
    best=""
    for _ in 1 2 3; do
        start=$(date +%s.%N)
        # shellcheck disable=SC2086
        summary=$("$cs" inject "$f" $args --format json | tail -1 || true)
        end=$(date +%s.%N)
        t=$(echo "$end - $start" | bc -l)
        if [ -z "$best" ] || [ "$(echo "$t < $best" | bc -l)" = 1 ]; then best=$t; fi
    done
    plans=$(echo "$summary" | python3 -c 'import json,sys; print(json.load(sys.stdin)["summary"]["plans"])')
    printf '%-28s %8d %8.3f %10.0f\n' "$args" "$plans" "$best" "$(echo "$plans / $best" | bc -l)"
done
