#!/usr/bin/env bash
# Browser end-to-end test of the server and its photo-jobs demo: the real server jar, headless
# Debian chromium driven by playwright-core (which downloads no browser). Installs what is
# missing: the npm packages (npm ci), chromium (apt-get), and the server jar (mvn package, also
# when a source is newer than the jar). SSEMUX_JAR runs another jar as it is. The screenshot of
# the page goes to ssemux-server/target/demo-screenshot.png (SCREENSHOT to change it).
set -euo pipefail
cd "$(dirname "$0")"

if [ ! -d node_modules/playwright-core ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi

if [ ! -x /usr/bin/chromium ] && [ -z "${CHROMIUM_PATH:-}" ]; then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -q
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q chromium
fi

if [ -z "${SSEMUX_JAR:-}" ]; then
  jar=../ssemux-server/target/ssemux-server.jar
  if [ ! -f "$jar" ] || [ -n "$(find ../pom.xml ../ssemux-*/pom.xml ../ssemux-*/src/main ../clients/js/src -newer "$jar" -print -quit)" ]; then
    (cd .. && mvn -B -q -ntp -DskipTests -pl ssemux-server -am package)
  fi
  SSEMUX_JAR="$(cd "$(dirname "$jar")" && pwd)/$(basename "$jar")"
  export SSEMUX_JAR
fi

exec node --test --test-concurrency=1 demo.test.js
