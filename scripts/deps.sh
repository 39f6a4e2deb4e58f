#!/usr/bin/env bash
# deps.sh - install the Debian packages cancelsim needs, only those missing.
# Sourced by setup.sh and test.sh; runs apt-get as root (or through sudo).
set -euo pipefail

CS_PACKAGES=(build-essential cmake pkg-config libjansson-dev check libsubunit-dev libgraphviz-dev python3 python3-jsonschema libxml2-utils valgrind)

cs_install_deps() {
    local missing=()
    for p in "${CS_PACKAGES[@]}"; do
        dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
    done
    if [ "${#missing[@]}" -eq 0 ]; then
        return 0
    fi
    echo "installing: ${missing[*]}"
    local sudo=""
    if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}
