#!/usr/bin/env bash
# DNS benchmark: Geodesic (native UDP path and node:dgram path) against PowerDNS 4.7 (bind backend)
# and Knot, in the same run, on ../shared/bench/dns (w1 static, w2 NXDOMAIN/NODATA, w4 TCP, w5 DO=1
# on the signed zone; w3 GeoDNS: the LUA pickclosest record with ECS from 10,000 networks, Geodesic's geo
# server against PowerDNS's LUA record on the same MMDB). Every server is pinned to CPU 0, dnsperf to CPU 1 (shared run.sh --pid), runs
# interleaved across servers. Prints QPS per server core with ratios to PowerDNS, mean latency at
# saturation and p99 latency at a fixed rate (bench/dns/p99.sh).
#
#   npm run bench:dns -- [--seconds 5] [--rounds 1] [--workloads "w1 w2 w3 w4 w5"]
#                        [--servers "geodesic geodesic-dgram pdns-bind knot"] [--p99-qps 20000] [--no-p99] [--no-build]
#
# Data: ../shared/bench/dns/data copied to $BENCH_DATA (default .bench-data/dns, gitignored); the
# signed zone is made there with gen/sign.sh when missing or older than 20 days. Results are appended
# to .bench-data/results/dns-DATE.txt (raw RESULT/P99 lines) and summarized by bench/dns/table.py.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
SHARED=$(cd "$ROOT/../shared/bench/dns" && pwd)
HERE=$ROOT/bench/dns
. "$HERE/lib.sh"
SECS=5; ROUNDS=1; WORKLOADS="w1 w2 w3 w4 w5"; SERVERS="geodesic geodesic-dgram pdns-bind knot"
P99_QPS=20000; P99=1; BUILD=1
while [ $# -gt 0 ]; do case $1 in
  --seconds) SECS=$2; shift 2;; --rounds) ROUNDS=$2; shift 2;; --workloads) WORKLOADS=$2; shift 2;;
  --servers) SERVERS=$2; shift 2;; --p99-qps) P99_QPS=$2; shift 2;; --no-p99) P99=0; shift;;
  --no-build) BUILD=0; shift;;
  -h|--help) sed -n '2,14p' "$0"; exit 0;;
  *) echo "unknown arg $1 (--help)" >&2; exit 2;; esac; done

export BENCH_DATA=${BENCH_DATA:-$ROOT/.bench-data/dns}
export BENCH_TMP=${BENCH_TMP:-/tmp/geodesic-bench-dns}
mkdir -p "$BENCH_DATA" "$BENCH_TMP" "$ROOT/.bench-data/results"
RESULTS=$ROOT/.bench-data/results/dns-$(date -u +%Y%m%d-%H%M%S).txt
log() { echo "# $*" | tee -a "$RESULTS"; }

# --- data ---------------------------------------------------------------------------------------
[ -f "$BENCH_DATA/example.com.zone" ] || cp -r "$SHARED/data/." "$BENCH_DATA/"
case " $WORKLOADS " in *" w5 "*)
  if [ -z "$(find "$BENCH_DATA/example.com.signed.zone" -mtime -20 2>/dev/null)" ]; then
    command -v ldns-signzone >/dev/null || { echo "w5 needs ldns-signzone (apt-get install ldnsutils) or drop w5 from --workloads" >&2; exit 1; }
    log "signing the zone (gen/sign.sh)"; "$SHARED/gen/sign.sh" | tee -a "$RESULTS"
  fi;; esac
ZPLAIN=$BENCH_TMP/zones-plain; ZSIGNED=$BENCH_TMP/zones-signed
mkdir -p "$ZPLAIN" "$ZSIGNED"
cp "$BENCH_DATA/example.com.zone" "$ZPLAIN/example.com.zone"
[ -f "$BENCH_DATA/example.com.signed.zone" ] && cp "$BENCH_DATA/example.com.signed.zone" "$ZSIGNED/example.com.zone"

# --- build --------------------------------------------------------------------------------------
if [ $BUILD = 1 ] && [[ " $SERVERS " == *" geodesic"* ]]; then
  log "building dist/ (tsc) and the native addon"
  (cd "$ROOT" && npx tsc -p tsconfig.build.json >/dev/null) || log "tsc reported errors (dist emitted anyway)"
  [ -f "$ROOT/src/native/build/Release/geodesic_native.node" ] || node "$ROOT/scripts/build-native.mjs"
fi
[[ " $SERVERS " != *" geodesic"* ]] || [ -f "$ROOT/dist/cli/main.js" ] || { echo "dist/cli/main.js missing (run without --no-build)" >&2; exit 1; }

# --- servers ------------------------------------------------------------------------------------
ANCHOR=$SHARED/anchors/anchor.sh
# pdns-bind through the shared anchor needs the geoip backend and its database; else bench/dns/pdns-bind.sh
if [ -f /usr/lib/x86_64-linux-gnu/pdns/libgeoipbackend.so ] && [ -f "${GEO_MMDB:-/tmp/bench-dns/geo/city-ipv4-geoip2.mmdb}" ]; then
  PDNS=anchor; else PDNS=local; fi
port() { case $1 in geodesic) echo 5310;; geodesic-dgram) echo 5311;; geodesic-geo) echo 5312;; pdns-bind) echo 5301;; knot) echo 5303;; esac; }
GEO_MMDB=${GEO_MMDB:-/tmp/bench-dns/geo/city-ipv4-geoip2.mmdb}
start() { # NAME SIGNED(0|1)
  local z=$ZPLAIN sflag=(); [ "$2" = 1 ] && { z=$ZSIGNED; sflag=(--signed); }
  if port_busy "$(port "$1")"; then
    echo "$1: port $(port "$1") is already answering (another run?)" >&2; return 1; fi
  case $1 in
    geodesic) "$HERE/geodesic.sh" start geodesic "$(port geodesic)" "$z";;
    geodesic-dgram) "$HERE/geodesic.sh" start geodesic-dgram "$(port geodesic-dgram)" "$z" GEODESIC_UDP=dgram;;
    geodesic-geo) mkdir -p "$BENCH_TMP/zones-geo" && cp "$BENCH_DATA/example.com.lua.zone" "$BENCH_TMP/zones-geo/example.com.zone"
      "$HERE/geodesic.sh" start geodesic-geo "$(port geodesic-geo)" "$BENCH_TMP/zones-geo" --enable-lua-records --geoip-db "$GEO_MMDB";;
    pdns-bind) if [ $PDNS = anchor ]; then "$ANCHOR" start pdns-bind "${sflag[@]}"; else "$HERE/pdns-bind.sh" start "${sflag[@]}"; fi;;
    knot) "$ANCHOR" start knot "${sflag[@]}";;
    *) echo "unknown server $1" >&2; return 1;;
  esac
}
stop() { case $1 in
  geodesic|geodesic-dgram|geodesic-geo) "$HERE/geodesic.sh" stop "$1";;
  pdns-bind) if [ $PDNS = anchor ]; then "$ANCHOR" stop pdns-bind; else "$HERE/pdns-bind.sh" stop; fi;;
  *) "$ANCHOR" stop "$1";; esac; }
pids() { case $1 in
  geodesic|geodesic-dgram|geodesic-geo) "$HERE/geodesic.sh" pids "$1";;
  pdns-bind) if [ $PDNS = anchor ]; then "$ANCHOR" pids pdns-bind; else "$HERE/pdns-bind.sh" pids; fi;;
  *) "$ANCHOR" pids "$1";; esac; }
RUNNING=""
stop_all() { for s in $RUNNING; do stop "$s" || true; done; RUNNING=""; }
trap stop_all EXIT

# One phase: start SERVERS (signed or not), run the workloads interleaved, p99 once each, stop.
phase() { # SIGNED WORKLOADS...
  local signed=$1; shift
  [ $# -gt 0 ] || return 0
  local up=""
  for s in $SERVERS; do
    if line=$(start "$s" "$signed"); then log "START $line signed=$signed"; up="$up $s"; RUNNING="$RUNNING $s"
    else log "SKIP $s: did not start (signed=$signed)"; fi
  done
  for r in $(seq "$ROUNDS"); do
    for wl in "$@"; do
      for s in $up; do
        "$SHARED/run.sh" --port "$(port "$s")" --workload "$wl" --seconds "$SECS" --label "$s" --pid "$(pids "$s")" \
          | tee -a "$RESULTS" || log "run failed: $s $wl"
      done
    done
  done
  if [ $P99 = 1 ]; then
    for wl in "$@"; do for s in $up; do
      "$HERE/p99.sh" --port "$(port "$s")" --workload "$wl" --qps "$P99_QPS" --label "$s" | tee -a "$RESULTS" || true
    done; done
  fi
  stop_all
}

log "bench:dns $(date -u +%FT%TZ) seconds=$SECS rounds=$ROUNDS servers=[$SERVERS] workloads=[$WORKLOADS] pdns=$PDNS load=$(cut -d' ' -f1-3 /proc/loadavg)"
PLAIN=(); for wl in $WORKLOADS; do case $wl in w1|w2|w4) PLAIN+=("$wl");; w3|w5) ;; *) echo "workload $wl not supported here" >&2; exit 2;; esac; done
phase 0 "${PLAIN[@]}"
case " $WORKLOADS " in *" w5 "*) phase 1 w5;; esac
case " $WORKLOADS " in *" w3 "*)
  # w3 needs the GeoIP DB of the shared harness (gen/build.sh) and PowerDNS's geoip backend
  if [ ! -f "$GEO_MMDB" ] || [ $PDNS != anchor ]; then log "SKIP w3: needs $GEO_MMDB (shared gen/build.sh) and pdns-backend-geoip"
  else
    GEO_SERVERS="geodesic-geo"; case " $SERVERS " in *" pdns-bind "*) GEO_SERVERS="$GEO_SERVERS pdns-bind";; esac
    SAVED=$SERVERS; SERVERS=$GEO_SERVERS; P99_SAVED=$P99; P99=0
    phase 0 w3
    SERVERS=$SAVED; P99=$P99_SAVED
  fi;; esac
echo
echo "Results: $RESULTS   (servers on CPU 0, dnsperf on CPU 1; QPS/core = QPS / server CPU share)"
[ $PDNS = local ] && echo "pdns-bind: bench/dns/pdns-bind.sh (bind backend only: pdns-backend-geoip or its GeoIP DB is missing here)"
/usr/bin/python3 "$HERE/table.py" "$RESULTS" --baseline pdns-bind
