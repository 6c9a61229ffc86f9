#!/usr/bin/env bash
# Reproduces a figure of docs/BENCHMARKS.md with one command: builds, starts the server(s) on
# loopback, runs the load generator, stops the server(s), writes the results.
#
#   bench/run.sh idle      [ssemux|nchan|both]  19,000 idle streams: RSS (and, for ssemux, heap) per stream
#   bench/run.sh fanout1k  [ssemux|nchan|both]  1,000 streams x 100 events/s: deliveries per CPU-second, latency
#   bench/run.sh fanout10k [ssemux|nchan|both]  10,000 streams x 10 events/s
#   bench/run.sh sweep     [ssemux|nchan|both]  1k, 5k, 10k, 19k streams at 100k deliveries/s (the chart)
#   bench/run.sh jdk25                          idle, fanout1k, fanout10k for ssemux on JDK 25 with compact headers
#   bench/run.sh window                         fanout1k (50 ms) and fanout10k (250 ms) for ssemux with a flush window
#   bench/run.sh stats                          2,000 streams of 1,600 users (32 channels of their own each) x
#                                               20 events/s, without and with 4 clients reading /api/sse/stats
#                                               back to back (STATS_QUERY; STATS_INTERVAL_MILLIS paces them)
#   bench/run.sh all                            every scenario for both (and jdk25), then the table and the chart
#   bench/run.sh redis                          fanout1k in memory and in cluster mode on a Redis of its own, in
#                                               turn (REPEAT runs): latency, server CPU, Redis CPU and commands per
#                                               event; then one Redis primary's ceiling for the append script
#   bench/run.sh drain                          2,000 streams on node A, SIGTERM to A, every client reconnects to
#                                               node B: B's connects per 100 ms with the 10 s drain and without
#   bench/run.sh http2                          HTTP/1.1 against HTTP/2 (h2c): 19,000 idle streams (memory per
#                                               stream) and fanout1k (CPU per delivery, latency), in turn
#   bench/run.sh transport [ssemux|both]        fanout1k and fanout10k on epoll and on io_uring (and Nchan), in turn,
#                                               REPEAT runs; PROFILE=1 adds a run of each with perf attached: system
#                                               calls per delivery, CPU by binary, the kernel's heaviest paths
#   bench/run.sh storm     [ssemux|nchan|both]  19,000 streams connecting to one channel at the generator's full
#                                               speed: time to all connected, connect latency, REPEAT runs; ssemux
#                                               just started and warm
#   bench/run.sh streams100k                    100,000 streams for 10 minutes: 6 nodes on one port (SO_REUSEPORT)
#                                               on one Redis, one event to all every 10 s (not in CI; ~13 min)
#   bench/run.sh soak      [minutes]            ssemux as scripts/run starts it, under churn, publishes, slow
#                                               readers and bad requests for 30 minutes: memory, fds over time
#   bench/run.sh spring                         the Spring starter on MVC (Tomcat) and on WebFlux (Reactor Netty)
#                                               against the standalone server and a plain WebFlux sink: 19,000 idle
#                                               streams (memory and heap per stream), then
#                                               fanout1k (CPU per delivery, latency), REPEAT rounds, in turn
#
# Results: JSON per run, rows.md and, after 'all' or 'report', table.md and chart.png in
# $RESULTS_DIR (default docs/bench). ssemux runs as scripts/run starts it (bin/ssemux and its JVM
# settings). Env: BENCH_JAVA_HOME (server JDK), SSEMUX_JVM_FLAGS (JAVA_OPTS added to the launcher's),
# SSEMUX_IO_THREADS (default: one per core), QUIET_LOAD (default 0.7) and QUIET_WAIT (seconds to wait for it,
# default 120), REPEAT (runs of fanout1k/fanout10k/stats, default 3), BENCH_SKIP_BUILD=1, SERVER_JAR
# (the ssemux build to measure, default this tree's), LABEL_SUFFIX (appended to every run's name);
# for soak: SOAK_PORT (default 18180), SOAK_TIMEOUT (the server's header/body/keep-alive timeouts,
# default 5 s), SOAK_JVM_FLAGS (JAVA_OPTS added to the launcher's, default none, as scripts/run), SOAK_ARGS (more options of
# 'ssemux-bench.jar soak'); for spring: SPRING_SERVERS (default "standalone mvc webflux sink"), SPRING_JVM
# (default: the Spring apps run with the JVM's defaults; 'launcher': with the launcher's settings).
set -euo pipefail
source "$(dirname "$0")/lib.sh"

scenario="${1:-}"
servers="${2:-both}"
RESULTS_DIR="${RESULTS_DIR:-$REPO_DIR/docs/bench}"
RUN_DIR="$(mktemp -d /tmp/ssemux-bench.XXXXXX)"
mkdir -p "$RESULTS_DIR"
trap 'stop_servers; stop_redis' EXIT
log "logs in $RUN_DIR, results in $RESULTS_DIR"

# One run on a fresh server: label, target, then generator options.
one() {
  local label=$1${LABEL_SUFFIX:-} target=$2; shift 2
  if [[ $target == ssemux ]]; then
    # shellcheck disable=SC2086 # START_SERVER is a command and its arguments
    ${START_SERVER:-start_ssemux}
    local base flags
    flags=$(jvm_flags "$SERVER_PID")
    "$BENCH_JAVA_HOME/bin/jcmd" "$SERVER_PID" GC.class_histogram >"$RUN_DIR/$label.heap-base.txt"
    base=$(live_bytes "$RUN_DIR/$label.heap-base.txt")
    if [[ -n ${WARM_UP:-} ]]; then # the same load once before, unmeasured: a server whose JIT has compiled it
      load "$label-warmup" ssemux "$@" --port "$SSEMUX_PORT"
    fi
    load "$label" ssemux "$@" --port "$SSEMUX_PORT" \
        --on-idle "$BENCH_JAVA_HOME/bin/jcmd $SERVER_PID GC.class_histogram > $RUN_DIR/$label.heap-idle.txt $(profile_hook "$label")" \
        --on-end "$BENCH_JAVA_HOME/bin/jcmd $SERVER_PID GC.class_histogram > $RUN_DIR/$label.heap-end.txt"
  else
    start_nchan
    load "$label" nchan "$@" --port "$NCHAN_PORT" --on-idle "true $(profile_hook "$label")"
  fi
  stop_servers
  cp "$RUN_DIR/$label.json" "$RESULTS_DIR/"
  [[ -z ${PROFILE:-} ]] || profile_report "$label"
  if [[ $target == ssemux ]]; then
    # Live heap (after a full GC) before any stream, with every stream idle, and after they closed.
    local idle end
    idle=$(live_bytes "$RUN_DIR/$label.heap-idle.txt")
    end=$(live_bytes "$RUN_DIR/$label.heap-end.txt")
    printf '{"heapBase": %s, "heapIdle": %s, "heapEnd": %s, "jvm": "%s", "flags": "%s"}\n' "$base" "$idle" "$end" \
        "$("$BENCH_JAVA_HOME/bin/java" -version 2>&1 | head -1 | tr -d '"')" "$flags" >"$RESULTS_DIR/$label.heap.json"
    head -30 "$RUN_DIR/$label.heap-idle.txt" >"$RESULTS_DIR/$label.heap-idle.txt"
  fi
}

targets() {
  case "$servers" in
    both) echo ssemux nchan ;;
    ssemux|nchan) echo "$servers" ;;
    *) echo "servers: '$servers' (expected: ssemux, nchan or both)" >&2; exit 2 ;;
  esac
}

idle() {
  for t in $(targets); do
    one "idle19k-$t" "$t" -c 19000 --processes 2 --ramp 2000 --rate 2 --warmup-seconds 0 --duration-seconds 3 \
        --idle-seconds 5 --require-clean
  done
}

# Latency tails move with whatever else the two cores run: REPEAT runs (default 3), servers in turn;
# the report gives the median of each figure and the range of p99.
fanout1k() {
  for r in $(seq 1 "${REPEAT:-3}"); do
    for t in $(targets); do
      one "fanout1k-$t-r$r" "$t" -c 1000 --processes 2 --rate 100 --warmup-seconds 10 --duration-seconds 20 --require-clean
    done
  done
}

fanout10k() {
  for r in $(seq 1 "${REPEAT:-3}"); do
    for t in $(targets); do
      one "fanout10k-$t-r$r" "$t" -c 10000 --processes 2 --rate 10 --warmup-seconds 10 --duration-seconds 20 --require-clean
    done
  done
}

# Publish latency while dashboards poll the stats: the same run without pollers, then with 4, in
# turn, REPEAT times. STATS_QUERY (e.g. '?top=20') is the pollers' query string; each asks again
# STATS_INTERVAL_MILLIS after its last request started (default 0: back to back). STATS_POLLERS
# (default "0 4") chooses the variants.
stats() {
  local chosen=$servers
  servers=ssemux
  for r in $(seq 1 "${REPEAT:-3}"); do
    for pollers in ${STATS_POLLERS:-0 4}; do
      one "stats-p$pollers-r$r" ssemux -c 2000 --users 1600 --own-channels 32 --rate 20 --warmup-seconds 5 \
          --duration-seconds 15 --stats-pollers "$pollers" \
          --stats-query "${STATS_QUERY:-}" --stats-interval-millis "${STATS_INTERVAL_MILLIS:-0}" --stats-max-polls 100000 \
          --require-clean
    done
  done
  servers=$chosen
}

sweep() {
  for n in 1000 5000 10000 19000; do
    for t in $(targets); do
      one "sweep$((n / 1000))k-$t" "$t" -c "$n" --processes 2 --rate $((100000 / n)) --warmup-seconds 5 \
          --duration-seconds 15 --require-clean
    done
  done
}

# In memory against cluster mode on one node, same load, in turn; Redis's own CPU and commands per
# published event for each cluster run (redis-<label>.json); then redis-benchmark on the append script
# alone, which is how far one Redis primary goes (redis-ceiling.json). Redis: Debian's, AOF on with
# fsync every second, a temp dir, a free port.
redis() {
  local chosen=$servers args=${SSEMUX_ARGS:-}
  servers=ssemux
  start_redis
  for r in $(seq 1 "${REPEAT:-3}"); do
    SSEMUX_ARGS="$args" one "fanout1k-memory-r$r" ssemux -c 1000 --processes 2 --rate 100 --warmup-seconds 10 \
        --duration-seconds 20 --require-clean
    local before
    before=$(redis_usage)
    SSEMUX_ARGS="$args --redis redis://127.0.0.1:$REDIS_PORT --redis-key-prefix bench$r" \
        one "fanout1k-redis-r$r" ssemux -c 1000 --processes 2 --rate 100 --warmup-seconds 10 --duration-seconds 20 \
        --require-clean
    redis_report "fanout1k-redis-r$r" "$before" "$(redis_usage)"
  done
  redis2
  redis_ceiling
  SSEMUX_ARGS=$args servers=$chosen
}

# Two nodes on the same Redis and the same load as fanout1k: half the streams on each, publishes to
# the first; CPU per delivery of each node (redis2-<label>.json) and of both (the run's JSON).
redis2() {
  local port2=$((SSEMUX_PORT + 1)) r pid2 before after
  for r in $(seq 1 "${REPEAT:-3}"); do
    local label="fanout1k-redis2-r$r"
    SSEMUX_ARGS="${SSEMUX_ARGS:-} --redis redis://127.0.0.1:$REDIS_PORT --redis-key-prefix two$r" start_ssemux
    local pid1=$SERVER_PID
    launch_ssemux "$RUN_DIR/ssemux2.log" --port "$port2" --max-connections 19950 ${SSEMUX_ARGS:-} \
        --redis "redis://127.0.0.1:$REDIS_PORT" --redis-key-prefix "two$r"
    pid2=$!
    SERVER_PIDS+=("$pid2")
    wait_http "http://127.0.0.1:$port2/healthz" 30
    before="$(node_ticks "$pid1") $(node_ticks "$pid2") $(redis_usage)"
    SERVER_PID="$pid1" load "$label" ssemux -c 1000 --processes 2 --rate 100 --warmup-seconds 10 --duration-seconds 20 \
        --require-clean --port "$SSEMUX_PORT" --stream-ports "$SSEMUX_PORT,$port2" --server-pid "$pid2"
    after="$(node_ticks "$pid1") $(node_ticks "$pid2") $(redis_usage)"
    stop_servers
    cp "$RUN_DIR/$label.json" "$RESULTS_DIR/"
    /usr/bin/python3 - "$RESULTS_DIR/$label.json" "$before" "$after" "$(getconf CLK_TCK)" "$RESULTS_DIR/redis2-$label.json" <<'PY'
import json, sys
run = json.load(open(sys.argv[1]))
b = list(map(int, sys.argv[2].split())); a = list(map(int, sys.argv[3].split())); hz = int(sys.argv[4])
delivered, published = run["delivered"], run["published"]
node = [(a[i] - b[i]) / hz for i in (0, 1)]
out = {"label": run["label"], "published": published, "delivered": delivered,
       "nodeCpuSeconds": node, "nodeCpuMicrosPerDelivery": [round(c * 2e6 / delivered, 2) for c in node],
       "redisCpuSeconds": (a[2] - b[2]) / hz, "redisCommandsPerEvent": round((a[3] - b[3]) / published, 2)}
json.dump(out, open(sys.argv[5], "w"), indent=2)
print(json.dumps(out))
PY
  done
}

# A deploy's reconnect peak: 2,000 streams on node A, SIGTERM to A, each client reconnects to node B
# (bench/drain.py). "staggered": A drains over 10 s and clients wait the delay it gives each;
# "naive": A ends every stream at once (--drain-seconds 0) and clients wait the retry: of connected,
# as a bare EventSource does. REPEAT runs of each, in turn.
drain() {
  local port2=$((SSEMUX_PORT + 1)) r mode seconds args=${SSEMUX_ARGS:-}
  for r in $(seq 1 "${REPEAT:-3}"); do
    for mode in naive staggered; do
      seconds=$([[ $mode == staggered ]] && echo 10 || echo 0)
      SSEMUX_ARGS="$args --no-demo --drain-seconds $seconds" start_ssemux
      local a=$SERVER_PID
      launch_ssemux "$RUN_DIR/ssemux-b.log" --port "$port2" --max-connections 19950 --no-demo $args
      SERVER_PIDS+=("$!")
      wait_http "http://127.0.0.1:$port2/healthz" 30
      wait_quiet "${QUIET_WAIT:-120}"
      /usr/bin/python3 "$BENCH_DIR/drain.py" --streams 2000 --a "$SSEMUX_PORT" --b "$port2" --a-pid "$a" \
          --mode "$mode" --out "$RESULTS_DIR/drain-$mode-r$r.json" | tee -a "$RUN_DIR/rows.md"
      stop_servers
    done
  done
}

# HTTP/1.1 against HTTP/2 on the same server: idle streams (RSS per stream: 19,000 sockets, 20 h2c
# connections of 950 streams, 19,000 h2c connections of one stream) and fanout1k (CPU per delivery:
# HTTP/1.1, one h2c connection per stream, 1,000 streams over 2 h2c connections), REPEAT runs of
# fanout1k each, in turn.
http2() {
  local chosen=$servers
  servers=ssemux
  one "idle19k-h1" ssemux -c 19000 --processes 2 --ramp 2000 --rate 2 --warmup-seconds 0 --duration-seconds 3 \
      --idle-seconds 5 --require-clean
  one "idle19k-h2" ssemux -c 19000 --processes 2 --ramp 2000 --rate 2 --warmup-seconds 0 --duration-seconds 3 \
      --idle-seconds 5 --require-clean --http2-connections 10
  one "idle19k-h2each" ssemux -c 19000 --processes 2 --ramp 2000 --rate 2 --warmup-seconds 0 --duration-seconds 3 \
      --idle-seconds 5 --require-clean --http2-connections 9500
  for r in $(seq 1 "${REPEAT:-3}"); do
    one "fanout1k-h1-r$r" ssemux -c 1000 --processes 2 --rate 100 --warmup-seconds 10 --duration-seconds 20 --require-clean
    # One HTTP/2 connection per stream (a browser each), then 1,000 streams over two connections.
    one "fanout1k-h2each-r$r" ssemux -c 1000 --processes 2 --rate 100 --warmup-seconds 10 --duration-seconds 20 \
        --require-clean --http2-connections 500
    one "fanout1k-h2-r$r" ssemux -c 1000 --processes 2 --rate 100 --warmup-seconds 10 --duration-seconds 20 --require-clean \
        --http2-connections 1
  done
  servers=$chosen
}

# Socket layers against each other and against Nchan, in turn, REPEAT runs of fanout1k and fanout10k
# each (KINDS, default "fanout1k fanout10k"): epoll (the default) and io_uring (TRANSPORTS, default
# "epoll io_uring"). Then, with PROFILE=1,
# one run more of each with perf attached for 10 s of the measured phase (slower: not for the table):
# system calls per delivery and where the CPU goes (<label>.profile.txt).
transport() {
  local chosen=$servers args=${SSEMUX_ARGS:-} r t x
  local kind
  for kind in ${KINDS:-fanout1k fanout10k}; do
    local n=1000 rate=100
    [[ $kind == fanout10k ]] && n=10000 rate=10
    for r in $(seq 1 "${REPEAT:-3}") ${PROFILE:+profiled}; do
      local profile=
      [[ $r == profiled ]] && profile=1
      for x in ${TRANSPORTS:-epoll io_uring} nchan; do
        if [[ $x == nchan ]]; then
          [[ $servers == ssemux ]] && continue
          PROFILE=$profile one "$kind-transport-nchan-${profile:+profiled}${profile:-r$r}" nchan -c $n --processes 2 --rate $rate --warmup-seconds 10 \
              --duration-seconds 20 --require-clean
        else
          PROFILE=$profile SSEMUX_ARGS="$args --transport $x" one "$kind-transport-$x-${profile:+profiled}${profile:-r$r}" ssemux -c $n --processes 2 \
              --rate $rate --warmup-seconds 10 --duration-seconds 20 --require-clean
        fi
      done
    done
  done
  SSEMUX_ARGS=$args servers=$chosen
}

# With PROFILE set: the --on-idle addition that, 12 s later (2 s into fanout's measured phase),
# counts the server's system calls and samples its stacks for 10 s, in the background.
profile_hook() {
  [[ -n ${PROFILE:-} ]] || return 0
  need_perf
  printf '; (sleep 12; perf stat -e raw_syscalls:sys_enter,context-switches -x, -o %s -p %s -- sleep 10 & perf record -F 999 -g -o %s -p %s -- sleep 10; wait) >/dev/null 2>&1 &' \
      "$RUN_DIR/$1.perfstat" "$SERVER_PID" "$RUN_DIR/$1.perf.data" "$SERVER_PID"
}

# <label>.profile.txt: system calls and context switches per delivery over the 10 s profiled (the
# deliveries due in that time at the run's rate), the CPU by binary (kernel, JIT-compiled Java,
# the JVM, libc) and by thread (I/O threads, JIT compilers, the collector), and the heaviest call
# paths.
profile_report() {
  local label=$1 out="$RESULTS_DIR/$1.profile.txt"
  if [[ ! -s "$RUN_DIR/$label.perfstat" || ! -s "$RUN_DIR/$label.perf.data" ]]; then
    log "$label: no profile (perf did not run: see $RUN_DIR)"; return 0
  fi
  /usr/bin/python3 - "$RESULTS_DIR/$label.json" "$RUN_DIR/$label.perfstat" >"$out" <<'PY'
import json, sys
run = json.load(open(sys.argv[1]))
due = run["rate"] * run["connected"] * 10
counts = {}
for line in open(sys.argv[2]):
    f = line.strip().split(",")
    if len(f) > 2 and f[0].isdigit():
        counts[f[2]] = int(f[0])
print(f"{run['label']}: {run['connected']} streams x {run['rate']:g} events/s; 10 s profiled, {due:,.0f} deliveries due")
for name, n in counts.items():
    print(f"{name}: {n:,} ({n / due:.2f} per delivery)")
PY
  {
    echo; echo "# CPU by binary (perf record -g, 999 Hz, 10 s)"
    perf report -i "$RUN_DIR/$label.perf.data" --no-children --sort dso --stdio -g none 2>/dev/null | grep '%' | head -6 || true
    echo; echo "# CPU by thread"
    perf report -i "$RUN_DIR/$label.perf.data" --no-children --sort comm --stdio -g none 2>/dev/null | grep '%' | head -6 || true
    echo; echo "# heaviest paths, with callees (kernel and user)"
    perf report -i "$RUN_DIR/$label.perf.data" --children --sort symbol --stdio -g none 2>/dev/null | grep '%' \
        | sed 's/ *- *- *$//' | head -40 || true
  } >>"$out"
  head -3 "$out" >&2
}

# Installs Debian's perf when it is missing (profiled runs need it).
need_perf() {
  if ! command -v perf >/dev/null; then
    log "installing linux-perf"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends linux-perf >&2
  fi
}

# A connect storm: 19,000 streams to one channel at the generator's full speed (no ramp, 1,000
# connects in flight per process, 2 processes; both servers' listen backlog is 4,096), then a few
# events to all: time until every stream is open, connect latency (TCP connect to response headers);
# REPEAT runs, servers in turn. ssemux twice: just started (a deploy's new process: the JIT has
# compiled nothing yet) and warm (the same storm once before, unmeasured).
storm() {
  local args=(-c 19000 --processes 2 --ramp 1000000 --max-pending 1000 --rate 1 --warmup-seconds 0
      --duration-seconds 3 --idle-seconds 1 --require-clean)
  for r in $(seq 1 "${REPEAT:-3}"); do
    for t in $(targets); do
      one "storm19k-$t-r$r" "$t" "${args[@]}"
      if [[ $t == ssemux ]]; then
        WARM_UP=1 one "storm19k-ssemux-warm-r$r" ssemux "${args[@]}"
      fi
    done
  done
}

# 100,000 streams on this machine, beyond one process's 20,000 open files: NODES ssemux processes
# (default 6) on one port with SO_REUSEPORT, in cluster mode on a Redis of their own, and the
# generator's 6 processes over 8 source addresses. Every stream on one channel; one event every
# EVENT_SECONDS (default 10) to all of them, each a burst of 100,000 deliveries, for HOLD_SECONDS
# (default 600). RSS and CPU are summed over the nodes (streams100k.json), Redis's apart
# (redis-streams100k.json), each node's share of the streams in streams100k-nodes.json. Not in CI:
# about 13 minutes.
streams100k() {
  local nodes=${NODES:-6} hold=${HOLD_SECONDS:-600} every=${EVENT_SECONDS:-10} i pids=() label=streams100k
  start_redis
  for i in $(seq 1 "$nodes"); do
    launch_ssemux "$RUN_DIR/node$i.log" --port "$SSEMUX_PORT" --reuse-port --no-demo --max-connections 19950 \
        --redis "redis://127.0.0.1:$REDIS_PORT" --redis-key-prefix big ${SSEMUX_ARGS:-}
    pids+=("$!")
    SERVER_PIDS+=("$!")
  done
  for i in "${pids[@]}"; do # every node listening (a request to the shared port reaches any one of them)
    for _ in $(seq 1 300); do ss -Hltnp "sport = :$SSEMUX_PORT" | grep -q "pid=$i," && break; sleep 0.1; done
    ss -Hltnp "sport = :$SSEMUX_PORT" | grep -q "pid=$i," || { log "node pid $i is not listening: see $RUN_DIR"; exit 1; }
  done
  log "$nodes nodes on port $SSEMUX_PORT (SO_REUSEPORT), pids ${pids[*]}"
  SERVER_PID=$(IFS=,; echo "${pids[*]}")
  local before
  before=$(redis_usage)
  load "$label" ssemux -c 100000 --processes 6 --source-addresses 8 --ramp 2000 --rate "$(awk -v s="$every" 'BEGIN { print 1 / s }')" \
      --warmup-seconds 0 --duration-seconds "$hold" --idle-seconds 5 --connect-seconds 300 --drain-seconds 30 \
      --port "$SSEMUX_PORT" --require-clean --on-idle "$BENCH_DIR/node-shares.sh $RUN_DIR/$label-nodes.json ${pids[*]}"
  local after
  after=$(redis_usage)
  stop_servers
  cp "$RUN_DIR/$label.json" "$RUN_DIR/$label-nodes.json" "$RESULTS_DIR/"
  redis_report "$label" "$before" "$after"
}

# Cumulative CPU ticks (user + system) of a process.
node_ticks() {
  awk '{ print $14 + $15 }' "/proc/$1/stat"
}

report() {
  need_matplotlib
  /usr/bin/python3 "$BENCH_DIR/report.py" "$RESULTS_DIR"
}

# The server as scripts/run starts it (no JVM flags, no demo), with short HTTP timeouts, under a
# mixed and hostile load for $1 minutes; samples of its memory, descriptors and streams every 10 s.
soak() {
  local minutes=${1:-30} port=${SOAK_PORT:-18180} timeout=${SOAK_TIMEOUT:-5}
  if [[ ! $minutes =~ ^[0-9]+([.][0-9]+)?$ ]]; then
    echo "minutes: '$minutes' (expected: a number, default 30)" >&2; exit 2
  fi
  need_matplotlib
  start_ssemux_as_run "$port" --no-demo --header-timeout-seconds "$timeout" --body-timeout-seconds "$timeout" \
      --keep-alive-timeout-seconds "$timeout"
  # shellcheck disable=SC2086 # SOAK_ARGS is a list of options
  java -XX:+UseSerialGC -Xmx256m -jar "$BENCH_JAR" soak --port "$port" --server-pid "$SERVER_PID" \
      --duration-seconds "$(awk -v m="$minutes" 'BEGIN { print m * 60 }')" --timeout-seconds "$timeout" \
      --jdk-bin "$BENCH_JAVA_HOME/bin" --server-log "$RUN_DIR/ssemux.log" --histogram-dir "$RUN_DIR" \
      --out "$RUN_DIR/soak.json" ${SOAK_ARGS:-} | tee "$RUN_DIR/soak-summary.json" \
      || log "soak: a 5xx or an unexpected outcome: see 'problems' in soak.json"
  stop_servers
  cp "$RUN_DIR/soak.json" "$RESULTS_DIR/soak.json"
  local when
  for when in warm end; do
    if [[ -f "$RUN_DIR/soak-histogram-$when.txt" ]]; then
      sed -n '2,31p' "$RUN_DIR/soak-histogram-$when.txt" >"$RESULTS_DIR/soak-histogram-$when.txt" # without "<pid>:"
    fi
  done
  /usr/bin/python3 "$BENCH_DIR/soak.py" "$RESULTS_DIR/soak.json" "$RESULTS_DIR/soak.png"
}

# The Spring starter on MVC and on WebFlux against the standalone server and a plain WebFlux sink
# (ssemux-bench-spring.jar): the standalone server as scripts/run starts it (the launcher's JVM
# settings), the Spring apps as a Spring user starts one (java -jar, the JVM's defaults; SPRING_JVM).
# 19,000 idle streams on each, then REPEAT rounds of fanout1k, the servers in turn. The generator
# drives all four the same way (ssemux's paths).
spring() {
  local chosen=$servers s r
  servers=ssemux
  for s in ${SPRING_SERVERS:-standalone mvc webflux sink}; do
    spring_start "$s" >/dev/null # refuses an unknown name before anything runs
  done
  for s in ${SPRING_SERVERS:-standalone mvc webflux sink}; do
    START_SERVER=$(spring_start "$s") one "idle19k-spring-$s" ssemux -c 19000 --processes 2 --ramp 2000 --rate 2 \
        --warmup-seconds 0 --duration-seconds 3 --idle-seconds 5 --require-clean
  done
  for r in $(seq 1 "${REPEAT:-3}"); do
    for s in ${SPRING_SERVERS:-standalone mvc webflux sink}; do
      START_SERVER=$(spring_start "$s") one "fanout1k-spring-$s-r$r" ssemux -c 1000 --processes 2 --rate 100 \
          --warmup-seconds 10 --duration-seconds 20 --require-clean
    done
  done
  servers=$chosen
}

# The command that starts server $1 of the spring scenario on $SSEMUX_PORT.
spring_start() {
  case $1 in
    standalone) echo "start_standalone" ;;
    mvc|webflux|sink) echo "start_spring_app $1 $SSEMUX_PORT" ;;
    *) echo "SPRING_SERVERS: '$1' (expected: standalone, mvc, webflux or sink)" >&2; exit 2 ;;
  esac
}

# The standalone server as scripts/run starts it, without the demo, with room for 19,000 streams.
start_standalone() {
  SSEMUX_LOG_LEVEL=WARN start_ssemux_as_run "$SSEMUX_PORT" --no-demo --max-connections 19950
}

jdk25() {
  local home=$BENCH_JAVA_HOME flags=$SSEMUX_JVM_FLAGS chosen=$servers
  BENCH_JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64
  SSEMUX_JVM_FLAGS="$SSEMUX_JVM_FLAGS -XX:+UseCompactObjectHeaders"
  LABEL_SUFFIX=-jdk25
  servers=ssemux
  idle; REPEAT=1 fanout1k; REPEAT=1 fanout10k
  BENCH_JAVA_HOME=$home SSEMUX_JVM_FLAGS=$flags LABEL_SUFFIX= servers=$chosen
}

window() {
  local chosen=$servers
  servers=ssemux LABEL_SUFFIX=-window
  SSEMUX_ARGS="--flush-window-millis 50" REPEAT=1 fanout1k
  SSEMUX_ARGS="--flush-window-millis 250" REPEAT=1 fanout10k
  SSEMUX_ARGS= LABEL_SUFFIX= servers=$chosen
}

build
case "$scenario" in
  idle|fanout1k|fanout10k|sweep|jdk25|window|stats|redis|drain|http2|spring|transport|storm|streams100k) "$scenario" ;;
  soak) soak "${2:-30}" ;;
  all) servers=both; idle; fanout1k; fanout10k; sweep; jdk25; window; report ;;
  report) report ;;
  *) sed -n '2,46p' "$0" >&2; exit 2 ;;
esac
cat "$RUN_DIR/rows.md" 2>/dev/null || true
