#!/usr/bin/env bash
# t_hostile_cli.sh CANCELSIM - inputs that are not scenarios at all: `check`
# and `run` must exit 2 with exactly one `PATH[:LINE:COL]: error: ` line on
# stderr and nothing on stdout.  Then every file in tests/crashers/ (inputs
# that once crashed or hung the engine) must run to exit status 0 or 2 within
# 10 seconds.  Prints "N passed, N failed".
set -u
cs="$1"
. "$(dirname "$0")/testlib.sh"

# A regular expression matching the string $1 literally.
re_quote() { printf '%s' "$1" | sed 's/[][\.|$(){}?+*^/]/\\&/g'; }

printf '[1,2]' > "$tmp/array.json"
printf '{"a":1}' > "$tmp/not_scenario.json"
printf '"main"' > "$tmp/string.json"
: > "$tmp/empty.json"
# 4 KB of a fixed byte pattern: every byte value, in a scrambled order.
python3 -c 'import sys; sys.stdout.buffer.write(bytes((i * 37 + 11) % 256 for i in range(4096)))' > "$tmp/binary.json"
head -c 4096 /dev/zero > "$tmp/zeros.json"
truncate -s 70M "$tmp/too_big.json"   # sparse: over the 64 MB limit
mkdir "$tmp/directory.json"

for f in array.json not_scenario.json string.json empty.json binary.json zeros.json \
         too_big.json directory.json missing.json; do
    path="$tmp/$f"
    for cmd in check run; do
        timeout 10 "$cs" "$cmd" "$path" >"$tmp/out" 2>"$tmp/err"; rc=$?
        what="$cmd $f"
        if [ $rc -ne 2 ]; then bad "$what: exit $rc, expected 2: $(head -c 300 "$tmp/err")"; continue; fi
        if [ -s "$tmp/out" ]; then bad "$what: wrote to stdout: $(head -c 300 "$tmp/out")"; continue; fi
        n=$(wc -l < "$tmp/err")
        if [ "$n" -ne 1 ]; then bad "$what: $n lines on stderr, expected 1: $(head -c 300 "$tmp/err")"; continue; fi
        if grep -qE "^$(re_quote "$path")(:[0-9]+:[0-9]+)?: error: " "$tmp/err"; then
            ok
        else
            bad "$what: bad error line: $(head -c 300 "$tmp/err")"
        fi
    done
done

# A new user's first mistakes: the one line says what is wrong in words, not
# only where (a JSON file that is not a scenario, an empty file, a binary file).
for case in "not_scenario.json|not a cancelsim scenario (it has no 'main')" \
            "empty.json|the file is empty: a scenario is a JSON object with a 'main' list" \
            "binary.json|invalid UTF-8 (byte 0x" "zeros.json|NUL byte in the file" \
            "array.json|a scenario must be a JSON object"; do
    f="${case%%|*}" want="${case#*|}"
    for cmd in check run; do
        "$cs" "$cmd" "$tmp/$f" >/dev/null 2>"$tmp/err"
        grep -qF -- "$want" "$tmp/err" && ok || bad "$cmd $f: expected '$want' in: $(head -c 300 "$tmp/err")"
    done
done

# Crashers: must end (exit 0 or 2), never on a signal or the 10 s timeout.
shopt -s nullglob
for f in tests/crashers/*.json; do
    timeout 10 "$cs" run "$f" >/dev/null 2>"$tmp/err"; rc=$?
    if [ $rc -eq 0 ] || [ $rc -eq 2 ]; then
        ok
    elif [ $rc -eq 124 ]; then
        bad "run $f: still running after 10 s"
    elif [ $rc -gt 128 ]; then
        bad "run $f: killed by signal $((rc - 128)): $(tail -c 300 "$tmp/err")"
    else
        bad "run $f: exit $rc: $(tail -c 300 "$tmp/err")"
    fi
done

finish
