#!/usr/bin/env bash
# explore.sh [CANCELSIM] - schedules explored per second on a 10-task scenario
# (issue: Trio backend and explore; goal: 10,000 a second on a 2-core machine).
set -euo pipefail
cd "$(dirname "$0")/.."
cs="${1:-build/cancelsim}"
n=20000
start=$(date +%s.%N)
"$cs" explore bench/explore_10tasks.json --max-schedules "$n" --format json > /tmp/cs_explore_bench.json
end=$(date +%s.%N)
python3 - "$start" "$end" <<'PY'
import json, sys
d = json.load(open("/tmp/cs_explore_bench.json"))
t = float(sys.argv[2]) - float(sys.argv[1])
print(f"schedules: {d['schedules']}  complete: {d['complete']}  distinct outcomes: {len(d['outcomes'])}")
print(f"wall: {t:.2f} s  schedules/s: {d['schedules'] / t:,.0f}")
PY
