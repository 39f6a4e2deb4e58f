#!/usr/bin/env bash
# setup.sh - first command of the README: install what is missing, build, and
# run the main job (verify the bundled scenarios on both backends).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/deps.sh
cs_install_deps
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build -j"$(nproc)"
./build/cancelsim verify scenarios/
