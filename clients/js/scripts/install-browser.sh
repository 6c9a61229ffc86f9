#!/usr/bin/env bash
# Installs what the browser tests need when it is missing: the npm dev dependencies of clients/js
# (npm ci, from the npm registry only; playwright-core among them) and Debian's chromium (apt-get).
# Used by test-browser.sh and scripts/test, before the Spring starter's Chromium tests run in Maven.
set -euo pipefail
cd "$(dirname "$0")/.."

command -v npm >/dev/null || { echo "install-browser: the browser tests need Node.js 20+ with npm on the PATH" >&2; exit 1; }
node -e 'process.exit(Number(process.versions.node.split(".")[0]) >= 20 ? 0 : 1)' \
  || { echo "install-browser: the browser tests need Node.js 20+ (node is $(node --version))" >&2; exit 1; }

if [ ! -d node_modules/playwright-core ] || [ ! -d node_modules/vite ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi

if [ ! -x /usr/bin/chromium ]; then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -q
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q chromium
fi
