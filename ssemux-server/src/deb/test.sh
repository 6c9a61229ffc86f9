#!/usr/bin/env bash
# The packages an operator installs, built by 'mvn package' (part of scripts/test):
#  - target/ssemux-<version>-dist.tar.gz: unpacked, bin/ssemux serves, and drains and exits on SIGTERM;
#  - target/ssemux_<version>_all.deb: installed with dpkg -i, its unit checked by systemd-analyze,
#    its user and files in place, started as the unit starts it (the user, the environment file, the
#    ExecStart line; this machine runs no systemd), answering /healthz and /readyz, then purged.
#    That part needs root and a machine where ssemux is not installed; it is skipped, saying so, otherwise.
set -euo pipefail
cd "$(dirname "$0")/../.."
deb=$(ls target/ssemux_*_all.deb)
tarball=$(ls target/ssemux-*-dist.tar.gz)
work=$(mktemp -d /tmp/ssemux-package-test.XXXXXX)
server=""
cleanup() {
  [ -n "$server" ] && kill "$server" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
fail() { echo "not ok - $*" >&2; exit 1; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
await_http() { # url: up to 30 s
  for _ in $(seq 1 300); do curl -sf -o /dev/null "$1" && return 0; sleep 0.1; done
  return 1
}
stop_and_expect_143() { # pid, what
  kill -TERM "$1"
  local rc=0
  wait "$1" || rc=$?
  [ "$rc" -eq 143 ] || fail "$2 exited with $rc on SIGTERM (expected: 143)"
}

# The archive.
tar xzf "$tarball" -C "$work"
dist=$(ls -d "$work"/ssemux-*)
[ -x "$dist/bin/ssemux" ] && [ -f "$dist/lib/ssemux-server.jar" ] || fail "the archive lacks bin/ssemux or lib/ssemux-server.jar"
port=$(free_port)
"$dist/bin/ssemux" --port "$port" --no-demo --drain-seconds 1 >"$work/dist.log" 2>&1 &
server=$!
await_http "http://127.0.0.1:$port/healthz" || fail "the archive's bin/ssemux did not serve: $(cat "$work/dist.log")"
grep -q "within the JVM's 5[01][0-9] MiB of heap and 1024 MiB of direct memory" "$work/dist.log" \
    || fail "the archive's launcher did not give the JVM its settings: $(cat "$work/dist.log")"
stop_and_expect_143 "$server" "the archive's server"
server=""
echo "ok - the archive: bin/ssemux serves with the launcher's JVM settings, drains and exits 143 on SIGTERM"

# The Debian package.
[ "$(dpkg-deb --field "$deb" Package)" = ssemux ] || fail "$deb: not the ssemux package"
dpkg-deb --contents "$deb" | grep -q "./lib/systemd/system/ssemux.service" || fail "$deb: no systemd unit"
if [ "$(id -u)" -ne 0 ] || dpkg -s ssemux >/dev/null 2>&1; then
  echo "ok - the package's contents # SKIP installing it needs root and a machine without ssemux installed"
  exit 0
fi
trap 'cleanup; dpkg --purge ssemux >/dev/null 2>&1 || true' EXIT
dpkg -i "$deb" >"$work/dpkg.log" 2>&1 || fail "dpkg -i: $(cat "$work/dpkg.log")"
getent passwd ssemux >/dev/null || fail "postinst did not create the ssemux user"
[ "$(stat -c %U /var/lib/ssemux)" = ssemux ] || fail "/var/lib/ssemux is not the ssemux user's"
[ -x /usr/bin/ssemux ] || fail "/usr/bin/ssemux is missing"
if command -v systemd-analyze >/dev/null; then
  systemd-analyze verify /lib/systemd/system/ssemux.service >"$work/verify.log" 2>&1 \
      || fail "systemd-analyze verify: $(cat "$work/verify.log")"
fi
exec_start=$(sed -n 's/^ExecStart=//p' /lib/systemd/system/ssemux.service)
port=$(free_port)
(
  set -a
  # shellcheck disable=SC1091 # the package's environment file, as the unit reads it
  . /etc/default/ssemux
  set +a
  SSEMUX_PORT=$port SSEMUX_DRAIN_SECONDS=1 exec runuser -u ssemux --preserve-environment -- $exec_start
) >"$work/service.log" 2>&1 &
server=$!
await_http "http://127.0.0.1:$port/readyz" || fail "the installed service did not serve: $(cat "$work/service.log")"
curl -sf "http://127.0.0.1:$port/" -o /dev/null && fail "the installed service serves the demo (SSEMUX_DEMO=false expected)"
pgrep -u ssemux -f "ssemux/bin/../lib/ssemux-server.jar" >/dev/null || fail "the service does not run as the ssemux user"
stop_and_expect_143 "$server" "the installed service"
server=""
dpkg --purge ssemux >"$work/purge.log" 2>&1 || fail "dpkg --purge: $(cat "$work/purge.log")"
[ ! -e /usr/share/ssemux ] && [ ! -e /lib/systemd/system/ssemux.service ] && ! getent passwd ssemux >/dev/null \
    || fail "dpkg --purge left files or the user behind"
echo "ok - the package: installed with dpkg -i, unit verified, started as its unit does (user ssemux), drained, purged"
