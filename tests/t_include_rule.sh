#!/usr/bin/env bash
# t_include_rule.sh [CANCELSIM] - the layers of docs/HACKING.md, checked over
# the `#include "..."` lines (and a few identifiers) of the sources:
#   - sim/core includes no header of sim/asyncio, sim/trio or sim/load, calls
#     no cs__aio_* / cs__trio_* function and never tests which backend runs;
#   - sim/asyncio and sim/trio never include (or call) each other;
#   - sim/load includes only its own headers and the engine's public ones;
#   - verify/, drive/, render/, cli/ and bench/ include only public headers of sim/.
# Only sim/*.c at the top (backends.c) may know both backends.
# Then it plants one bad include (or backend test) per rule in a copy of the
# sources and checks that each one is caught: a rule that cannot fail is no
# rule.  Prints "N passed, N failed".
set -u
. "$(dirname "$0")/testlib.sh"
here="$(cd "$(dirname "$0")/.." && pwd)"

# The engine's public headers (its API: what the consumers may include).
public="engine.h trace.h program.h exc.h fault.h text.h util.h digits.h run_stats.h memuse.h load.h json_pos.h"

# violations ROOT: one line per broken rule in the sources under ROOT.
violations() {
    python3 - "$1" "$public" <<'PY'
import os, re, sys
root, public = sys.argv[1], set(sys.argv[2].split())
path = ["sim/core", "sim/load", "verify", "drive", "render", "cli", "tests", "sim/asyncio", "sim/trio"]
inc_re = re.compile(r'^\s*#\s*include\s*"([^"]+)"', re.M)
def resolve(rel, name):
    """Where `#include "name"` in file rel resolves: beside the file, else on
    the include path (a backend header named by its base name included)."""
    beside = os.path.normpath(os.path.join(os.path.dirname(rel), name))
    if os.path.isfile(os.path.join(root, beside)):
        return beside
    for d in path:
        if os.path.isfile(os.path.join(root, d, os.path.basename(name))):
            return d + "/" + os.path.basename(name)
    return "?/" + name
out = []
files = []
for top in ("sim", "verify", "drive", "render", "cli", "bench"):
    for dp, _, fs in os.walk(os.path.join(root, top)):
        files += [os.path.relpath(os.path.join(dp, f), root) for f in fs if f.endswith((".c", ".h"))]
for rel in sorted(files):
    d = os.path.dirname(rel)
    text = open(os.path.join(root, rel), errors="replace").read()
    for name in inc_re.findall(text):
        t = resolve(rel, name)
        room = t.rsplit("/", 1)[0]
        if d == "sim/core" and room in ("sim/asyncio", "sim/trio", "sim/load"):
            out.append(f"{rel}: core includes {t}")
        elif d == "sim/asyncio" and room in ("sim/trio", "sim/load"):
            out.append(f"{rel}: asyncio includes {t}")
        elif d == "sim/trio" and room in ("sim/asyncio", "sim/load"):
            out.append(f"{rel}: trio includes {t}")
        elif d == "sim/load" and t.startswith("sim/") and room != "sim/load" \
                and t != "sim/core/load_arena.h" and os.path.basename(t) not in public:
            out.append(f"{rel}: the loader includes engine internals ({t})")
        elif d in ("verify", "drive", "render", "cli", "bench") and t.startswith("sim/") \
                and (room not in ("sim/core", "sim/load") or os.path.basename(t) not in public):
            out.append(f"{rel}: includes {t}, not a public header of sim/")
    # identifiers: the core calls no backend, the backends not each other,
    # and nothing in core asks which backend runs
    code = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
    if d == "sim/core":
        if re.search(r"\bcs__(aio|trio)_\w+", code):
            out.append(f"{rel}: core names a backend function")
        if re.search(r"backend\s*[!=]=|[!=]=\s*CS_BACKEND_|CS_BACKEND_\w+\s*[!=]=", code):
            out.append(f"{rel}: core tests which backend runs")
    if d == "sim/asyncio" and re.search(r"\bcs__trio_\w+", code):
        out.append(f"{rel}: asyncio names a Trio function")
    if d == "sim/trio" and re.search(r"\bcs__aio_\w+", code):
        out.append(f"{rel}: trio names an asyncio function")
print("\n".join(out))
PY
}

out="$(violations "$here")"
if [ -z "$out" ]; then ok; else bad "the sources break the rule:"$'\n'"$out"; fi

# plant NAME FILE LINE: a copy of the sources with LINE added to FILE must
# break the rule.
plant() {
    local name="$1" file="$2" line="$3" copy="$tmp/$1"
    mkdir -p "$copy"
    cp -r "$here/sim" "$here/verify" "$here/drive" "$here/render" "$here/cli" "$here/bench" "$copy/"
    printf '%s\n' "$line" >>"$copy/$file"
    if [ -n "$(violations "$copy")" ]; then ok; else bad "planted $name ($file: $line) was not caught"; fi
}
plant core-asyncio sim/core/frames.c '#include "../asyncio/aio.h"'
plant core-trio sim/core/interp.c '#include "trio.h"'
plant core-load sim/core/engine.c '#include "load_internal.h"'
plant core-call sim/core/thread.c 'static void f(void) { cs__trio_reschedule(0, 0, 0); }'
plant core-branch sim/core/engine.c 'static int g(cs__engine *e) { return e->backend == CS_BACKEND_TRIO; }'
plant asyncio-trio sim/asyncio/loop.c '#include "../trio/trio.h"'
plant trio-asyncio sim/trio/trio_runner.c '#include "../asyncio/aio.h"'
plant load-internal sim/load/load.c '#include "engine_internal.h"'
plant verify-internal verify/outcome.c '#include "interp.h"'
plant cli-backend cli/main.c '#include "../sim/trio/trio.h"'
plant drive-internal drive/run_request.c '#include "policy.h"'
finish include-rule
