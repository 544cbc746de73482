#!/usr/bin/env bash
# PowerDNS 4.7 with the bind backend, started like shared/bench/dns/anchors/anchor.sh's pdns-bind
# (same knobs: 1 receiver, 1 distributor, 1 signing thread, no reuseport, caches as shipped, CPU 0)
# but WITHOUT the geoip backend and the LUA zone, for machines where pdns-backend-geoip or the
# converted GeoIP database is missing. Only used by bench/dns.sh when anchor.sh cannot start pdns-bind.
#   bench/dns/pdns-bind.sh start [--signed] | stop | pids
set -euo pipefail
. "$(dirname "$0")/lib.sh"
ACTION=${1:?start|stop|pids}; SIGNED=0; [ "${2:-}" = --signed ] && SIGNED=1
PORT=${PDNS_PORT:-5301}
W=${BENCH_TMP:-/tmp/geodesic-bench-dns}/pdns-bind-local
DATA=${BENCH_DATA:?BENCH_DATA}
case $ACTION in
stop) stop_server; exit 0;;
pids) [ -f "$W/pid" ] && cat "$W/pid"; exit 0;;
start) ;;
*) echo "unknown action $ACTION" >&2; exit 2;;
esac
if port_busy "$PORT"; then echo "pdns-bind: something already answers on 127.0.0.1:$PORT" >&2; exit 1; fi
rm -rf "$W"; mkdir -p "$W"
ZONE=$DATA/example.com.zone; [ $SIGNED = 1 ] && ZONE=$DATA/example.com.signed.zone
cat > "$W/pdns.conf" <<C
local-address=127.0.0.1:$PORT
receiver-threads=1
distributor-threads=1
signing-threads=1
reuseport=no
guardian=no
daemon=no
disable-syslog=yes
loglevel=3
socket-dir=$W
webserver=no
api=no
launch=bind
bind-config=$W/named.conf
C
printf 'zone "example.com" { type master; file "%s"; };\n' "$ZONE" > "$W/named.conf"
if [ $SIGNED = 1 ]; then
  echo "bind-dnssec-db=$W/bind-dnssec.sqlite3" >> "$W/pdns.conf"
  pdnsutil --config-dir="$W" create-bind-db "$W/bind-dnssec.sqlite3" >/dev/null 2>&1
  pdnsutil --config-dir="$W" set-presigned example.com >/dev/null 2>&1
fi
T0=$(date +%s.%N)
( cd "$W" && exec taskset -c 0 pdns_server --config-dir="$W" ) >"$W/server.log" 2>&1 &
echo $! > "$W/pid"
wait_soa "pdns-bind" "$PORT"
T1=$(date +%s.%N)
sleep 1
echo "pdns-bind port=$PORT pid=$(cat "$W/pid") load_s=$(echo "$T1 - $T0" | bc) (local: bind backend only, no geoip)"
