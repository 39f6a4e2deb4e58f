#!/usr/bin/env python3
"""schema_validate.py SCHEMA [--expect-invalid] FILE... - validates scenario
files against docs/scenario.schema.json with the `jsonschema` module
(draft 2020-12), for tests/t_schema.sh.

Prints one line per file: "ok FILE" when the file's validity is as expected,
"FAIL FILE: why" otherwise; exits 0 when every file is as expected, 1 when
some are not, 77 when `jsonschema` cannot be imported (the caller skips).
"""
import json
import sys

try:
    import jsonschema
except ImportError:
    sys.exit(77)


def main(argv):
    schema_path, rest = argv[1], argv[2:]
    expect_invalid = False
    if rest and rest[0] == "--expect-invalid":
        expect_invalid, rest = True, rest[1:]
    with open(schema_path, encoding="utf-8") as f:
        schema = json.load(f)
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema)
    failed = 0
    for path in rest:
        with open(path, encoding="utf-8") as f:
            doc = json.load(f)
        errors = list(validator.iter_errors(doc))
        if bool(errors) == expect_invalid:
            print(f"ok {path}")
            continue
        failed += 1
        if errors:
            best = jsonschema.exceptions.best_match(errors)
            where = "/".join(str(p) for p in best.absolute_path)
            print(f"FAIL {path}: at /{where}: {best.message[:300]}")
        else:
            print(f"FAIL {path}: the schema accepts it, but it is invalid")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
