#!/usr/bin/env bash
# before_after.sh OLD_CANCELSIM NEW_CANCELSIM - the CLI a user runs, two builds.
#
# For W1-W4 at SIZES (default "100000 1000000") on both backends, runs
# `cancelsim run FILE --backend B --format json > file` with each binary, one
# after the other, under /usr/bin/time, and prints wall seconds, CPU seconds
# (user + system) and peak RSS (MiB) of both.  Default options: whatever
# limits each build has by default are part of its cost.  A run is killed
# after RUN_TIMEOUT seconds (default 400) and shows as "-".  The last column
# says whether both builds printed the same JSON outcome, byte for byte.
set -uo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
old="$(realpath "$1")" new="$(realpath "$2")"
SIZES="${SIZES:-100000 1000000}"
RUN_TIMEOUT="${RUN_TIMEOUT:-400}"
tmp="$(mktemp -d /tmp/cancelsim-ba.XXXXXX)"
trap 'rm -rf "$tmp"' EXIT
printf '%-4s %-8s %8s %11s %10s %10s %10s %10s %10s  %s\n' W backend N before_wall before_cpu before_MiB after_wall after_cpu after_MiB outcome
for w in W1 W2 W3 W4; do
    for b in asyncio trio; do
        for n in $SIZES; do
            f="$tmp/$(echo "$w" | tr A-Z a-z)-$n.json"
            [ -f "$f" ] || python3 "$here/gen.py" "$w" "$n" "$tmp" > /dev/null
            row=()
            k=0
            rm -f "$tmp/out1.json" "$tmp/out2.json"
            for bin in "$old" "$new"; do
                k=$((k + 1))
                if timeout "$RUN_TIMEOUT" /usr/bin/time -f "%e %U %S %M" -o "$tmp/time" "$bin" run "$f" --backend "$b" \
                    --format json --step-limit 1000000000 > "$tmp/out$k.json" 2> /dev/null; then
                    read -r e u s m < <(tail -1 "$tmp/time")
                    row+=("$e" "$(awk -v u="$u" -v s="$s" 'BEGIN { print u + s }')" "$((m / 1024))")
                else
                    row+=(- - -)
                fi
            done
            same=$(cmp -s "$tmp/out1.json" "$tmp/out2.json" && echo same || echo DIFFERENT)
            printf '%-4s %-8s %8s %11s %10s %10s %10s %10s %10s  %s\n' "$w" "$b" "$n" "${row[@]}" "$same"
        done
    done
done
