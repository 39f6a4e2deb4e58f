#!/usr/bin/env bash
# t_tty.sh CANCELSIM - binary output is refused on a terminal: `dot FILE
# --render png` without -o, its standard output a terminal (a pseudo-terminal
# from util-linux `script`), exits 2 with a hint and writes no image; the same
# command into a pipe or with -o writes the PNG.  Without `script` or a
# pseudo-terminal the test cannot run: exit 77 (CTest's skip).
set -u
cs="$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"
. "$(dirname "$0")/testlib.sh"
src=scenarios/taskgroup/sibling-failure-cancels-sibling.json

if ! command -v script >/dev/null || ! script -qec 'test -t 1' /dev/null >/dev/null 2>&1; then
    echo "t_tty: no pseudo-terminal (util-linux script): cannot run"
    exit 77
fi
script -qec "'$cs' dot '$src' --render png" /dev/null >"$tmp/out" 2>&1; rc=$?
[ $rc -eq 2 ] && grep -q "refusing to write PNG image data to a terminal" "$tmp/out" && grep -q -- "-o OUT.png" "$tmp/out" \
    && ! grep -q "PNG" <(head -c 8 "$tmp/out" | tr -d '\r') && ok || bad "png to a terminal: exit $rc $(head -c 300 "$tmp/out")"
# SVG is text: allowed on a terminal
script -qec "'$cs' dot '$src' --render svg" /dev/null >"$tmp/out" 2>&1; rc=$?
[ $rc -eq 0 ] && grep -q "<svg" "$tmp/out" && ok || bad "svg to a terminal: exit $rc"
# into a pipe, or to -o: the PNG
"$cs" dot "$src" --render png | head -c 8 | od -An -c | grep -q "P   N   G" && ok || bad "png into a pipe"
script -qec "'$cs' dot '$src' --render png -o '$tmp/g.png'" /dev/null >"$tmp/out" 2>&1; rc=$?
[ $rc -eq 0 ] && head -c 8 "$tmp/g.png" | od -An -c | grep -q "P   N   G" && ok || bad "png with -o on a terminal: exit $rc"

finish tty
