#!/usr/bin/env bash
# setup.sh - first command of the README: install what is missing, build, and
# run the main job (verify the bundled scenarios on both backends, run the
# example AnyIO programs, render one cancellation graph).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/deps.sh
cs_install_deps
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build -j"$(nproc)"
./build/cancelsim verify scenarios/
for f in examples/*.py; do  # AnyIO programs, translated (python3) and run on both backends
    ./build/cancelsim run "$f" >/dev/null
done
echo "ran examples/*.py on both backends (./build/cancelsim run examples/sibling_failure.py shows one)"
./build/cancelsim dot scenarios/taskgroup/sibling-failure-cancels-sibling.json --backend asyncio \
    --render png -o build/sibling-failure.png
echo "wrote build/sibling-failure.png (the cancellation graph of scenarios/taskgroup/sibling-failure-cancels-sibling.json)"
