#!/usr/bin/env bash
# t_color.sh CANCELSIM - colour in verify's text output (https://no-color.org):
# none when piped, none on a terminal when NO_COLOR is set (and not empty),
# none with --color=never; ANSI escapes with --color=always (also with
# NO_COLOR set: the option is the user's explicit word) and on a terminal by
# default (`script` gives it one, when util-linux's script is there).  With
# colour, a failure's "expected X, got Y" is coloured; a bad --color value is
# a usage error (exit 2).  Prints "N passed, N failed".
set -u
cs="$1"
. "$(dirname "$0")/testlib.sh"
esc=$'\033['

mkdir "$tmp/d"
src=scenarios/taskgroup/sibling-failure-cancels-sibling.json
cp "$src" "$tmp/d/fine.json"
python3 - "$src" "$tmp/d/changed.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
d["expect"]["end_time"] = 9
json.dump(d, open(sys.argv[2], "w"), indent=2)
PY

has_esc() { grep -qF "$esc" "$1"; }

"$cs" verify "$tmp/d" >"$tmp/piped" 2>&1
has_esc "$tmp/piped" && bad "piped output has escapes" || ok
grep -q '^FAIL  ' "$tmp/piped" && grep -q '^PASS  ' "$tmp/piped" && ok || bad "piped output lost its PASS/FAIL lines"
NO_COLOR=1 "$cs" verify "$tmp/d" --color=auto >"$tmp/nocolor" 2>&1
has_esc "$tmp/nocolor" && bad "NO_COLOR output has escapes" || ok
cmp -s "$tmp/piped" "$tmp/nocolor" && ok || bad "NO_COLOR changes more than the colour"
"$cs" verify "$tmp/d" --color never >"$tmp/never" 2>&1
has_esc "$tmp/never" && bad "--color never has escapes" || ok

"$cs" verify "$tmp/d" --color=always >"$tmp/always" 2>&1
has_esc "$tmp/always" && ok || bad "--color=always has no escapes"
grep -qF "${esc}32mPASS${esc}0m" "$tmp/always" && ok || bad "--color=always: PASS not green"
grep -qF "${esc}1;31mFAIL${esc}0m" "$tmp/always" && ok || bad "--color=always: FAIL not red"
grep -qF "end_time: expected ${esc}32m9${esc}0m, got ${esc}31m1${esc}0m" "$tmp/always" && ok \
    || bad "--color=always: the difference is not coloured: $(grep end_time "$tmp/always" | cat -v)"
# without escapes it is the plain text
sed "s/${esc}[0-9;]*m//g" "$tmp/always" | cmp -s - "$tmp/piped" && ok || bad "--color=always differs beyond escapes"
NO_COLOR=1 "$cs" verify "$tmp/d" --color=always >"$tmp/always2" 2>&1
has_esc "$tmp/always2" && ok || bad "--color=always with NO_COLOR set has no escapes"

"$cs" verify "$tmp/d" --color=sometimes >/dev/null 2>&1
[ $? -eq 2 ] && ok || bad "--color=sometimes is not a usage error"

if command -v script >/dev/null 2>&1; then
    script -qec "'$cs' verify '$tmp/d'" /dev/null </dev/null >"$tmp/tty" 2>&1
    has_esc "$tmp/tty" && ok || bad "a terminal gets no colour by default"
    NO_COLOR=1 script -qec "'$cs' verify '$tmp/d'" /dev/null </dev/null >"$tmp/tty2" 2>&1
    has_esc "$tmp/tty2" && bad "a terminal with NO_COLOR=1 gets colour" || ok
    NO_COLOR= script -qec "'$cs' verify '$tmp/d'" /dev/null </dev/null >"$tmp/tty3" 2>&1
    has_esc "$tmp/tty3" && ok || bad "an empty NO_COLOR turns colour off"
fi

finish color
