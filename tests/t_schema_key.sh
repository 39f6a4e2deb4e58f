#!/usr/bin/env bash
# t_schema_key.sh CANCELSIM - a scenario may carry "$schema" (to point an
# editor at docs/scenario.schema.json): `cancelsim check`, `run` and `verify`
# accept it and give exactly the output they give without it, wherever the
# key sits; a "$schema" that is not a string is refused (exit 2, FILE:LINE:COL);
# the schema itself allows "$schema", refuses a non-string one (python3
# jsonschema, when installed) and has an absolute-URI `$id`.  Prints "N
# passed, N failed".
set -u
cs="$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"
. "$(dirname "$0")/testlib.sh"
src=scenarios/taskgroup/sibling-failure-cancels-sibling.json
mkdir "$tmp/a" "$tmp/b"
cp "$src" "$tmp/a/s.json"
python3 - "$src" "$tmp/b/s.json" "$tmp/last.json" "$tmp/bad.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
json.dump({"$schema": "../../docs/scenario.schema.json", **d}, open(sys.argv[2], "w"), indent=2)
json.dump({**d, "$schema": "file:///usr/share/cancelsim/scenario.schema.json"}, open(sys.argv[3], "w"))
json.dump({"$schema": 7, **d}, open(sys.argv[4], "w"), indent=2)
PY
for f in "$tmp/b/s.json" "$tmp/last.json"; do
    "$cs" check "$f" >/dev/null 2>&1 && ok || bad "check refuses \$schema in $f"
done
"$cs" run "$tmp/a/s.json" --format json >"$tmp/ra" 2>&1
"$cs" run "$tmp/b/s.json" --format json >"$tmp/rb" 2>&1
cmp -s "$tmp/ra" "$tmp/rb" && ok || bad "run output changes with \$schema"
(cd "$tmp/a" && "$cs" verify s.json) >"$tmp/va" 2>&1
(cd "$tmp/b" && "$cs" verify s.json) >"$tmp/vb" 2>&1; rc=$?
[ $rc -eq 0 ] && cmp -s "$tmp/va" "$tmp/vb" && ok || bad "verify changes with \$schema (exit $rc)"
"$cs" check "$tmp/bad.json" >/dev/null 2>"$tmp/err"; rc=$?
[ $rc -eq 2 ] && grep -q "bad.json:2:[0-9]*: error: \$schema must be a string" "$tmp/err" && ok \
    || bad "a numeric \$schema: exit $rc, $(cat "$tmp/err")"

python3 - docs/scenario.schema.json <<'PY' && ok || bad "the schema's \$id is not an absolute URI or \$schema is not allowed"
import json, re, sys
s = json.load(open(sys.argv[1]))
assert re.match(r"^[a-z][a-z0-9+.-]*:[^\s]+$", s["$id"]), s["$id"]
assert s["properties"]["$schema"]["type"] == "string"
PY
if python3 -c 'import jsonschema' 2>/dev/null; then
    python3 tests/schema_validate.py docs/scenario.schema.json "$tmp/b/s.json" "$tmp/last.json" >/dev/null \
        && ok || bad "the schema refuses a scenario with \$schema"
    python3 tests/schema_validate.py docs/scenario.schema.json --expect-invalid "$tmp/bad.json" >/dev/null \
        && ok || bad "the schema accepts a numeric \$schema"
else
    echo "note: python3 jsonschema is not installed; the schema was not run"
fi
finish schema-key
