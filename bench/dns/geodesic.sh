#!/usr/bin/env bash
# Start/stop one Geodesic server for the DNS benchmark, pinned to CPU 0 like the anchors.
#   bench/dns/geodesic.sh start NAME PORT ZONES_DIR [ENV=VALUE...]   # prints: NAME port=.. pid=.. load_s=..
#   bench/dns/geodesic.sh stop NAME
#   bench/dns/geodesic.sh pids NAME
# Runs `node dist/cli/main.js serve --zones DIR --listen 127.0.0.1:PORT --no-rrl` from the repo root;
# scratch state in $BENCH_TMP/NAME (log: server.log).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
ACTION=${1:?start|stop|pids}; NAME=${2:?name}
W=${BENCH_TMP:-/tmp/geodesic-bench-dns}/$NAME

case $ACTION in
stop)
  if [ -f "$W/pid" ]; then P=$(cat "$W/pid"); kill "$P" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$P" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$P" 2>/dev/null || true; rm -f "$W/pid"; fi
  exit 0;;
pids) [ -f "$W/pid" ] && cat "$W/pid"; exit 0;;
start) ;;
*) echo "unknown action $ACTION" >&2; exit 2;;
esac

PORT=${3:?port}; ZONES=$(realpath "${4:?zones dir}"); shift 4
if dig +tries=1 +time=1 -p "$PORT" @127.0.0.1 example.com SOA +short 2>/dev/null | grep -q .; then
  echo "$NAME: something already answers on 127.0.0.1:$PORT" >&2; exit 1; fi
rm -rf "$W"; mkdir -p "$W"
T0=$(date +%s.%N)
( cd "$ROOT" && exec env "$@" taskset -c 0 node dist/cli/main.js serve --zones "$ZONES" \
    --listen "127.0.0.1:$PORT" --no-rrl --pid-file "$W/geodesic.pid" --log-level warn ) >"$W/server.log" 2>&1 &
echo $! > "$W/pid"
for _ in $(seq 1 1200); do
  if dig +tries=1 +time=1 -p "$PORT" @127.0.0.1 example.com SOA +short 2>/dev/null | grep -q hostmaster; then break; fi
  if ! kill -0 "$(cat "$W/pid")" 2>/dev/null; then
    echo "$NAME failed to start, see $W/server.log" >&2; tail -20 "$W/server.log" >&2; exit 1; fi
  sleep 0.05
done
T1=$(date +%s.%N)
dig +tries=1 +time=1 -p "$PORT" @127.0.0.1 example.com SOA +short | grep -q hostmaster ||
  { echo "$NAME: no SOA answer after 60 s, see $W/server.log" >&2; exit 1; }
sleep 1
RSS=$(awk '/^VmRSS/{print $2}' "/proc/$(cat "$W/pid")/status" 2>/dev/null || echo 0)
echo "$NAME port=$PORT pid=$(cat "$W/pid") load_s=$(echo "$T1 - $T0" | bc) rss_kb=$RSS"
