#!/usr/bin/env bash
# t_install.sh CANCELSIM - `cmake --install` of CANCELSIM's build folder into
# a scratch prefix puts each file where the FHS and Debian expect it:
# bin/cancelsim (which runs a scenario as the build's binary does),
# share/man/man1/cancelsim.1.gz (`man --warnings -l` prints no warning, and
# every subcommand has its place in it), the bash completion (sourced and
# asked: subcommands, options, backend and colour values) and the zsh one
# (`zsh -n`, and it names every subcommand), share/cancelsim/scenario.schema.json
# (the docs' copy), the docs under share/doc/cancelsim.  man-db and zsh come
# from scripts/deps.sh; a part whose tool is missing says so and is left out.
# Prints "N passed, N failed".
set -u
cs="$1"
build="$(cd "$(dirname "$cs")" && pwd)"
. "$(dirname "$0")/testlib.sh"
p="$tmp/prefix"

cmake --install "$build" --prefix "$p" >"$tmp/log" 2>&1 && ok || bad "cmake --install: $(tail -3 "$tmp/log")"
for f in bin/cancelsim share/man/man1/cancelsim.1.gz share/bash-completion/completions/cancelsim \
    share/zsh/site-functions/_cancelsim share/cancelsim/scenario.schema.json share/cancelsim/ci_merge.py \
    share/doc/cancelsim/README.md share/doc/cancelsim/scenario-format.md share/doc/cancelsim/authoring.md \
    share/doc/cancelsim/ci.md share/doc/cancelsim/examples/ci/github-actions.yml \
    share/doc/cancelsim/examples/scenarios/taskgroup/sibling-failure-cancels-sibling.json; do
    [ -s "$p/$f" ] && ok || bad "not installed: $f"
done
[ -x "$p/bin/cancelsim" ] && ok || bad "bin/cancelsim is not executable"
cmp -s "$p/share/cancelsim/scenario.schema.json" docs/scenario.schema.json && ok || bad "the installed schema differs"

# the installed binary runs, with the same output as the build's
scn=scenarios/taskgroup/sibling-failure-cancels-sibling.json
"$p/bin/cancelsim" run "$scn" --format json >"$tmp/a" 2>&1 && "$cs" run "$scn" --format json >"$tmp/b" 2>&1 \
    && cmp -s "$tmp/a" "$tmp/b" && ok || bad "the installed binary does not run as the build's"

# the manual page: no warning from man/groff, every subcommand described
if command -v man >/dev/null 2>&1; then
    MANWIDTH=80 man --warnings -l "$p/share/man/man1/cancelsim.1.gz" >"$tmp/man" 2>"$tmp/manerr"; rc=$?
    [ $rc -eq 0 ] && [ ! -s "$tmp/manerr" ] && ok || bad "man --warnings: exit $rc: $(head -5 "$tmp/manerr")"
    for c in run verify explore inject check dot timeline explain trace compare help; do
        grep -Eq "^       $c( |$)" "$tmp/man" && ok || bad "the manual page has no entry for '$c'"
    done
    grep -q 'NO_COLOR' "$tmp/man" && grep -q -- '--update' "$tmp/man" && ok || bad "the manual page lacks NO_COLOR or --update"
else
    echo "note: man is not installed (apt-get install man-db); manual page not checked"
fi

# bash completion: complete WORDS... prints the candidates for the last word
comp() {
    bash -c '
        . "$1"; shift
        COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); COMP_LINE="$*"; COMP_POINT=${#COMP_LINE}
        _cancelsim cancelsim "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"
        printf "%s\n" "${COMPREPLY[@]}"' _ "$p/share/bash-completion/completions/cancelsim" "$@"
}
[ "$(comp cancelsim ve | tr '\n' ' ')" = "verify version " ] && ok || bad "bash: 'cancelsim ve' -> $(comp cancelsim ve)"
[ "$(comp cancelsim "" | wc -l)" -ge 8 ] && ok || bad "bash: the subcommands are not all offered"
[ "$(comp cancelsim run --backend "" | tr '\n' ' ')" = "asyncio trio both " ] && ok || bad "bash: --backend values"
[ "$(comp cancelsim dot --backend "" | tr '\n' ' ')" = "asyncio trio " ] && ok || bad "bash: dot --backend values"
[ "$(comp cancelsim verify --col | tr '\n' ' ')" = "--color " ] && ok || bad "bash: verify --col"
[ "$(comp cancelsim verify --color "" | tr '\n' ' ')" = "auto always never " ] && ok || bad "bash: --color values"
comp cancelsim inject --sh | grep -qx -- --shard && ok || bad "bash: inject --shard"
# every option a command's help names is offered
for c in run verify explore inject dot timeline explain trace compare translate; do
    for o in $("$cs" help "$c" | sed '/^$/q' | grep -o -- '--[a-z][a-z-]*' | sort -u); do
        comp cancelsim "$c" "$o" | grep -qx -- "$o" && ok || bad "bash: '$c $o' is not completed"
    done
done

if command -v zsh >/dev/null 2>&1; then
    zsh -n "$p/share/zsh/site-functions/_cancelsim" && ok || bad "zsh -n rejects _cancelsim"
    for c in run verify explore inject check dot timeline explain trace compare translate; do
        grep -q "^  $c)" "$p/share/zsh/site-functions/_cancelsim" && ok || bad "zsh: no case for '$c'"
    done
else
    echo "note: zsh is not installed; the zsh completion was not checked"
fi

finish install
