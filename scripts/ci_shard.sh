#!/usr/bin/env bash
# ci_shard.sh CANCELSIM K N OUT - one shard of a CI matrix (docs/ci.md):
# `verify --shard K/N` over $VERIFY_PATHS (default: scenarios) into
# OUT/verify-K.xml (JUnit), OUT/verify-K.tap and, when verify has --html,
# OUT/verify-K.html, and `inject --shard K/N
# --format json` of every scenario under $INJECT_PATHS (default: none) into
# OUT/inject-K.jsonl.  Everything is written before it exits: 0 when all
# passed and no plan broke, else the worst status (1 a failure or finding, 2
# bad input), so the CI job fails and its artifacts are still uploaded.
set -u
cs="$1" k="$2" n="$3" out="$4"
mkdir -p "$out"
rc=0
worst() { if [ "$1" -gt "$rc" ]; then rc=$1; fi; }
# the HTML report, where this cancelsim has one (verify --html)
html=()
if "$cs" help verify 2>/dev/null | grep -q -- '--html'; then html=(--html "$out/verify-$k.html"); fi
# shellcheck disable=SC2086  # the paths are a list
"$cs" verify ${VERIFY_PATHS:-scenarios} --shard "$k/$n" --junit "$out/verify-$k.xml" "${html[@]}" --tap \
    >"$out/verify-$k.tap"
worst $?
: >"$out/inject-$k.jsonl"
if [ -n "${INJECT_PATHS:-}" ]; then
    # shellcheck disable=SC2086
    while IFS= read -r f; do
        "$cs" inject "$f" --shard "$k/$n" --format json >>"$out/inject-$k.jsonl"
        worst $?
    done < <(find $INJECT_PATHS -name '*.json' | LC_ALL=C sort)
fi
echo "shard $k/$n: exit $rc (files in $out)"
exit "$rc"
