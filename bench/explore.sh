#!/usr/bin/env bash
# explore.sh [CANCELSIM] - schedules explored per second (issue 21: at least
# 10,000/s on explore_mass_cancel.json, 25,000/s on explore_10tasks.json), for
# each strategy, and the time of `verify` on the whole corpus with every Trio
# schedule against the canonical schedule only.
set -euo pipefail
cd "$(dirname "$0")/.."
cs="${1:-build/cancelsim}"
n=50000
out=$(mktemp)
trap 'rm -f "$out" "$out.t"' EXIT
for f in bench/explore_mass_cancel.json bench/explore_10tasks.json; do
    for st in mixed dfs random pct; do
        /usr/bin/time -f "%U %e" -o "$out.t" "$cs" explore "$f" --strategy "$st" --max-schedules "$n" --format json > "$out"
        python3 - "$f" "$out" "$out.t" <<'PY'
import json, sys
d = json.load(open(sys.argv[2]))
user, wall = map(float, open(sys.argv[3]).read().split()[-2:])
print(f"{sys.argv[1]:34} {d['strategy']:6} schedules {d['schedules']:6}  outcomes {len(d['outcomes']):6}  "
      f"wall {wall:5.2f} s ({d['schedules'] / wall:8,.0f}/s)  user {user:5.2f} s ({d['schedules'] / max(user, 0.01):8,.0f}/s)")
PY
    done
done
for m in canonical all; do
    /usr/bin/time -f "verify scenarios --schedules $m: wall %e s, user %U s, sys %S s" "$cs" verify scenarios --schedules "$m" > "$out" || true
    tail -1 "$out"
done
