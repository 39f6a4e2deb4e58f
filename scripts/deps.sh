#!/usr/bin/env bash
# deps.sh - install the Debian packages cancelsim needs, only those missing.
# Sourced by setup.sh and test.sh; runs apt-get as root (or through sudo).
set -euo pipefail

CS_PACKAGES=(build-essential cmake pkg-config libjansson-dev check libsubunit-dev libgraphviz-dev python3 python3-jsonschema python3-yaml python3-pytest python3-pip libxml2-utils valgrind perl man-db groff-base zsh lintian)
# Optional: a headless browser for tests/t_html.sh (the HTML report checked in
# Chromium); installed only when CS_INSTALL_BROWSER=1 (scripts/test.sh, CI).
CS_BROWSER_PACKAGES=(chromium)

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

cs_install_browser() {
    [ "${CS_INSTALL_BROWSER:-}" = 1 ] || return 0
    local missing=()
    for p in "${CS_BROWSER_PACKAGES[@]}"; do
        dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
    done
    [ "${#missing[@]}" -eq 0 ] && return 0
    echo "installing (optional, CS_INSTALL_BROWSER=1): ${missing[*]}"
    local sudo=""
    if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}
