#!/usr/bin/env bash
# Start/stop the Geodesic geo server for workload w3 (bench/dns/geo-server.ts: the LUA zone of the shared
# harness, the GeoIP DB built by its gen/build.sh, native UDP path), pinned to CPU 0 like the anchors.
#   bench/dns/geo.sh start NAME PORT ZONE_FILE GEO_MMDB   # prints: NAME port=.. pid=.. load_s=.. rss_kb=..
#   bench/dns/geo.sh stop NAME
#   bench/dns/geo.sh pids NAME
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

PORT=${3:?port}; ZONE=$(realpath "${4:?zone file}"); DB=$(realpath "${5:?GeoIP MMDB}")
if port_busy "$PORT"; then echo "$NAME: something already answers on 127.0.0.1:$PORT" >&2; exit 1; fi
rm -rf "$W"; mkdir -p "$W"
T0=$(date +%s.%N)
( cd "$ROOT" && exec taskset -c 0 node --import tsx bench/dns/geo-server.ts --zone "$ZONE" --geoip-db "$DB" \
    --port "$PORT" ) >"$W/server.log" 2>&1 &
echo $! > "$W/pid"
wait_soa "$NAME" "$PORT"
T1=$(date +%s.%N)
sleep 1
RSS=$(awk '/^VmRSS/{print $2}' "/proc/$(cat "$W/pid")/status" 2>/dev/null || echo 0)
echo "$NAME port=$PORT pid=$(cat "$W/pid") load_s=$(echo "$T1 - $T0" | bc) rss_kb=$RSS"
