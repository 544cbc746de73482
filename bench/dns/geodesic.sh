#!/usr/bin/env bash
# Start/stop one Geodesic server for the DNS benchmark, pinned to CPU 0 like the anchors.
#   bench/dns/geodesic.sh start NAME PORT ZONES_DIR [ENV=VALUE...] [--serve-flag ...]   # prints: NAME port=.. pid=.. load_s=..
#   bench/dns/geodesic.sh stop NAME
#   bench/dns/geodesic.sh pids NAME
# Runs `node dist/cli/main.js serve --zones DIR --listen 127.0.0.1:PORT --no-rrl` from the repo root;
# scratch state in $BENCH_TMP/NAME (log: server.log).
set -euo pipefail
. "$(dirname "$0")/lib.sh"
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
ACTION=${1:?start|stop|pids}; NAME=${2:?name}
W=${BENCH_TMP:-/tmp/geodesic-bench-dns}/$NAME

case $ACTION in
stop) stop_server; exit 0;;
pids) [ -f "$W/pid" ] && cat "$W/pid"; exit 0;;
start) ;;
*) echo "unknown action $ACTION" >&2; exit 2;;
esac

PORT=${3:?port}; ZONES=$(realpath "${4:?zones dir}"); shift 4
ENVS=(); FLAGS=()
for a in "$@"; do case $a in --*) FLAGS+=("$a");; *) if [ ${#FLAGS[@]} -gt 0 ]; then FLAGS+=("$a"); else ENVS+=("$a"); fi;; esac; done
if port_busy "$PORT"; then echo "$NAME: something already answers on 127.0.0.1:$PORT" >&2; exit 1; fi
rm -rf "$W"; mkdir -p "$W"
T0=$(date +%s.%N)
( cd "$ROOT" && exec env "${ENVS[@]}" taskset -c 0 node dist/cli/main.js serve --zones "$ZONES" \
    --listen "127.0.0.1:$PORT" --no-rrl --pid-file "$W/geodesic.pid" --log-level warn "${FLAGS[@]}" ) >"$W/server.log" 2>&1 &
echo $! > "$W/pid"
wait_soa "$NAME" "$PORT"
T1=$(date +%s.%N)
sleep 1
RSS=$(awk '/^VmRSS/{print $2}' "/proc/$(cat "$W/pid")/status" 2>/dev/null || echo 0)
echo "$NAME port=$PORT pid=$(cat "$W/pid") load_s=$(echo "$T1 - $T0" | bc) rss_kb=$RSS"
