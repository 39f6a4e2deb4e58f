#!/usr/bin/env bash
# t_python_translate.sh CANCELSIM - the Python front end without AnyIO:
# `cancelsim translate` of every tests/python/*.py gives the checked-in
# tests/python/expected/NAME.json and the program runs on both backends;
# every tests/python/bad/*.py (first line "# expect: LINE:COL: MESSAGE") is
# refused by `run` with exactly "FILE:LINE:COL: error: MESSAGE", exit 2 and
# nothing on standard output; Python positions reach run-time reports and the
# trace; the translate command's options and failures.  A translation that
# declares "backends": ["asyncio"] (native asyncio) runs on asyncio only.
# Needs python3 (the translator's interpreter); exits 77 without it.  Prints
# "N passed, N failed".
set -u
cs="$1"
command -v "${CANCELSIM_PYTHON:-python3}" >/dev/null || { echo "python-translate: no python3: skipped"; exit 77; }
. tests/testlib.sh

for f in tests/python/*.py; do
    n=$(basename "$f" .py)
    if ! "$cs" translate "$f" >"$tmp/t.json" 2>"$tmp/err"; then
        bad "translate $f: $(cat "$tmp/err")"; continue
    fi
    if cmp -s "$tmp/t.json" "tests/python/expected/$n.json"; then ok; else
        bad "translate $f differs from tests/python/expected/$n.json:"; diff "tests/python/expected/$n.json" "$tmp/t.json" | head -10
    fi
    backend=both  # native asyncio (issue 20): the translation declares asyncio only, and runs there
    grep -q '^  "backends": \["asyncio"\],$' "tests/python/expected/$n.json" && backend=asyncio
    if "$cs" run "$f" --backend $backend --format json >/dev/null 2>"$tmp/err" && [ ! -s "$tmp/err" ]; then ok; else
        bad "run $f: $(cat "$tmp/err")"
    fi
done

for f in tests/python/bad/*.py; do
    exp=$(head -1 "$f" | sed 's/^# expect: //')
    want="$f:${exp%%: *}: error: ${exp#*: }"
    "$cs" run "$f" >"$tmp/out" 2>"$tmp/err"
    rc=$?
    got=$(cat "$tmp/err")
    if [ "$rc" = 2 ] && [ "$got" = "$want" ] && [ ! -s "$tmp/out" ]; then ok; else
        bad "$f: exit $rc, expected '$want', got '$got'"
    fi
done

# the same refusal from every command that takes a file
f=tests/python/bad/while_loop.py
for c in "check" "verify" "explore" "inject" "dot" "timeline" "translate"; do
    out=$("$cs" $c "$f" 2>&1); rc=$?
    case "$out" in
        *"$f:5:5: error: 'while' loop other than 'while True:' is not supported"*) [ "$rc" = 2 ] || [ "$c" = verify ] && ok || bad "$c $f: exit $rc" ;;
        *) bad "$c $f: '$out'" ;;
    esac
done

# Python positions in the trace: the checkpoint of `await anyio.sleep(1)` (line 6, col 5)
"$cs" run tests/python/q1_sibling_failure.py --backend asyncio --trace "$tmp/tr.jsonl" >/dev/null
if grep -q '"ev": "checkpoint", "task": "a", .*"line": 6, "col": 5' "$tmp/tr.jsonl"; then ok; else
    bad "trace of q1_sibling_failure.py has no checkpoint at 6:5"; grep checkpoint "$tmp/tr.jsonl" | head -3
fi

# several files: `cancelsim run examples/*.py`, each outcome headed by its name, a bad file's error
# in place and exit 2, the others still run; json refused with several files
out=$("$cs" run examples/*.py 2>&1); rc=$?
n=$(ls examples/*.py | wc -l)
if [ "$rc" = 0 ] && [ "$(grep -c '^==> examples/.*\.py <==$' <<<"$out")" = "$n" ] \
   && [ "$(grep -c '^scenario ' <<<"$out")" = $((2 * n)) ]; then ok; else bad "run examples/*.py: exit $rc"; fi
out=$("$cs" run examples/timeouts.py "$tmp/missing.json" tests/python/events.py --backend trio 2>&1); rc=$?
if [ "$rc" = 2 ] && [[ "$out" == *"==> $tmp/missing.json <=="*"$tmp/missing.json: error: cannot read"*"==> tests/python/events.py <=="*"scenario events (trio)"* ]]; then
    ok; else bad "run with a missing file among others: exit $rc: $out"; fi
"$cs" run examples/timeouts.py examples/timeouts.py --format json >/dev/null 2>&1; [ $? = 2 ] && ok || bad "run of 2 files --format json"

# README's "Try it": the Python snippet is examples/sibling_failure.py less its CANCELSIM_ lines, and
# running it prints the asyncio outcome the README shows (up to its "...")
sed -n '/^## Try it/,/^Every command takes/p' README.md >"$tmp/try.md"
sed -n '/^    import anyio/,/^    anyio.run(main)/p' "$tmp/try.md" | sed 's/^    //' >"$tmp/readme.py"
if [ -s "$tmp/readme.py" ] && head -1 "$tmp/readme.py" | grep -q '^import anyio' \
   && "$cs" run "$tmp/readme.py" --backend asyncio >/dev/null 2>&1; then ok; else bad "README's Try it does not start from a Python program that runs"; fi
sed -n '/^    \$ .*cancelsim run examples\/sibling_failure.py$/,/^    \.\.\.$/p' "$tmp/try.md" | sed '1d;$d;s/^    //' >"$tmp/readme.out"
"$cs" run examples/sibling_failure.py >"$tmp/ex.out" 2>&1
if [ -s "$tmp/readme.out" ] && [ "$(head -n "$(wc -l <"$tmp/readme.out")" "$tmp/ex.out")" = "$(cat "$tmp/readme.out")" ]; then ok; else
    bad "README's Try it output differs from cancelsim run examples/sibling_failure.py"; diff "$tmp/readme.out" "$tmp/ex.out" | head -5; fi

# verify --html of a failing .py runs it again through the front end: diff, explain and graph
sed 's/"end_time": 2/"end_time": 3/' examples/timeouts.py >"$tmp/late.py"
"$cs" verify "$tmp/late.py" --html "$tmp/late.html" >/dev/null
if [ "$(grep -c '<h3>Expected (&#8722;) against got (+)' "$tmp/late.html")" = 2 ] \
   && [ "$(grep -c '<h3>Cancellation graph of the failing run' "$tmp/late.html")" = 2 ]; then ok; else
    bad "verify --html of a failing .py has no diff or graph"; fi

# translate: -o, --function, a file that is not .py, no translator, no interpreter
"$cs" translate tests/python/events.py -o "$tmp/o.json" && cmp -s "$tmp/o.json" tests/python/expected/events.json && ok \
    || bad "translate -o"
if "$cs" translate tests/python/nested_groups.py --function inner | grep -q '"name": "nested_groups"'; then ok; else
    bad "translate --function inner"
fi
out=$("$cs" translate tests/python/expected/events.json 2>&1); [ $? = 2 ] && [[ "$out" == *"must be a Python file"* ]] && ok \
    || bad "translate of a .json file: $out"
out=$(CANCELSIM_PYTHON_DIR=/nonexistent "$cs" run tests/python/events.py 2>&1); [ $? = 2 ] \
    && [[ "$out" == "tests/python/events.py: error: cannot translate: the Python translator"* ]] && ok \
    || bad "run without a translator: $out"
out=$(CANCELSIM_PYTHON=/nonexistent/python3 "$cs" run tests/python/events.py 2>&1); [ $? = 2 ] \
    && [[ "$out" == "tests/python/events.py: error: cannot translate: "*"/nonexistent/python3"* ]] && ok \
    || bad "run without python3: $out"
printf 'import anyio\nasync def main():\n    print("\xff")\n' >"$tmp/latin.py"
out=$("$cs" run "$tmp/latin.py" 2>&1); [[ "$out" == "$tmp/latin.py:3:12: error: invalid UTF-8 (byte 0xff)" ]] && ok \
    || bad "non-UTF-8 file: $out"
out=$("$cs" run "$tmp/missing.py" 2>&1); [ $? = 2 ] && [[ "$out" == "$tmp/missing.py: error: cannot read: "* ]] && ok \
    || bad "missing file: $out"

# installed (cmake --install): the binary uses share/cancelsim/ beside its bin/ before the source
# tree, and $CANCELSIM_PYTHON_DIR before both (each copy marked to tell them apart)
if cmake --install "$(dirname "$cs")" --prefix "$tmp/inst" >/dev/null 2>&1 && [ -x "$tmp/inst/bin/cancelsim" ]; then
    sed -i 's/"translated from /"installed copy: translated from /' "$tmp/inst/share/cancelsim/cancelsim_py/translate.py"
    if "$tmp/inst/bin/cancelsim" translate tests/python/events.py | grep -q '"installed copy: translated from events.py"'; then ok; else
        bad "the installed binary does not use share/cancelsim/"
    fi
    cp -r python/cancelsim_py "$tmp/override"
    mkdir -p "$tmp/ovr" && mv "$tmp/override" "$tmp/ovr/cancelsim_py"
    sed -i 's/"translated from /"override: translated from /' "$tmp/ovr/cancelsim_py/translate.py"
    if CANCELSIM_PYTHON_DIR="$tmp/ovr" "$tmp/inst/bin/cancelsim" translate tests/python/events.py | grep -q '"override: '; then
        ok; else bad "CANCELSIM_PYTHON_DIR is not used first"; fi
else
    bad "cmake --install of $(dirname "$cs") failed"
fi

# hostile programs: a NUL byte, nesting beyond Python's parser, an empty file, a directory
printf 'import anyio\nasync def main():\n    print("a\0b")\n' >"$tmp/nul.py"
python3 -c "
import sys
lines = ['import anyio', 'async def main():'] + ['    ' * (i + 1) + 'with anyio.CancelScope():' for i in range(300)]
open(sys.argv[1], 'w').write('\n'.join(lines + ['    ' * 301 + 'await anyio.sleep(1)']) + '\n')
open(sys.argv[2], 'w').write('import anyio\nasync def main():\n    await anyio.sleep(' + '(' * 5000 + '1' + ')' * 5000 + ')\n')
items = ', '.join('anyio.CancelScope()' for _ in range(5000))
open(sys.argv[3], 'w').write('import anyio\nasync def main():\n    with ' + items + ':\n        pass\n')
" "$tmp/deep.py" "$tmp/parens.py" "$tmp/items.py"
: >"$tmp/empty.py"
mkdir "$tmp/dir.py"
for f in nul deep parens items empty dir; do
    timeout 20 "$cs" run "$tmp/$f.py" >"$tmp/out" 2>"$tmp/err"; rc=$?
    if [ "$rc" = 2 ] && [ ! -s "$tmp/out" ] && [ "$(wc -l <"$tmp/err")" = 1 ] \
       && grep -qE "^$tmp/$f.py(:[0-9]+:[0-9]+)?: error: " "$tmp/err"; then ok; else
        bad "hostile $f.py: exit $rc: $(head -c 200 "$tmp/err")"
    fi
done

finish python-translate
