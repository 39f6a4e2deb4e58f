#!/usr/bin/env bash
# t_trace_consumers.sh CANCELSIM - dot, timeline and explain read a trace in
# place of a scenario (cli/trace_input.c) and print, for a trace that
# `run --trace` wrote, byte for byte what they print for the run itself: every
# corpus scenario on both backends (DOT, timeline JSON, explain text and
# JSON), the run picked by --backend from a two-backend trace, a Trio seed.
# Also: a trace named without .jsonl is known by its first line; --seed and
# --inject are refused for a trace, so is a backend it does not hold, and a
# bad line is FILE:LINE:COL, exit 2.  Prints "N passed, N failed".
set -u
cs="$1"
. "$(dirname "$0")/testlib.sh"

# same CMD ARGS...: CMD on the scenario and on its trace give the same bytes
same() {
    local what="$1" f="$2" t="$3"
    shift 3
    "$cs" "$@" "$f" >"$tmp/a" 2>"$tmp/ae"
    local ra=$?
    "$cs" "$@" "$t" >"$tmp/b" 2>"$tmp/be"
    local rb=$?
    if [ $ra = 0 ] && [ $rb = 0 ] && [ -s "$tmp/a" ] && cmp -s "$tmp/a" "$tmp/b" && [ ! -s "$tmp/be" ]; then
        ok
    else
        bad "$what: $* differs from the scenario's (exit $ra/$rb): $(diff "$tmp/a" "$tmp/b" | head -3) $(head -c 200 "$tmp/be")"
    fi
}

n=0
for f in $(find scenarios -name '*.json' | sort); do
    "$cs" run "$f" --backend both --trace "$tmp/both.jsonl" >/dev/null 2>&1
    if [ ! -s "$tmp/both.jsonl" ]; then
        bad "$f: run --trace wrote nothing"
        continue
    fi
    for b in asyncio trio; do
        # an asyncio-only scenario (native asyncio statements) has no Trio run
        [ $b = trio ] && skips_trio "$cs" "$f" && continue
        # from the two-backend trace, --backend picks the run
        same "$f" "$f" "$tmp/both.jsonl" dot --backend $b
        same "$f" "$f" "$tmp/both.jsonl" explain --backend $b
        same "$f" "$f" "$tmp/both.jsonl" explain --backend $b --format json
        "$cs" timeline "$f" --backend $b -o "$tmp/tl.a" 2>/dev/null
        "$cs" timeline "$tmp/both.jsonl" --backend $b -o "$tmp/tl.b" 2>"$tmp/be"
        if [ -s "$tmp/tl.a" ] && cmp -s "$tmp/tl.a" "$tmp/tl.b"; then ok; else bad "$f ($b): timeline of the trace differs"; fi
        rm -f "$tmp/tl.a" "$tmp/tl.b"
    done
    rm -f "$tmp/both.jsonl"
    n=$((n + 1))
done
[ $n -gt 100 ] && ok || bad "only $n scenarios found"

# a Trio schedule other than the canonical one: the trace of --seed 7
f=scenarios/schedules/mass-cancellation.json
"$cs" run "$f" --backend trio --seed 7 --trace "$tmp/s7.jsonl" >/dev/null
"$cs" dot "$f" --backend trio --seed 7 >"$tmp/a"
"$cs" dot "$tmp/s7.jsonl" >"$tmp/b"
cmp -s "$tmp/a" "$tmp/b" && ok || bad "dot of a seed-7 trace differs from dot --seed 7"
"$cs" dot "$f" --backend trio >"$tmp/c"
cmp -s "$tmp/a" "$tmp/c" && bad "seed 7 draws as seed 0: the seed check cannot fail" || ok

# a one-backend trace needs no --backend; a trace is known by its first line
# whatever its name
f=scenarios/taskgroup/sibling-failure-cancels-sibling.json
"$cs" run "$f" --backend trio --trace "$tmp/rec.log" >/dev/null
"$cs" dot "$f" --backend trio >"$tmp/a"
"$cs" dot "$tmp/rec.log" >"$tmp/b" 2>"$tmp/err" && cmp -s "$tmp/a" "$tmp/b" && ok ||
    bad "a trace named .log is not read as a trace: $(head -1 "$tmp/err")"
# what does not apply to a recorded run is refused
for opt in "--seed 3" "--inject fail@1" "--backend asyncio"; do
    "$cs" dot "$tmp/rec.log" $opt >/dev/null 2>"$tmp/err"
    [ $? = 2 ] && [ -s "$tmp/err" ] && ok || bad "dot TRACE $opt was not refused"
done
grep -q "holds no asyncio run (it has trio)" "$tmp/err" && ok || bad "the missing backend is not named: $(cat "$tmp/err")"
# a bad line is an error at its place
head -3 "$tmp/rec.log" >"$tmp/bad.jsonl"
echo '{"seq": 3, "t": 0.0, "ev": "no_such_event"}' >>"$tmp/bad.jsonl"
for c in dot timeline explain; do
    "$cs" $c "$tmp/bad.jsonl" >/dev/null 2>"$tmp/err"
    [ $? = 2 ] && grep -q "bad.jsonl:4:[0-9]*: error:" "$tmp/err" && ok || bad "$c of a bad trace: $(cat "$tmp/err")"
done
echo '' >"$tmp/empty.jsonl"
"$cs" explain "$tmp/empty.jsonl" >/dev/null 2>"$tmp/err"
[ $? = 2 ] && grep -q "error:" "$tmp/err" && ok || bad "explain of an empty trace: $(cat "$tmp/err")"
# scenarios still load as before: a one-line scenario with no "ev" is a scenario
printf '{"format": 1, "main": [{"log": "x"}]}\n' >"$tmp/one-line.scn"
"$cs" explain "$tmp/one-line.scn" >/dev/null 2>"$tmp/err" && ok || bad "a one-line scenario was taken for a trace: $(cat "$tmp/err")"
finish t_trace_consumers
