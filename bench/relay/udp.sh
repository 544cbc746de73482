#!/usr/bin/env bash
# UDP relay benchmark (not a test): request/response datagrams per second through Geodesic's UDP
# relay and nginx's plain UDP stream proxy (no SNI: nginx cannot route QUIC by SNI), and QUIC
# handshakes per second (ngtcp2 gtlsclient, one per process) through Geodesic vs direct.
# The two relays are measured in alternating rounds (order swapped each round, so load from other
# processes on the machine hits both alike), then the medians of each are printed.
#   bench/relay/udp.sh [--seconds 5] [--rounds 3]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
SECS=5 ROUNDS=3
while [ $# -gt 0 ]; do
  case "$1" in
    --seconds) SECS="$2"; shift 2 ;;
    --rounds) ROUNDS="$2"; shift 2 ;;
    *) echo "usage: $0 [--seconds N] [--rounds N]" >&2; exit 2 ;;
  esac
done
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
NW=$(pgrep -P "$NP" | head -1)
pps() { taskset -c 1 node "$ROOT/bench/relay/udp-pps.mjs" --port "$1" --pid "$2" --backend-port $B --seconds "$SECS"; }
: >"$WORK/rounds.txt"
for r in $(seq 1 "$ROUNDS"); do
  order="geodesic nginx"; [ $((r % 2)) -eq 0 ] && order="nginx geodesic"
  for who in $order; do
    if [ "$who" = geodesic ]; then line=$(pps $G $GP); else line=$(pps $N "$NW"); fi
    printf '%-9s %s\n' "$who:" "$line" | tee -a "$WORK/rounds.txt"
  done
done
for who in geodesic nginx; do # medians over the rounds (pairs/s, relay CPU µs per pair)
  grep "^$who:" "$WORK/rounds.txt" | sed -E 's/.*replies_per_s=([0-9]+) relay_cpu_us_per_pair=([0-9.]+).*/\1 \2/' |
    awk -v who="$who" '{ r[NR] = $1; c[NR] = $2 } END {
      n = asort(r); asort(c); m = int((n + 1) / 2)
      printf "median %-9s replies_per_s=%d relay_cpu_us_per_pair=%.1f (%d rounds)\n", who ":", (n % 2 ? r[m] : (r[m] + r[m + 1]) / 2), (n % 2 ? c[m] : (c[m] + c[m + 1]) / 2), n }'
done
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
