#!/usr/bin/env bash
# setup.sh - first command of the README: install what is missing, build, and
# run the main job (verify the bundled scenarios on both backends, render one
# cancellation graph).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/deps.sh
cs_install_deps
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build -j"$(nproc)"
./build/cancelsim verify scenarios/
./build/cancelsim dot scenarios/taskgroup/sibling-failure-cancels-sibling.json --backend asyncio \
    --render png -o build/sibling-failure.png
echo "wrote build/sibling-failure.png (the cancellation graph of scenarios/taskgroup/sibling-failure-cancels-sibling.json)"
