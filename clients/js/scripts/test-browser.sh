#!/usr/bin/env bash
# Runs the browser tests of clients/js against the real ssemux server, installing what is missing:
# the npm dev dependencies (npm ci, from the npm registry only) and Debian's chromium (apt-get).
# The server jar comes from SSEMUX_JAR, else ssemux-server/target/ssemux-server.jar of this
# checkout (built at the repo root with `mvn -q -DskipTests package`).
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -d node_modules/playwright-core ] || [ ! -d node_modules/vite ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi

if [ ! -x /usr/bin/chromium ]; then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -q
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q chromium
fi

export SSEMUX_JAR="${SSEMUX_JAR:-$(cd ../.. && pwd)/ssemux-server/target/ssemux-server.jar}"
if [ ! -f "$SSEMUX_JAR" ]; then
  echo "test-browser: no server jar at $SSEMUX_JAR (run 'mvn -q -DskipTests package' at the repo root, or set SSEMUX_JAR)" >&2
  exit 1
fi

npm run test:browser
