#!/usr/bin/env bash
# Everything xpiler and its test suite need on a fresh Debian/Ubuntu machine:
# the Python package with its test extras, and hipcc (HIP compile checks, HIP_PLATFORM=amd).
# nvcc and g++ come with the machine image; tests that need a missing tool skip with the reason.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v hipcc >/dev/null 2>&1 && command -v apt-get >/dev/null 2>&1; then
    SUDO=""
    [ "$(id -u)" -ne 0 ] && SUDO="sudo"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq hipcc libamdhip64-dev >/dev/null
fi
python3 -m pip install -q -e ".[test]"
