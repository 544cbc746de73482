#!/usr/bin/env bash
# PowerDNS 4.7 with gsqlite3 and live signing (gsqlite3-dnssec=yes, pdnsutil secure-zone + rectify-zone:
# how PowerDNS+SQL deployments do DNSSEC), the knobs of shared/bench/dns/anchors/anchor.sh's pdns-sqlite
# (1 receiver, 1 distributor, 1 signing thread, no reuseport, caches as shipped, CPU 0) without its geoip
# backend, for machines lacking pdns-backend-geoip or the converted GeoIP database. Used by bench/dns/signed.sh.
#   bench/dns/pdns-sqlite.sh start [--signed] | stop | pids
set -euo pipefail
. "$(dirname "$0")/lib.sh"
ACTION=${1:?start|stop|pids}; SIGNED=0; [ "${2:-}" = --signed ] && SIGNED=1
PORT=${PDNS_PORT:-5302}
W=${BENCH_TMP:-/tmp/geodesic-bench-dns}/pdns-sqlite-local
DATA=${BENCH_DATA:?BENCH_DATA}
case $ACTION in
stop) stop_server; exit 0;;
pids) [ -f "$W/pid" ] && cat "$W/pid"; exit 0;;
start) ;;
*) echo "unknown action $ACTION" >&2; exit 2;;
esac
if port_busy "$PORT"; then echo "pdns-sqlite: something already answers on 127.0.0.1:$PORT" >&2; exit 1; fi
rm -rf "$W"; mkdir -p "$W"
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
launch=gsqlite3
gsqlite3-database=$W/pdns.sqlite3
gsqlite3-dnssec=yes
C
sqlite3 "$W/pdns.sqlite3" < /usr/share/doc/pdns-backend-sqlite3/schema.sqlite3.sql
{ echo "BEGIN;"; zone2sql --gsqlite --zone="$DATA/example.com.zone" --zone-name=example.com 2>/dev/null; echo "COMMIT;"; } | sqlite3 "$W/pdns.sqlite3"
if [ $SIGNED = 1 ]; then
  pdnsutil --config-dir="$W" secure-zone example.com >"$W/pdnsutil.log" 2>&1
  pdnsutil --config-dir="$W" rectify-zone example.com >>"$W/pdnsutil.log" 2>&1
fi
T0=$(date +%s.%N)
( cd "$W" && exec taskset -c 0 pdns_server --config-dir="$W" ) >"$W/server.log" 2>&1 &
echo $! > "$W/pid"
wait_soa "pdns-sqlite" "$PORT"
T1=$(date +%s.%N)
sleep 1
echo "pdns-sqlite port=$PORT pid=$(cat "$W/pid") load_s=$(echo "$T1 - $T0" | bc) signed=$SIGNED (local: gsqlite3 only, no geoip)"
