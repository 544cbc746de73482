#!/usr/bin/env bash
# UDP relay benchmark (not a test): request/response datagrams per second through Geodesic's UDP
# relay and nginx's plain UDP stream proxy (no SNI: nginx cannot route QUIC by SNI), and QUIC
# handshakes per second (ngtcp2 gtlsclient, one per process) through Geodesic vs direct.
#   bench/relay/udp.sh [--seconds 5]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
SECS=5; [ "${1:-}" = --seconds ] && SECS="$2"
WORK="${RELAYBENCH_WORK:-/tmp/relaybench}/geodesic-udp"; mkdir -p "$WORK/www"
B=15301 G=18551 N=18552 Q=18553 QS=15302
(cd "$ROOT" && npx tsc -p bench/relay/tsconfig.json)
cat > "$WORK/relay.yaml" <<YAML
relay:
  listeners:
    - { name: udp, protocol: udp, listen: "127.0.0.1:$G", default: echo }
    - { name: quic, protocol: udp, listen: "127.0.0.1:$Q", routes: [{ sni: localhost, pool: quic }] }
  pools:
    echo: { servers: ["127.0.0.1:$B"] }
    quic: { servers: ["127.0.0.1:$QS"] }
YAML
taskset -c 0 node "$ROOT/bench/relay/.build/bench/relay/relay-main.js" relay --config "$WORK/relay.yaml" --no-access-log --log-level warn >"$WORK/relay.log" 2>&1 & GP=$!
sleep 1; kill -0 $GP 2>/dev/null || { echo "relay did not start:" >&2; cat "$WORK/relay.log" >&2; exit 1; }
cat > "$WORK/nginx.conf" <<NGX
load_module /usr/lib/nginx/modules/ngx_stream_module.so;
worker_processes 1; pid $WORK/nginx.pid; error_log $WORK/nginx-error.log warn;
events { worker_connections 4096; }
stream { server { listen 127.0.0.1:$N udp; proxy_pass 127.0.0.1:$B; proxy_responses 1; proxy_timeout 10s; } }
NGX
taskset -c 0 nginx -p "$WORK" -c "$WORK/nginx.conf"; sleep 1; NP=$(cat "$WORK/nginx.pid")
cleanup() { for p in ${GP:-} ${NP:-} ${SP:-}; do kill "$p" 2>/dev/null || true; done; }
trap cleanup EXIT
echo "geodesic: $(taskset -c 1 node "$ROOT/bench/relay/udp-pps.mjs" --port $G --pid $GP --backend-port $B --seconds "$SECS")"
echo "nginx:    $(taskset -c 1 node "$ROOT/bench/relay/udp-pps.mjs" --port $N --pid $(pgrep -P "$NP" | head -1) --backend-port $B --seconds "$SECS")"
if command -v gtlsserver >/dev/null; then
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 -subj /CN=localhost \
    -keyout "$WORK/k.pem" -out "$WORK/c.pem" 2>/dev/null
  echo hi > "$WORK/www/index.html"
  taskset -c 1 gtlsserver -q -d "$WORK/www" 127.0.0.1 $QS "$WORK/k.pem" "$WORK/c.pem" >/dev/null 2>&1 & SP=$!
  sleep 0.5
  for target in "geodesic $Q" "direct $QS"; do
    set -- $target; n=0; t0=$(date +%s.%N); end=$(( $(date +%s) + SECS ))
    while [ "$(date +%s)" -lt $end ]; do
      taskset -c 1 timeout 5 gtlsclient -q --exit-on-first-stream-close --timeout=2s localhost "$2" https://localhost/index.html >/dev/null 2>&1 && n=$((n + 1))
    done
    echo "quic $1: $(echo "$n / ($(date +%s.%N) - $t0)" | bc -l | xargs printf '%.1f') handshakes+GET/s (sequential, one gtlsclient process each)"
  done
fi
