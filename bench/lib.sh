# Helpers of the bench scripts: sourced, not run. Everything listens on and talks to 127.0.0.1 only.
# Every wait is bounded; every process started here is stopped by its pid.

BENCH_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_DIR="$(cd "$BENCH_DIR/.." && pwd)"
BENCH_JAR="$REPO_DIR/ssemux-bench/target/ssemux-bench.jar"
SERVER_JAR="${SERVER_JAR:-$REPO_DIR/ssemux-server/target/ssemux-server.jar}"
SPRING_JAR="$REPO_DIR/ssemux-bench-spring/target/ssemux-bench-spring.jar"
SSEMUX_PORT="${SSEMUX_PORT:-18080}"
NCHAN_PORT="${NCHAN_PORT:-18090}"
# The server's JVM: JDK 17 by default; BENCH_JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64 for the newest.
BENCH_JAVA_HOME="${BENCH_JAVA_HOME:-$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")}"
# ssemux runs as scripts/run starts it: through bin/ssemux, with the launcher's JVM settings.
# SSEMUX_JVM_FLAGS (default none) are added as its JAVA_OPTS, which win over the launcher's.
SSEMUX_JVM_FLAGS="${SSEMUX_JVM_FLAGS:-}"
QUIET_LOAD="${QUIET_LOAD:-0.7}"
SERVER_PIDS=()

log() { printf '[bench %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

build() {
  if [[ -z "${BENCH_SKIP_BUILD:-}" ]]; then
    log "building (mvn package, tests skipped)"
    (cd "$REPO_DIR" && mvn -B -q -ntp -DskipTests package)
  fi
}

# Waits (at most $1 seconds, default 120) for the 1-minute load to fall below $QUIET_LOAD; goes on anyway.
wait_quiet() {
  local limit="${1:-120}" waited=0 load
  while :; do
    load=$(cut -d' ' -f1 /proc/loadavg)
    if awk -v l="$load" -v q="$QUIET_LOAD" 'BEGIN { exit !(l < q) }'; then
      log "load $load < $QUIET_LOAD"; return 0
    fi
    if (( waited >= limit )); then
      log "load still $load after ${limit}s: measuring anyway (the result records the load)"; return 0
    fi
    sleep 10; waited=$((waited + 10))
  done
}

wait_http() { # url, seconds
  local i
  for ((i = 0; i < $2 * 10; i++)); do
    if curl -s -o /dev/null -m 1 "$1"; then return 0; fi
    sleep 0.1
  done
  log "no answer from $1 after $2 s"; return 1
}

# Starts ssemux on $SSEMUX_PORT as scripts/run does (see launch_ssemux); sets SERVER_PID.
start_ssemux() {
  launch_ssemux "$RUN_DIR/ssemux.log" --port "$SSEMUX_PORT" --max-connections 19950 ${SSEMUX_ARGS:-}
  SERVER_PID=$!
  SERVER_PIDS+=("$SERVER_PID")
  wait_http "http://127.0.0.1:$SSEMUX_PORT/healthz" 30
  log "ssemux pid $SERVER_PID ($("$BENCH_JAVA_HOME/bin/java" -version 2>&1 | head -1)) through bin/ssemux," \
      "JAVA_OPTS: ${SSEMUX_JVM_FLAGS:-(none)} args: ${SSEMUX_ARGS:-}"
}

# Runs the server in the background as scripts/run does: the shaded jar through bin/ssemux with the
# launcher's JVM settings (and MALLOC_ARENA_MAX=2), $SSEMUX_JVM_FLAGS as JAVA_OPTS, SSEMUX_IO_THREADS
# when set (else one I/O thread per core). $1: its log; the rest: its arguments. The launcher execs
# java, so $! is the server's pid.
launch_ssemux() {
  local logfile=$1; shift
  env SSEMUX_LOG_LEVEL=WARN JAVA_HOME="$BENCH_JAVA_HOME" SSEMUX_JAR="$SERVER_JAR" JAVA_OPTS="$SSEMUX_JVM_FLAGS" \
      ${SSEMUX_IO_THREADS:+SSEMUX_IO_THREADS=$SSEMUX_IO_THREADS} \
      "$REPO_DIR/ssemux-server/src/main/dist/bin/ssemux" "$@" >"$logfile" 2>&1 &
}

# Starts ssemux as scripts/run does: the shaded jar through bin/ssemux with its JVM settings, plus
# the arguments; SOAK_JVM_FLAGS (default none) are its JAVA_OPTS. Sets SERVER_PID. Refuses a port something already answers on.
start_ssemux_as_run() {
  local port=$1; shift
  if curl -s -o /dev/null -m 1 "http://127.0.0.1:$port/healthz"; then
    log "something already answers on port $port: set SOAK_PORT to a free one"; exit 1
  fi
  # The launcher execs java, so its pid is the server's.
  JAVA_HOME=$BENCH_JAVA_HOME SSEMUX_JAR=$SERVER_JAR JAVA_OPTS="${SOAK_JVM_FLAGS:-}" \
      "$REPO_DIR/ssemux-server/src/main/dist/bin/ssemux" --port "$port" "$@" >"$RUN_DIR/ssemux.log" 2>&1 &
  SERVER_PID=$!
  SERVER_PIDS+=("$SERVER_PID")
  wait_http "http://127.0.0.1:$port/healthz" 30
  log "ssemux pid $SERVER_PID ($("$BENCH_JAVA_HOME/bin/java" -version 2>&1 | head -1)) through bin/ssemux," \
      "JAVA_OPTS: ${SOAK_JVM_FLAGS:-(none)} args: $*"
}

# Starts one of the Spring apps of ssemux-bench-spring.jar ($1: mvc, webflux or sink) on port $2,
# as a Spring user runs an app: java -jar with the JVM's own defaults. SPRING_JVM=launcher starts it
# through ssemux's launcher instead, with the very JVM settings (and MALLOC_ARENA_MAX=2) that
# scripts/run gives the standalone server. More arguments go to the app. Sets SERVER_PID.
start_spring_app() {
  local app=$1 port=$2; shift 2
  if curl -s -o /dev/null -m 1 "http://127.0.0.1:$port/"; then
    log "something already answers on port $port: set SSEMUX_PORT to a free one"; exit 1
  fi
  if [[ ${SPRING_JVM:-default} == launcher ]]; then
    JAVA_HOME=$BENCH_JAVA_HOME SSEMUX_JAR=$SPRING_JAR JAVA_OPTS="${SOAK_JVM_FLAGS:-}" \
        "$REPO_DIR/ssemux-server/src/main/dist/bin/ssemux" "$app" "--server.port=$port" "$@" \
        >"$RUN_DIR/spring-$app.log" 2>&1 &
  else
    "$BENCH_JAVA_HOME/bin/java" -jar "$SPRING_JAR" "$app" "--server.port=$port" "$@" >"$RUN_DIR/spring-$app.log" 2>&1 &
  fi
  SERVER_PID=$!
  SERVER_PIDS+=("$SERVER_PID")
  wait_http "http://127.0.0.1:$port/" 60 # any answer, a 404 too: the app is up
  log "spring $app pid $SERVER_PID, JVM: ${SPRING_JVM:-default} ($(jvm_flags "$SERVER_PID")) args: $*"
}

# The JVM options a running java process was started with (what comes before -jar).
jvm_flags() {
  tr '\0' '\n' <"/proc/$1/cmdline" | sed -n '2,$p' | sed '/^-jar$/,$d' | paste -sd' '
}

# Installs Debian's python3-matplotlib when it is missing (the charts need it).
need_matplotlib() {
  if ! /usr/bin/python3 -c 'import matplotlib' 2>/dev/null; then
    log "installing python3-matplotlib"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends python3-matplotlib >&2
  fi
}

# Installs Debian's Nchan module when it is missing, starts nginx (1 worker) on $NCHAN_PORT with
# bench/nchan/nginx.conf.template under a temp dir; sets SERVER_PID to the worker's pid.
start_nchan() {
  if [[ ! -f /usr/lib/nginx/modules/ngx_nchan_module.so ]]; then
    log "installing libnginx-mod-nchan"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends libnginx-mod-nchan >&2
  fi
  local dir="$RUN_DIR/nginx"
  mkdir -p "$dir"
  sed -e "s|@PORT@|$NCHAN_PORT|g; s|@DIR@|$dir|g" "$BENCH_DIR/nchan/nginx.conf.template" >"$dir/nginx.conf"
  nginx -c "$dir/nginx.conf" -p "$dir" >"$dir/stdout.log" 2>&1 &
  local master=$!
  SERVER_PIDS+=("$master")
  wait_http "http://127.0.0.1:$NCHAN_PORT/sub/ping" 30 || true
  SERVER_PID=$(pgrep -P "$master" | head -1)
  log "nginx $(nginx -v 2>&1 | cut -d/ -f2) master $master, worker pid $SERVER_PID"
}

stop_servers() {
  local pid
  for pid in "${SERVER_PIDS[@]}"; do
    kill "$pid" 2>/dev/null || true
  done
  for pid in "${SERVER_PIDS[@]}"; do
    timeout 10 tail --pid="$pid" -f /dev/null 2>/dev/null || kill -9 "$pid" 2>/dev/null || true
  done
  SERVER_PIDS=()
}

# The bytes of a class histogram (jcmd GC.class_histogram, taken after a full GC), without the
# filler arrays that JDK 21+ lists for the unused ends of allocation buffers (not live objects).
live_bytes() {
  awk '/^ *[0-9]+:/ && !/FillerElement/ { s += $3 } END { print s }' "$1"
}

# Runs the load generator: label, target (ssemux|nchan), then generator options. Writes $RUN_DIR/<label>.json.
load() {
  local label=$1 target=$2; shift 2
  wait_quiet "${QUIET_WAIT:-120}"
  java -XX:+UseSerialGC -Xmx512m -jar "$BENCH_JAR" load --label "$label" --target "$target" \
      --server-pid "$SERVER_PID" --out "$RUN_DIR/$label.json" "$@" | tail -1 >>"$RUN_DIR/rows.md" \
      || log "$label: NOT CLEAN (a stream failed, or an event was lost or duplicated): see $label.json"
}

# Starts Debian's redis-server (installed when missing) on a free port with a temp dir, AOF on and
# fsync every second; sets REDIS_PORT and REDIS_PID (stopped with the servers at exit).
start_redis() {
  if [[ ! -x /usr/bin/redis-server ]]; then
    log "installing redis-server"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends redis-server >&2
  fi
  REDIS_PORT=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  mkdir -p "$RUN_DIR/redis"
  /usr/bin/redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --dir "$RUN_DIR/redis" --appendonly yes \
      --appendfsync everysec --save "" --maxmemory-policy noeviction >"$RUN_DIR/redis.log" 2>&1 &
  REDIS_PID=$!
  REDIS_PIDS+=("$REDIS_PID")
  for _ in $(seq 1 100); do redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1 && break; sleep 0.1; done
  log "redis pid $REDIS_PID on port $REDIS_PORT ($(/usr/bin/redis-server --version | cut -d' ' -f3))"
}
REDIS_PIDS=()
stop_redis() {
  for pid in "${REDIS_PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  REDIS_PIDS=()
}

# "<cpu ticks of redis> <commands redis has run>"
redis_usage() {
  local ticks calls
  ticks=$(awk '{ print $14 + $15 }' "/proc/$REDIS_PID/stat")
  calls=$(redis-cli -p "$REDIS_PORT" info commandstats | awk -F'[=,:]' '/^cmdstat_/ { n += $3 } END { print n + 0 }')
  echo "$ticks $calls"
}

# Writes $RESULTS_DIR/redis-<label>.json: Redis's CPU seconds and commands per published event.
redis_report() {
  local label=$1 before=$2 after=$3
  /usr/bin/python3 - "$RESULTS_DIR/$label.json" "$before" "$after" "$(getconf CLK_TCK)" "$RESULTS_DIR/redis-$label.json" <<'PY'
import json, sys
run = json.load(open(sys.argv[1]))
t0, c0 = map(int, sys.argv[2].split()); t1, c1 = map(int, sys.argv[3].split()); hz = int(sys.argv[4])
published = run["published"]
cpu = (t1 - t0) / hz
out = {"label": run["label"], "published": published, "redisCpuSeconds": cpu,
       "redisCpuMicrosPerEvent": round(cpu * 1e6 / published, 1) if published else None,
       "redisCommands": c1 - c0, "redisCommandsPerEvent": round((c1 - c0) / published, 2) if published else None}
json.dump(out, open(sys.argv[5], "w"), indent=2)
print(json.dumps(out))
PY
}

# One Redis primary's ceiling for ssemux's append (the Lua script, 128-byte events, history trimmed
# to 10,000 events): redis-benchmark, 50 clients, pipelines of 16, 200,000 appends; and Redis's CPU.
redis_ceiling() {
  local sha data before after
  sha=$(redis-cli -p "$REDIS_PORT" script load "$(cat "$REPO_DIR/ssemux-redis/src/main/resources/io/ssemux/redis/trim.lua" \
      "$REPO_DIR/ssemux-redis/src/main/resources/io/ssemux/redis/append.lua")")
  data=$(printf '{"n":%0120d}' 0)
  before=$(awk '{ print $14 + $15 }' "/proc/$REDIS_PID/stat")
  redis-benchmark -p "$REDIS_PORT" -n 200000 -c 50 -P 16 -q \
      evalsha "$sha" 2 "ceiling:{0}:events" "ceiling:{0}:meta" bench tick "$data" 10000 33554432 300000 \
      | tr '\r' '\n' | grep -v '^$' | tail -1 | tee "$RUN_DIR/redis-ceiling.txt"
  after=$(awk '{ print $14 + $15 }' "/proc/$REDIS_PID/stat")
  /usr/bin/python3 - "$RUN_DIR/redis-ceiling.txt" "$before" "$after" "$(getconf CLK_TCK)" "$RESULTS_DIR/redis-ceiling.json" <<'PY'
import json, re, sys
text = open(sys.argv[1]).read()
m = re.search(r"([0-9.]+) requests per second", text)
cpu = (int(sys.argv[3]) - int(sys.argv[2])) / int(sys.argv[4])
out = {"appendsPerSecond": float(m.group(1)) if m else None, "appends": 200000,
       "redisCpuMicrosPerAppend": round(cpu * 1e6 / 200000, 1), "raw": text.strip()}
json.dump(out, open(sys.argv[5], "w"), indent=2)
print(json.dumps(out))
PY
}
