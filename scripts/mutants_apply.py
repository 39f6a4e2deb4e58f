#!/usr/bin/env python3
"""mutants_apply.py SRC LIST ids|apply|undo ... - the mutation list's reader
for scripts/mutants.sh (which see).

LIST holds blocks:

    # comment
    @ ID [equivalent]
    - text to find (one or more lines, each as written after "- ")
    + text that replaces it (one or more lines; "+" alone: nothing, a
    + dropped statement)

The text is looked up in the production sources under SRC (sim/ verify/ drive/ cli/
render/, *.c and *.h) and must occur exactly once there.

    ids [--sample N --seed S --only ID,...]   prints "ID<TAB>equivalent|-" lines
    apply ID    mutates SRC, prints "FILE:LINE"; exit 1 (with why) when stale
    undo ID     restores the file (with a fresh mtime, so make rebuilds it)
"""
import json
import os
import random
import sys

DIRS = ("sim", "verify", "drive", "cli", "render")


def parse(path):
    muts, cur = [], None
    for n, line in enumerate(open(path, encoding="utf-8"), 1):
        line = line.rstrip("\n")
        if line.startswith("@ "):
            words = line[2:].split()
            cur = {"id": words[0], "equivalent": "equivalent" in words[1:], "line": n}
            muts.append(cur)
        elif line.startswith("- ") and cur is not None and "replace" not in cur:
            cur["find"] = cur["find"] + "\n" + line[2:] if "find" in cur else line[2:]
        elif (line.startswith("+ ") or line == "+") and cur is not None and "find" in cur:
            cur["replace"] = cur["replace"] + "\n" + line[2:] if "replace" in cur else line[2:]
        elif line.strip() and not line.startswith("#"):
            sys.exit(f"{path}:{n}: error: expected '@ ID', '- FIND', '+ REPLACE' or a comment")
    ids = set()
    for m in muts:
        if "find" not in m or "replace" not in m or not m["find"]:
            sys.exit(f"{path}:{m['line']}: error: mutant {m['id']} needs a '- ' and a '+ ' line")
        if m["id"] in ids:
            sys.exit(f"{path}:{m['line']}: error: duplicate id {m['id']}")
        ids.add(m["id"])
    return muts


def sources(src):
    for d in DIRS:
        for dirpath, _, names in os.walk(os.path.join(src, d)):
            for name in sorted(names):
                if name.endswith((".c", ".h")):
                    yield os.path.join(dirpath, name)


def main(argv):
    src, listfile, cmd = argv[1], argv[2], argv[3]
    muts = parse(listfile)
    state = os.path.join(src, "..", "applied.json")
    if cmd == "ids":
        opts = dict(zip(argv[4::2], argv[5::2]))
        only = [x for x in opts.get("--only", "").split(",") if x]
        if only:
            unknown = set(only) - {m["id"] for m in muts}
            if unknown:
                sys.exit(f"unknown mutant ids: {', '.join(sorted(unknown))}")
            muts = [m for m in muts if m["id"] in only]
        n = int(opts.get("--sample", "0") or 0)
        if 0 < n < len(muts):
            muts = random.Random(opts.get("--seed", "1")).sample(muts, n)
        for m in muts:
            print(f"{m['id']}\t{'equivalent' if m['equivalent'] else '-'}")
        return 0
    m = next((m for m in muts if m["id"] == argv[4]), None)
    if m is None:
        sys.exit(f"unknown mutant {argv[4]}")
    if cmd == "apply":
        hits = []
        for path in sources(src):
            text = open(path, encoding="utf-8").read()
            c = text.count(m["find"])
            if c:
                hits.append((path, c, text))
        total = sum(c for _, c, _ in hits)
        if total != 1:
            where = ", ".join(os.path.relpath(p, src) for p, _, _ in hits) or "nowhere"
            print(f"text found {total} times ({where}), not once: {m['find']!r}")
            return 1
        path, _, text = hits[0]
        line = text[: text.index(m["find"])].count("\n") + 1
        json.dump({"id": m["id"], "path": path, "text": text}, open(state, "w"))
        with open(path, "w", encoding="utf-8") as f:
            f.write(text.replace(m["find"], m["replace"], 1))
        print(f"{os.path.relpath(path, src)}:{line}")
        return 0
    if cmd == "undo":
        st = json.load(open(state))
        assert st["id"] == m["id"], (st["id"], m["id"])
        with open(st["path"], "w", encoding="utf-8") as f:
            f.write(st["text"])
        os.remove(state)
        return 0
    sys.exit(f"unknown command {cmd}")


if __name__ == "__main__":
    sys.exit(main(sys.argv))
