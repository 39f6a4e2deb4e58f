#!/usr/bin/env bash
# t_trace_read.sh CANCELSIM - `cancelsim trace` rebuilds a run from its trace
# alone (scenario-format.md section 5): for every scenario of the corpus and
# five of the limit scenarios, on both backends (one `run --backend both --trace` per
# file), `trace --format json` is byte-identical to `run --format json` and
# `trace` (text) begins with `run`'s text byte for byte, then a findings line
# per backend; a trace from standard input reads the same; so do runs with
# injected faults and a Trio seed.  Then hostile traces
# (tests/hostile_trace/*.jsonl): each is refused with its one expected
# FILE:LINE:COL error line (the .expect beside it), exit 2, nothing on
# standard output.  (The findings themselves are compared with the live
# findings sink, detail for detail, by test_trace_read.)
# Prints "N passed, N failed".
set -u
cs="$1"
. "$(dirname "$0")/testlib.sh"

# the limits that stop a run quickly (not depth: refused before it runs; not
# memory: seconds and a large trace)
for f in $(find scenarios -name '*.json' | sort) tests/limits/{steps,tasks,time,timers,trace}.json; do
    # step-limit.json stops at the default 2e6 steps: a million-line trace,
    # seconds to read; a lower limit ends it the same way, sooner
    opt=()
    case "$f" in */step-limit.json) opt=(--step-limit 20000) ;; esac
    if ! "$cs" run "$f" "${opt[@]}" --backend both --format json --trace "$tmp/t.jsonl" >"$tmp/run.json" 2>/dev/null; then
        bad "$f: run failed"
        continue
    fi
    if ! "$cs" trace "$tmp/t.jsonl" --format json >"$tmp/trace.json" 2>"$tmp/err"; then
        bad "$f: trace failed: $(head -c 300 "$tmp/err")"
        continue
    fi
    if cmp -s "$tmp/run.json" "$tmp/trace.json"; then ok; else bad "$f: trace --format json differs from run --format json"; fi
    "$cs" run "$f" "${opt[@]}" --backend both >"$tmp/run.txt" 2>/dev/null
    "$cs" trace - <"$tmp/t.jsonl" >"$tmp/trace.txt" 2>"$tmp/err"
    size=$(wc -c <"$tmp/run.txt")
    if head -c "$size" "$tmp/trace.txt" | cmp -s - "$tmp/run.txt" &&
        tail -c +"$((size + 1))" "$tmp/trace.txt" | grep -q '^findings (asyncio):' ; then
        ok
    else
        bad "$f: trace's text does not begin with run's text and findings"
    fi
done

# runs with injected faults (the trace's inject events) and a Trio seed
while read -r f opts; do
    "$cs" run "$f" $opts --format json --trace "$tmp/t.jsonl" >"$tmp/run.json" 2>/dev/null &&
        "$cs" trace "$tmp/t.jsonl" --format json 2>/dev/null | cmp -s - "$tmp/run.json" &&
        grep -q '"ev": "run_end"' "$tmp/t.jsonl" && ok || bad "$f $opts: trace differs from run"
done <<'EOF2'
scenarios/inject/cleanup-unshielded.json --inject fail:worker@2
scenarios/inject/lock-held-across-io.json --inject timeout:tg@1
scenarios/inject/thread-abandoned-error.json --inject thread-fail:main@1
scenarios/schedules/three-fail-same-instant.json --backend trio --seed 5
EOF2

# hostile traces: the exact error line, exit 2, no output
case "$cs" in /*) ;; *) cs="$PWD/$cs" ;; esac
cd tests/hostile_trace || exit 1
for t in *.jsonl; do
    "$cs" trace "$t" >"$tmp/out" 2>"$tmp/err"
    rc=$?
    want="$(cat "${t%.jsonl}.expect")"
    if [ $rc -eq 2 ] && [ ! -s "$tmp/out" ] && [ "$(cat "$tmp/err")" = "$want" ]; then
        ok
    else
        bad "$t: exit $rc, stderr '$(head -c 300 "$tmp/err")', want '$want'"
    fi
done

# usage: missing file, a file that is not there, an unknown option
"$cs" trace >/dev/null 2>&1; [ $? -eq 2 ] && ok || bad "trace without FILE: not exit 2"
"$cs" trace "$tmp/none.jsonl" >/dev/null 2>&1; [ $? -eq 2 ] && ok || bad "trace of a missing file: not exit 2"
"$cs" trace "$tmp/t.jsonl" --formt json >/dev/null 2>&1; [ $? -eq 2 ] && ok || bad "trace --formt: not exit 2"
finish
