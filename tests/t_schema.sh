#!/usr/bin/env bash
# t_schema.sh CANCELSIM - docs/scenario.schema.json against the corpus: every
# file under scenarios/ and each pinned Python translation (tests/python/expected)
# is valid, and each file in tests/schema/ (one broken
# rule each) is invalid, both for the schema and for `cancelsim check` (except
# unknown finding names, which only the schema and `verify` reject).  Needs
# python3 with `jsonschema` (Debian: python3-jsonschema); without it the test
# says why and exits 77 (CTest: skipped).  The validator's exit status counts
# too: a schema that does not load fails the test.  Prints "N passed, N failed".
set -u
cs="$1"
schema=docs/scenario.schema.json
pass=0 fail=0
if ! python3 -c "import jsonschema" 2>/dev/null; then
    n=$(find scenarios tests/schema -name '*.json' | wc -l)
    echo "skipped: python3 cannot import jsonschema (install python3-jsonschema); $n files not validated"
    exit 77
fi
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
count() {
    while IFS= read -r line; do
        case "$line" in
            ok\ *) pass=$((pass + 1)) ;;
            *) fail=$((fail + 1)); echo "$line" ;;
        esac
    done
}
# validate DIR [--expect-invalid]: every *.json under DIR through the
# validator; one "ok"/"FAIL" line per file must come back, and the validator's
# own status must agree (a schema that is not JSON or not a valid schema makes
# it stop with a traceback: that is a failure, not zero files checked)
validate() {
    local dir="$1"; shift
    find "$dir" -name '*.json' | sort >"$tmp/files"
    xargs python3 tests/schema_validate.py "$schema" "$@" <"$tmp/files" >"$tmp/out" 2>"$tmp/err"
    local rc=$? want got
    count <"$tmp/out"
    want=$(wc -l <"$tmp/files") got=$(grep -c '' "$tmp/out")
    if [ "$got" -ne "$want" ] || { [ $rc -ne 0 ] && ! grep -q '^FAIL' "$tmp/out"; }; then
        fail=$((fail + 1))
        echo "FAIL: validator on $dir: $got results for $want files, exit $rc: $(tail -2 "$tmp/err")"
    fi
}
validate scenarios
# what the Python front end writes is a scenario too (its pinned translations)
validate tests/python/expected
validate tests/schema --expect-invalid
for f in $(find tests/schema -name '*.json' ! -name 'unknown-finding.json' | sort); do
    "$cs" check "$f" >/dev/null 2>&1
    [ $? -eq 2 ] && pass=$((pass + 1)) || { fail=$((fail + 1)); echo "FAIL: cancelsim check accepts $f"; }
done
echo "schema: $pass passed, $fail failed"
[ $fail -eq 0 ]
