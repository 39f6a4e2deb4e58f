#!/usr/bin/env bash
# t_explore_default.sh CANCELSIM - explore's default strategy is "mixed", as
# verify's sweep: depth first for half the bound, then random seeds when dfs
# has not finished.  Ten tasks cancelled at once (bench/explore_mass_cancel.json)
# have two outcomes (the group's cancellation reaches the tasks in either
# order); a pure dfs stays in the first corner of the tree for all 10,000
# schedules and finds one, the default finds both and says how it split the
# bound.  A space dfs finishes is still explored completely, by dfs alone, also
# when it needs more than half the bound.
set -u
cs="$1"
. "$(dirname "$0")/testlib.sh"
outcomes() { python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["strategy"], len(d["outcomes"]), d["complete"], d.get("dfs_schedules", 0))'; }

got=$("$cs" explore bench/explore_mass_cancel.json --format json | outcomes)
[ "$got" = "mixed 2 False 5000" ] && ok || bad "default explore of mass_cancel: want 'mixed 2 False 5000', got '$got'"
got=$("$cs" explore bench/explore_mass_cancel.json --strategy mixed --format json | outcomes)
[ "$got" = "mixed 2 False 5000" ] && ok || bad "--strategy mixed: got '$got'"
# the contrast that makes the default matter: dfs alone misses an outcome
got=$("$cs" explore bench/explore_mass_cancel.json --strategy dfs --format json | outcomes)
[ "$got" = "dfs 1 False 0" ] && ok || bad "--strategy dfs of mass_cancel: want 'dfs 1 False 0', got '$got'"
# the bound is split in halves: --max-schedules 400 gives dfs 200
got=$("$cs" explore bench/explore_mass_cancel.json --max-schedules 400 --format json | outcomes)
[ "$got" = "mixed 2 False 200" ] && ok || bad "--max-schedules 400: want 'mixed 2 False 200', got '$got'"
# the text says so
"$cs" explore bench/explore_mass_cancel.json >"$tmp/out"
grep -q '^  depth first for 5000 schedules without finishing, then random seeds for 5000$' "$tmp/out" && ok ||
    bad "the text does not say dfs gave way: $(head -3 "$tmp/out")"
# a small space: dfs finishes, complete, no random schedule
got=$("$cs" explore scenarios/schedules/event-wake-order.json --format json | outcomes)
case "$got" in "mixed "*" True 0") ok ;; *) bad "event-wake-order: want complete by dfs, got '$got'" ;; esac
# eight workers through a semaphore of 2 (AnyIO's documentation example):
# 8,192 schedules, 32 outcomes.  Past half the bound dfs has walked enough of
# the tree to see it will finish, so the default completes it (splitting the
# bound in halves blindly would not); under a bound of 3,000 it cannot, gives
# way, and the random half finds all 32 where dfs alone finds 16
cat >"$tmp/sem8.json" <<'JSON'
{"format": 1, "semaphores": {"pool": 2}, "main": [{"task_group": "tg", "body": [
 {"start_soon": "w", "count": 8, "body": [{"with_semaphore": "pool", "body": [{"log": "working"}, {"sleep": 1}]}]}]}]}
JSON
got=$("$cs" explore "$tmp/sem8.json" --format json | outcomes)
[ "$got" = "mixed 32 True 0" ] && ok || bad "semaphore of 8 by default: want 'mixed 32 True 0', got '$got'"
got=$("$cs" explore "$tmp/sem8.json" --max-schedules 3000 --format json | outcomes)
[ "$got" = "mixed 32 False 1500" ] && ok || bad "semaphore of 8, bound 3000: want 'mixed 32 False 1500', got '$got'"
got=$("$cs" explore "$tmp/sem8.json" --max-schedules 3000 --strategy dfs --format json | outcomes)
[ "$got" = "dfs 16 False 0" ] && ok || bad "semaphore of 8, bound 3000, dfs: want 'dfs 16 False 0', got '$got'"
# the default run is deterministic (random seeds derive from --seed)
a=$("$cs" explore bench/explore_mass_cancel.json --format json | md5sum)
b=$("$cs" explore bench/explore_mass_cancel.json --format json | md5sum)
[ "$a" = "$b" ] && ok || bad "two default explores differ"
"$cs" explore bench/explore_mass_cancel.json --strategy bfs >/dev/null 2>"$tmp/err"
[ $? = 2 ] && grep -q "mixed, dfs, random or pct" "$tmp/err" && ok || bad "--strategy bfs not refused with the list"
finish t_explore_default
