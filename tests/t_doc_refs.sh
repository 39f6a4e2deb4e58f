#!/usr/bin/env bash
# t_doc_refs.sh - every repository path the docs name exists.
#
# Reads README.md and docs/*.md at run time and takes every word that starts
# with a top-level folder of the repository (sim/, verify/, drive/, cli/,
# render/, tests/, scripts/, tools/, bench/, fuzz/, docs/, scenarios/,
# examples/, python/, man/, completions/, packaging/): each must name a file
# or folder here (a glob such as verify/inject*.c must match one).  Words
# with a placeholder in capitals (scenarios/FOLDER/, tests/golden/dot/NAME.dot)
# or a `<...>` are patterns, not paths, and are passed over; a module named
# without its extension (verify/outcome, render/dot) is its .c or .h file.  So a file that
# moves (sim/ is being split into sim/load, sim/core, ...) fails this test
# until the docs say where it went.
set -uo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
cd "$here" || exit 2
top='sim|verify|drive|cli|render|tests|scripts|tools|bench|fuzz|docs|scenarios|examples|python|man|completions|packaging'
docs=(README.md docs/*.md)
[ -f README.md ] && [ -d docs ] || { echo "t_doc_refs: no README.md/docs here" >&2; exit 77; }
checked=0
missing=0
while IFS=: read -r file line word; do
    # trailing punctuation of the sentence is not part of the path
    path="${word%%[.,:;)\`\'\"]}"
    path="${path%%[.,:;)\`\'\"]}"
    case "$path" in
        *'<'* | *'>'* | *'{'* | *'$'*) continue ;;
    esac
    # a component in capitals (NAME, FOLDER, AREA, K, FILE.json) is a placeholder
    if printf '%s\n' "$path" | tr '/' '\n' | grep -qE '^[A-Z][A-Z0-9_]*([.-][A-Za-z0-9*]+)*$'; then
        continue
    fi
    checked=$((checked + 1))
    # shellcheck disable=SC2086 # a glob in the docs is expanded on purpose
    # a module named without its extension (verify/outcome) is its .c or .h
    if ! compgen -G "$path" > /dev/null && ! compgen -G "$path.[ch]" > /dev/null; then
        echo "$file:$line: $path does not exist" >&2
        missing=$((missing + 1))
    fi
done < <(grep -noE "(^|[][ (\`'\"*|])($top)/[A-Za-z0-9_./*+-]*" "${docs[@]}" |
    sed -E "s/^([^:]*:[0-9]+:)[][ (\`'\"*|]?/\1/")
echo "t_doc_refs: $checked paths checked in ${#docs[@]} files, $missing missing"
# the test must see paths, or the pattern above is broken
[ "$checked" -gt 20 ] || { echo "t_doc_refs: too few paths found ($checked)" >&2; exit 1; }
[ "$missing" -eq 0 ]
