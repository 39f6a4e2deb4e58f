#!/usr/bin/env bash
# t_hostile_positions.sh CANCELSIM - an independent check of the positions in
# tests/hostile/*.expect (which were first written from the loader's own
# output): for each hostile file that is valid JSON, Python's own reading of
# the file must find the start of a JSON token (a key or a value: " { [ - a
# digit t f n) at the LINE:COLUMN the loader reports, columns counted in
# characters; and `cancelsim check` must report that same position now.  An
# off-by-one in the position mapping points inside a token or at a blank.
# Prints "N passed, N failed".
set -u
cs="$1"
export CS="$cs"
python3 - <<'PY'
import glob, json, os, re, subprocess, sys
cs = os.environ["CS"]
passed = failed = 0
for e in sorted(glob.glob("tests/hostile/*.expect")):
    f = e[:-len(".expect")] + ".json"
    m = re.match(r"(\d+):(\d+): error: ", open(e, encoding="utf-8").read())
    try:
        text = open(f, encoding="utf-8").read()
        json.loads(text)
    except (ValueError, UnicodeDecodeError, RecursionError):
        continue  # a syntax error: Jansson and Python place those differently
    if not m:
        continue
    line, col = int(m[1]), int(m[2])
    lines = text.split("\n")
    ch = lines[line - 1][col - 1:col] if 0 < line <= len(lines) else ""
    p = subprocess.run([cs, "check", f], capture_output=True, text=True)
    now = re.match(r".*?:(\d+):(\d+): error: ", p.stderr)
    # a file whose statements carry "pos" (positions in the Python source it
    # was translated from) reports those: the position must be one it declares
    declared = set()
    def walk(v):
        if isinstance(v, dict):
            for k, x in v.items():
                if k == "pos" and isinstance(x, list) and len(x) == 2:
                    declared.add(tuple(x))
                elif k == "pos" and isinstance(x, dict):
                    declared.update(tuple(y) for y in x.values() if isinstance(y, list) and len(y) == 2)
                walk(x)
        elif isinstance(v, list):
            for x in v:
                walk(x)
    walk(json.loads(text))
    if (line, col) in declared:
        ch = '"'
    if ch == "" or ch not in '"{[-0123456789tfn':
        failed += 1
        print(f"FAIL {e}: {line}:{col} is {ch!r}, not the start of a key or value")
    elif p.returncode != 2 or not now or (int(now[1]), int(now[2])) != (line, col):
        failed += 1
        print(f"FAIL {f}: check says {p.stderr.strip()[:200]!r} (exit {p.returncode}), expected {line}:{col}")
    else:
        passed += 1
if passed < 100:
    failed += 1
    print(f"FAIL only {passed} positions checked")
print(f"hostile-positions: {passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
PY
