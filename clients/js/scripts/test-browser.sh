#!/usr/bin/env bash
# Runs the browser tests of clients/js against the real ssemux server, installing what is missing
# first (install-browser.sh: the npm dev dependencies with npm ci, Debian's chromium with apt-get).
# The server jar comes from SSEMUX_JAR, else ssemux-server/target/ssemux-server.jar of this
# checkout (built at the repo root with `mvn -q -DskipTests package`).
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/install-browser.sh

export SSEMUX_JAR="${SSEMUX_JAR:-$(cd ../.. && pwd)/ssemux-server/target/ssemux-server.jar}"
if [ ! -f "$SSEMUX_JAR" ]; then
  echo "test-browser: no server jar at $SSEMUX_JAR (run 'mvn -q -DskipTests package' at the repo root, or set SSEMUX_JAR)" >&2
  exit 1
fi

npm run test:browser
