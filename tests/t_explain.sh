#!/usr/bin/env bash
# t_explain.sh CANCELSIM - `cancelsim explain` of the gallery scenarios
# (docs/gallery/make.sh) against checked-in text, tests/golden/explain/
# NAME.BACKEND.txt, each read by hand against the run's trace when it was
# written (to refreeze after an intended change: CS_UPDATE_GOLDEN=1, then read
# the diff).  Also: --format json is JSON with the same tasks and every step has
# a line:col, --task keeps one task, an unknown task and bad options exit 2,
# and the output is the same on a second run.  Prints "N passed, N failed".
set -u
cs="$1"
. "$(dirname "$0")/testlib.sh"
gold=tests/golden/explain

# scenario (under scenarios/, no .json) and backend: the gallery's, and the server's
cases="taskgroup/sibling-failure-cancels-sibling:asyncio
timeouts/move-on-vs-fail-after:asyncio
timeouts/busy-delays-others:asyncio
shield/shielded-cleanup-in-finally:asyncio
nesting/nested-group-in-child:asyncio
taskgroup/sibling-failure-cancels-sibling:trio
exceptions/except-star-split:asyncio"
[ -f scenarios/threads/server-sigterm.json ] && cases="$cases
threads/server-sigterm:asyncio"

for c in $cases; do
    scn="${c%%:*}" b="${c##*:}"
    want="$gold/$(basename "$scn").$b.txt"
    if ! "$cs" explain "scenarios/$scn.json" --backend "$b" >"$tmp/got" 2>"$tmp/err"; then
        bad "$scn $b: explain failed: $(head -c 300 "$tmp/err")"
        continue
    fi
    [ -n "${CS_UPDATE_GOLDEN:-}" ] && cp "$tmp/got" "$want"
    if [ ! -f "$want" ]; then
        bad "$scn $b: no $want (CS_UPDATE_GOLDEN=1 writes it)"
    elif diff -u "$want" "$tmp/got" >"$tmp/diff"; then
        ok
    else
        bad "$scn $b: differs from $want"; head -40 "$tmp/diff"
    fi
    "$cs" explain "scenarios/$scn.json" --backend "$b" >"$tmp/again" 2>&1
    cmp -s "$tmp/got" "$tmp/again" && ok || bad "$scn $b: two runs differ"
    # every step line starts with LINE:COL, and none is 0:0
    if grep -qE '^  [0-9]+:[0-9]+ ' "$tmp/got" && ! grep -qE '^  0:0 ' "$tmp/got" &&
       ! grep -E '^  ' "$tmp/got" | grep -qvE '^  ([0-9]+:[0-9]+ |\.\.\. |\(nothing )'; then ok
    else bad "$scn $b: a step without its line:col"; fi
done

f=scenarios/taskgroup/sibling-failure-cancels-sibling.json
if "$cs" explain "$f" --format json >"$tmp/j" && python3 - "$tmp/j" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
names = [t["task"] for t in d["tasks"]]
assert names == ["main", "failer", "sleeper"], names
assert all(s["line"] > 0 and s["col"] > 0 and s["text"] for t in d["tasks"] for s in t["chain"])
s = d["tasks"][2]["chain"][0]
assert s["kind"] == "cancelled" and (s["line"], s["col"]) == (13, 23), s
assert d["run"]["text"].startswith("raised ExceptionGroup"), d["run"]
PY
then ok; else bad "--format json"; fi

"$cs" explain "$f" --task sleeper >"$tmp/one" 2>&1
if grep -q '^sleeper' "$tmp/one" && ! grep -q '^failer' "$tmp/one" && ! grep -q '^anyio.run' "$tmp/one"; then ok
else bad "--task sleeper: $(head -c 300 "$tmp/one")"; fi
"$cs" explain "$f" --task nobody >/dev/null 2>"$tmp/err"; rc=$?
[ "$rc" -eq 2 ] && grep -q "no task named 'nobody'" "$tmp/err" && ok || bad "--task nobody: rc $rc"
for args in "--format xml" "--backend both" "--seed -1" "--bogus 1" "" "$f $f" "$f --task"; do
    # shellcheck disable=SC2086
    "$cs" explain $args >/dev/null 2>&1; rc=$?
    [ "$rc" -eq 2 ] && ok || bad "explain $args: exit $rc, not 2"
done
"$cs" explain tests/hostile/binary_junk.json >/dev/null 2>"$tmp/err"; rc=$?
[ "$rc" -eq 2 ] && grep -q "binary_junk.json:[0-9]*:[0-9]*: error" "$tmp/err" && ok || bad "bad file: rc $rc"
"$cs" help explain | grep -q "usage: cancelsim explain" && ok || bad "help explain"
# dot's options of the same issue: --focus an unknown task, --render pdf
"$cs" dot "$f" --focus nobody >/dev/null 2>"$tmp/err"; rc=$?
[ "$rc" -eq 2 ] && grep -q "no task named 'nobody'" "$tmp/err" && ok || bad "dot --focus nobody: rc $rc"
"$cs" dot "$f" --focus sleeper >"$tmp/focus.dot" && grep -q 'focus sleeper' "$tmp/focus.dot" &&
    ! grep -q '"failer' "$tmp/focus.dot" && ok || bad "dot --focus sleeper"
"$cs" dot "$f" --render pdf -o "$tmp/g.pdf" && [ "$(head -c 5 "$tmp/g.pdf")" = "%PDF-" ] && ok || bad "dot --render pdf"
"$cs" dot "$f" --render gif >/dev/null 2>&1; rc=$?
[ "$rc" -eq 2 ] && ok || bad "dot --render gif: exit $rc"
finish explain
