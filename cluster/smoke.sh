#!/usr/bin/env bash
# The local cluster from a clean clone, as a newcomer runs it: scripts/cluster on free ports, then a
# stream through nginx receives events published on each node, and the demo page is served.
# Part of scripts/test.
set -euo pipefail
cd "$(dirname "$0")/.."
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
export CLUSTER_PORT=$(free_port) REDIS_PORT=$(free_port) NODE_PORTS="$(free_port) $(free_port)"
export CLUSTER_DIR=$(mktemp -d /tmp/ssemux-cluster-smoke.XXXXXX) CLUSTER_SKIP_BUILD=1
read -r -a nodes <<<"$NODE_PORTS"

scripts/cluster >"$CLUSTER_DIR/cluster.out" 2>&1 &
cluster=$!
trap 'kill $cluster 2>/dev/null; wait $cluster 2>/dev/null; rm -rf "$CLUSTER_DIR"' EXIT
for _ in $(seq 1 600); do
  grep -q "^ssemux cluster:" "$CLUSTER_DIR/cluster.out" 2>/dev/null && break
  kill -0 $cluster 2>/dev/null || { cat "$CLUSTER_DIR/cluster.out" >&2; exit 1; }
  sleep 0.1
done

curl -sfN -m 8 "http://127.0.0.1:$CLUSTER_PORT/api/sse/stream?channels=jobs&user=smoke" >"$CLUSTER_DIR/stream.txt" &
stream=$!
for _ in $(seq 1 100); do grep -q "event: connected" "$CLUSTER_DIR/stream.txt" 2>/dev/null && break; sleep 0.1; done
for node in "${nodes[@]}"; do
  curl -sf -H 'Content-Type: application/json' -d "{\"channel\":\"jobs\",\"type\":\"job_completed\",\"data\":{\"from\":$node}}" \
      "http://127.0.0.1:$node/api/sse/publish?user=publisher" >/dev/null
done
for _ in $(seq 1 100); do [ "$(grep -c '^event: job_completed' "$CLUSTER_DIR/stream.txt")" -ge 2 ] && break; sleep 0.1; done
kill $stream 2>/dev/null || true

fail=0
for node in "${nodes[@]}"; do
  grep -q "^data: {\"from\":$node}" "$CLUSTER_DIR/stream.txt" || { echo "not ok - the event published on node $node did not arrive through nginx" >&2; fail=1; }
done
curl -sf "http://127.0.0.1:$CLUSTER_PORT/" | grep -qi "<html" || { echo "not ok - the demo page is not served through nginx" >&2; fail=1; }
[ $fail -eq 0 ] && echo "ok - scripts/cluster: a stream through nginx gets the events of both nodes; the demo page is served"
exit $fail
