#!/usr/bin/env bash
# t_consumers_corpus.sh CANCELSIM - every consumer of the trace survives every
# run of the corpus: for each scenario on each backend, `dot`, `timeline` and
# `explain` exit 0 with output and nothing on standard error.  (They fold the
# same events as the outcome; an event the outcome ignores, such as Trio's
# shutdown cancelling a from_thread body's host from the system nursery, once
# crashed `dot` here.)  Prints "N passed, N failed".
set -u
cs="$1"
. "$(dirname "$0")/testlib.sh"

for f in $(find scenarios -name '*.json' | sort); do
    for b in asyncio trio; do
        [ $b = trio ] && skips_trio "$cs" "$f" && continue
        for c in dot timeline explain; do
            o=()
            [ "$c" = timeline ] && o=(-o "$tmp/tl.json")
            if "$cs" "$c" "$f" --backend "$b" "${o[@]}" >"$tmp/out" 2>"$tmp/err" && [ ! -s "$tmp/err" ] &&
                { [ -s "$tmp/out" ] || [ -s "$tmp/tl.json" ]; }; then
                ok
            else
                bad "$f ($b): $c failed: $(head -c 300 "$tmp/err")"
            fi
            rm -f "$tmp/tl.json"
        done
    done
done
finish
