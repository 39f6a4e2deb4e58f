# testlib.sh - sourced by the shell tests (tests/t_*.sh): a scratch folder
# removed on exit, pass/fail counting, and the closing summary whose exit
# status CTest reads.
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }

# finish [LABEL]: prints "LABEL: N passed, N failed"; fails unless none failed.
finish() {
    echo "${1:+$1: }$pass passed, $fail failed"
    [ "$fail" -eq 0 ]
}

# skips_trio CANCELSIM FILE: the scenario cannot run on Trio (statements only
# asyncio has, e.g. native asyncio: `run` says the backend is skipped), so a
# corpus loop forcing --backend trio leaves it out.
skips_trio() {
    "$1" run "$2" --backend trio --format json 2>&1 >/dev/null | grep -q "trio backend skipped"
}
