#!/usr/bin/env bash
# Makes sure Debian's Chromium is installed for the browser tests (the API reference page
# and CORS): /usr/bin/chromium, run headless by the tests.
set -euo pipefail

if command -v chromium >/dev/null 2>&1; then echo "Chromium is installed"; exit 0; fi

sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
echo "installing Chromium from Debian's packages"
$sudo apt-get update -q
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q chromium
command -v chromium >/dev/null 2>&1
