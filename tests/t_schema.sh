#!/usr/bin/env bash
# t_schema.sh CANCELSIM - docs/scenario.schema.json against the corpus: every
# file under scenarios/ is valid, and each file in tests/schema/ (one broken
# rule each) is invalid, both for the schema and for `cancelsim check` (except
# unknown finding names, which only the schema and `verify` reject).  Needs
# python3 with `jsonschema` (Debian: python3-jsonschema); without it the test
# says so and skips.  Prints "N passed, N failed, N skipped".
set -u
cs="$1"
schema=docs/scenario.schema.json
pass=0 fail=0 skip=0
if ! python3 -c "import jsonschema" 2>/dev/null; then
    echo "SKIP: python3 cannot import jsonschema (install python3-jsonschema)"
    n=$(find scenarios tests/schema -name '*.json' | wc -l)
    echo "schema: 0 passed, 0 failed, $n skipped"
    exit 0
fi
count() {
    while IFS= read -r line; do
        case "$line" in
            ok\ *) pass=$((pass + 1)) ;;
            *) fail=$((fail + 1)); echo "$line" ;;
        esac
    done
}
count < <(find scenarios -name '*.json' | sort | xargs python3 tests/schema_validate.py "$schema")
count < <(find tests/schema -name '*.json' | sort | xargs python3 tests/schema_validate.py "$schema" --expect-invalid)
for f in $(find tests/schema -name '*.json' ! -name 'unknown-finding.json' | sort); do
    "$cs" check "$f" >/dev/null 2>&1
    [ $? -eq 2 ] && pass=$((pass + 1)) || { fail=$((fail + 1)); echo "FAIL: cancelsim check accepts $f"; }
done
echo "schema: $pass passed, $fail failed, $skip skipped"
[ $fail -eq 0 ]
