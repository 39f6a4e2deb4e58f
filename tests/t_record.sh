#!/usr/bin/env bash
# t_record.sh - the recorder on real AnyIO programs (tests/record/*.py, issue 24):
# each program runs once on real AnyIO without the recorder (check.py plain:
# what anyio.run raised or returned and what it printed or log()ged), then
# under `python3 -m cancelsim_record --virtual-time` on the same backend;
# `cancelsim trace --findings --format json` of the recording must give the
# same result, exception and log, each task's end as the program printed it,
# and exactly the findings the program's '# findings:' line names (the planted
# lost exception); `dot --render svg`, `timeline` and `explain` must draw and
# explain each recording.  Needs AnyIO and Trio (ANYIO_SITE or PYTHONPATH) and `cancelsim
# trace`: exits 77 without them.
set -u
CS="$1"
. "$(dirname "$0")/testlib.sh"
TMP="$tmp"
SRC=$(cd "$(dirname "$0")/.." && pwd)
PY=${PYTHON:-python3}
if [ -n "${ANYIO_SITE:-}" ]; then
    PYTHONPATH="$ANYIO_SITE${PYTHONPATH:+:$PYTHONPATH}"
fi
PYTHONPATH="$SRC/python${PYTHONPATH:+:$PYTHONPATH}"
# the recorder lists run_start's built-in classes as this cancelsim does
CANCELSIM="$CS"
export PYTHONPATH CANCELSIM
if ! "$PY" -c 'import anyio, trio' 2>/dev/null; then
    echo "t_record: skipped: AnyIO and Trio are not importable (set ANYIO_SITE or PYTHONPATH)"
    exit 77
fi
if ! "$CS" trace --help >/dev/null 2>&1; then
    echo "t_record: skipped: this cancelsim has no 'trace' command to read a recording"
    exit 77
fi
for prog in "$SRC"/tests/record/*.py; do
    name=$(basename "$prog" .py)
    [ "$name" = check ] && continue
    for b in asyncio trio; do
        what="$name ($b)"
        if ! "$PY" "$SRC/tests/record/check.py" plain "$prog" $b >"$TMP/$name.$b.plain.json" 2>"$TMP/err"; then
            bad "$what: the program did not run on real AnyIO: $(tail -1 "$TMP/err")"
            continue
        fi
        "$PY" -m cancelsim_record --backend $b --virtual-time -o "$TMP/$name.$b.jsonl" "$prog" \
            >"$TMP/out" 2>"$TMP/err"
        if [ ! -s "$TMP/$name.$b.jsonl" ]; then
            bad "$what: no trace: $(tail -1 "$TMP/err")"
            continue
        fi
        if ! "$CS" trace --findings --format json "$TMP/$name.$b.jsonl" >"$TMP/$name.$b.outcome.json" 2>"$TMP/err"; then
            bad "$what: cancelsim trace refused the recording: $(head -1 "$TMP/err")"
            continue
        fi
        if "$PY" "$SRC/tests/record/check.py" compare "$TMP/$name.$b.plain.json" "$TMP/$name.$b.outcome.json" \
            "$prog" >"$TMP/diff"; then
            ok
        else
            bad "$what: the trace is not what the program did:"
            cat "$TMP/diff"
        fi
        # the consumers draw and explain the recording as a simulated run
        if "$CS" dot "$TMP/$name.$b.jsonl" --render svg -o "$TMP/$name.svg" 2>"$TMP/err" &&
            grep -q '<svg' "$TMP/$name.svg" && grep -q '>main' "$TMP/$name.svg"; then
            ok
        else
            bad "$what: dot --render svg of the recording: $(head -1 "$TMP/err")"
        fi
        if "$CS" timeline "$TMP/$name.$b.jsonl" -o "$TMP/$name.tl.json" 2>"$TMP/err" &&
            "$PY" -c 'import json,sys; assert json.load(open(sys.argv[1]))["traceEvents"]' "$TMP/$name.tl.json"; then
            ok
        else
            bad "$what: timeline of the recording: $(head -1 "$TMP/err")"
        fi
        if "$CS" explain "$TMP/$name.$b.jsonl" >"$TMP/$name.explain" 2>"$TMP/err" &&
            grep -q "^explain $name ($b" "$TMP/$name.explain"; then
            ok
        else
            bad "$what: explain of the recording: $(head -1 "$TMP/err")"
        fi
    done
done
# the checker can fail: a recording whose log lost a line is told apart
if [ -s "$TMP/move_on.asyncio.outcome.json" ]; then
    "$PY" -c 'import json,sys; d=json.load(open(sys.argv[1])); d["log"]=d["log"][1:]; json.dump(d,open(sys.argv[1],"w"))' \
        "$TMP/move_on.asyncio.outcome.json"
    if "$PY" "$SRC/tests/record/check.py" compare "$TMP/move_on.asyncio.plain.json" \
        "$TMP/move_on.asyncio.outcome.json" "$SRC/tests/record/move_on.py" >/dev/null; then
        bad "check.py accepted a recording that lost a log line"
    else
        ok
    fi
fi
# compare: the recording of shielded_cleanup.py against the same program as a
# scenario agrees on both backends; a scenario whose cleanup sleeps longer is
# told apart at the worker's log line
sed 's/"sleep": 0.1}, {"log": "cleanup done"/"sleep": 0.2}, {"log": "cleanup done"/' \
    "$SRC/tests/record/shielded_cleanup.json" >"$TMP/slower.json"
for b in asyncio trio; do
    if [ -s "$TMP/shielded_cleanup.$b.jsonl" ]; then
        "$PY" -m cancelsim_record.compare --cancelsim "$CS" "$SRC/tests/record/shielded_cleanup.json" \
            "$TMP/shielded_cleanup.$b.jsonl" >"$TMP/cmp" 2>&1 && ok || { bad "compare ($b) found a difference:"; cat "$TMP/cmp"; }
        "$PY" -m cancelsim_record.compare --cancelsim "$CS" "$TMP/slower.json" "$TMP/shielded_cleanup.$b.jsonl" \
            >"$TMP/cmp" 2>&1
        [ $? = 1 ] && grep -q "task worker, step 3: recorded 'log \"cleanup done\"' at t=0.2, simulated 'log \"cleanup done\"' at t=0.3" "$TMP/cmp" &&
            ok || { bad "compare ($b) missed the slower cleanup:"; cat "$TMP/cmp"; }
    fi
done
# the command line: a missing script, a script with no anyio.run and no main
# (exit 2, no trace), a program that raises (its status 1, the trace written)
"$PY" -m cancelsim_record -o "$TMP/none.jsonl" "$TMP/missing.py" >/dev/null 2>&1
[ $? = 2 ] && [ ! -e "$TMP/none.jsonl" ] && ok || bad "a missing script did not exit 2"
echo 'x = 1' >"$TMP/plain.py"
"$PY" -m cancelsim_record -o "$TMP/none.jsonl" "$TMP/plain.py" >/dev/null 2>"$TMP/err"
[ $? = 2 ] && [ ! -e "$TMP/none.jsonl" ] && grep -q 'never called anyio.run' "$TMP/err" && ok ||
    bad "a script without anyio.run did not exit 2 with its message"
"$PY" -m cancelsim_record --virtual-time -o "$TMP/raised.jsonl" "$SRC/tests/record/fail_after_raised.py" \
    >/dev/null 2>"$TMP/err"
[ $? = 1 ] && grep -q '^TimeoutError' "$TMP/err" && [ -s "$TMP/raised.jsonl" ] && ok ||
    bad "a program that raises did not exit 1 with its traceback and a trace"
finish t_record
