#!/usr/bin/env bash
# make.sh [CANCELSIM] - renders the gallery PNGs in this folder from corpus
# scenarios, through `cancelsim dot --render png` (Graphviz's libraries, no
# `dot` program).  CANCELSIM defaults to build/cancelsim under the repo root.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
cs="${1:-$root/build/cancelsim}"
[ -x "$cs" ] || { echo "make.sh: no cancelsim at $cs (pass its path)" >&2; exit 2; }

render() { # scenario (relative to scenarios/, no .json) -> gallery name [backend]
    "$cs" dot "$root/scenarios/$1.json" --backend "${3:-asyncio}" --render png -o "$here/$2.png"
    echo "wrote docs/gallery/$2.png"
}

render taskgroup/sibling-failure-cancels-sibling 1-sibling-failure-cancels-siblings
render timeouts/move-on-vs-fail-after            2-move-on-after-vs-fail-after
render timeouts/busy-delays-others               3-busy-delays-a-sibling
render shield/shielded-cleanup-in-finally        4-shielded-cleanup
render nesting/nested-group-in-child             5-nested-task-groups
# the same scenario on the other backend: Trio collects the group synchronously
render taskgroup/sibling-failure-cancels-sibling 6-sibling-failure-on-trio trio
# issue 22's server: 3 workers x 20 jobs, folded to fit (the README shows it)
render threads/server-sigterm                     7-server-folded
