#!/bin/sh
# Check every scenario's expectations against real AnyIO 4.14.2 (the oracle):
#   1. anyio_oracle.py --check on both backends (expect, expect_by_backend);
#   2. for files with expect_any: every Trio schedule tried (fifo, lifo,
#      random seeds 1..8) and asyncio must match one of its entries.
# Usage: scenarios/tools/check_all.sh [DIR_OR_FILE...]   (default: scenarios/)
# Environment: ANYIO_ORACLE (default /work/shared/tools/anyio_oracle.py),
#              ANYIO_SITE (default /work/anyio_site).
# Files where the oracle is known to differ from real CPython are checked with
# tools/anyio_reference.py instead (refilled from it, the file must not change):
# except-star-reraise-from-call.json (the oracle's reraise is not a bare raise;
# scenarios/README.md), and dataflow/ (named values, if, loop: the oracle has
# none of them; tools/reference_ext/dataflow.py runs them), generators/ and the
# generator pairs of inject/ (tools/reference_ext/generators.py runs them).
here=$(cd "$(dirname "$0")" && pwd)
oracle=${ANYIO_ORACLE:-/work/shared/tools/anyio_oracle.py}
site=${ANYIO_SITE:-/work/anyio_site}
[ $# -gt 0 ] || set -- "$(dirname "$here")"
pass=0
fail=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for f in $(find "$@" -name '*.json' -not -path '*/tools/*' | sort); do
    # The oracle does not know `findings` (computed from cancelsim's trace, not
    # from AnyIO): check a copy without them.
    python3 -c 'import json,sys; d=json.load(open(sys.argv[1]))
for k in ("expect",): d.get(k, {}).pop("findings", None)
for b in d.get("expect_by_backend", {}).values(): b.pop("findings", None)
json.dump(d, open(sys.argv[2], "w"))' "$f" "$tmp/s.json"
    case "$f" in
    */except-star-reraise-from-call.json|*/dataflow/*.json|*/generators/*.json|*/inject/generator-*.json|*/inject/aclosing-*.json)
        # refilled from the reference script, the file must come out unchanged
        cp "$f" "$tmp/r.json"
        if ANYIO_ORACLE="$(dirname "$(dirname "$here")")/tools/anyio_reference.py" ANYIO_SITE="$site" \
            python3 "$here/fill_expect.py" "$tmp/r.json" >/dev/null && cmp -s "$f" "$tmp/r.json"; then
            pass=$((pass + 1))
        else
            echo "FAIL $f"
            fail=$((fail + 1))
        fi
        continue ;;
    esac
    if PYTHONPATH="$site" python3 "$oracle" "$tmp/s.json" --check >/dev/null \
        && { ! grep -q '"expect_any"' "$f" || python3 "$here/fill_expect.py" --verify-any "$f"; }
    then
        pass=$((pass + 1))
    else
        echo "FAIL $f"
        fail=$((fail + 1))
    fi
done
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
