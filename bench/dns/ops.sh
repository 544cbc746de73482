#!/usr/bin/env bash
# What observability costs: Geodesic plain, with per-query metrics (--metrics-listen) and with the query
# log (--query-log FILE), in the same run, each pinned to CPU 0; QPS per server core and the ratio to the
# plain server (issue target: the query log costs less than 20%). w1: static answers; w3: the LUA geo
# record with ECS from 10,000 networks (needs the geo MMDB of ../shared/bench/dns/gen/build.sh).
#
#   bash bench/dns/ops.sh [--seconds 10] [--rounds 1] [--workloads "w1 w3"] [--no-build]
#
# Results are appended to .bench-data/results/ops-DATE.txt (RESULT lines of shared/bench/dns/run.sh).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
SHARED=$(cd "$ROOT/../shared/bench/dns" && pwd)
HERE=$ROOT/bench/dns
. "$HERE/lib.sh"
WORKLOADS="w1"
bench_setup ops /tmp/geodesic-bench-ops "$@"
GEO_MMDB=${GEO_MMDB:-/tmp/bench-dns/geo/city-ipv4-geoip2.mmdb}
KINDS="plain metrics querylog"
started=""; declare -A PORT
cleanup() { for s in $started; do "$HERE/geodesic.sh" stop "$s" || true; done; }
trap cleanup EXIT
log "$(uptime)"
port=5320
for wl in $WORKLOADS; do
  Z=$BENCH_TMP/zones-$wl; rm -rf "$Z"; mkdir -p "$Z"; GEO=()
  case $wl in
    w1) cp "$BENCH_DATA/example.com.zone" "$Z/example.com.zone";;
    w3) [ -f "$GEO_MMDB" ] || { log "w3 skipped: $GEO_MMDB missing (../shared/bench/dns/gen/build.sh makes it)"; continue; }
        cp "$BENCH_DATA/example.com.lua.zone" "$Z/example.com.zone"; GEO=(--enable-lua-records --geoip-db "$GEO_MMDB");;
    *) echo "workload $wl not supported here (w1, w3)" >&2; exit 2;;
  esac
  for k in $KINDS; do
    case $k in plain) X=();; metrics) X=(--metrics-listen 127.0.0.1:0);; querylog) X=(--query-log "$BENCH_TMP/queries-$wl.log"); rm -f "$BENCH_TMP/queries-$wl.log";; esac
    log "$("$HERE/geodesic.sh" start "$wl-$k" $port "$Z" "${GEO[@]}" "${X[@]}")"
    started="$started $wl-$k"; PORT[$wl-$k]=$port; port=$((port + 1))
  done
done
for r in $(seq "$ROUNDS"); do
  for s in $started; do
    "$SHARED/run.sh" --port "${PORT[$s]}" --workload "${s%%-*}" --seconds "$SECS" --label "$s" --pid "$("$HERE/geodesic.sh" pids "$s")" | tee -a "$RESULTS"
  done
done
for wl in $WORKLOADS; do [ -f "$BENCH_TMP/queries-$wl.log" ] && log "$wl query log lines written: $(wc -l < "$BENCH_TMP/queries-$wl.log")"; done
log "results in $RESULTS"
