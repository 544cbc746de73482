#!/usr/bin/env bash
# What observability costs: Geodesic answering w1 plain, with per-query metrics (--metrics-listen), and with
# the query log (--query-log FILE), in the same run, each pinned to CPU 0; QPS per server core and the
# ratio to the plain server (issue target: the query log costs less than 20%).
#
#   bash bench/dns/ops.sh [--seconds 10] [--rounds 1] [--no-build]
#
# Results are appended to .bench-data/results/ops-DATE.txt (RESULT lines of shared/bench/dns/run.sh).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
SHARED=$(cd "$ROOT/../shared/bench/dns" && pwd)
HERE=$ROOT/bench/dns
SECS=10; ROUNDS=1; BUILD=1
while [ $# -gt 0 ]; do case $1 in
  --seconds) SECS=$2; shift 2;; --rounds) ROUNDS=$2; shift 2;; --no-build) BUILD=0; shift;;
  -h|--help) sed -n '2,8p' "$0"; exit 0;;
  *) echo "unknown arg $1 (--help)" >&2; exit 2;; esac; done
export BENCH_DATA=${BENCH_DATA:-$ROOT/.bench-data/dns}
export BENCH_TMP=${BENCH_TMP:-/tmp/geodesic-bench-ops}
mkdir -p "$BENCH_DATA" "$BENCH_TMP" "$ROOT/.bench-data/results"
RESULTS=$ROOT/.bench-data/results/ops-$(date -u +%Y%m%d-%H%M%S).txt
log() { echo "# $*" | tee -a "$RESULTS"; }
[ -f "$BENCH_DATA/example.com.zone" ] || cp -r "$SHARED/data/." "$BENCH_DATA/"
if [ $BUILD = 1 ]; then
  log "building dist/ (tsc)"
  (cd "$ROOT" && npx tsc -p tsconfig.build.json >/dev/null) || log "tsc reported errors (dist emitted anyway)"
fi
Z=$BENCH_TMP/zones
rm -rf "$Z"; mkdir -p "$Z"
cp "$BENCH_DATA/example.com.zone" "$Z/example.com.zone"
SERVERS="geodesic geodesic-metrics geodesic-querylog"
cleanup() { for s in $SERVERS; do "$HERE/geodesic.sh" stop "$s" || true; done; }
trap cleanup EXIT
rm -f "$BENCH_TMP/queries.log"
log "$(uptime)"
log "$("$HERE/geodesic.sh" start geodesic 5320 "$Z")"
log "$("$HERE/geodesic.sh" start geodesic-metrics 5321 "$Z" --metrics-listen 127.0.0.1:0)"
log "$("$HERE/geodesic.sh" start geodesic-querylog 5322 "$Z" --query-log "$BENCH_TMP/queries.log")"
for r in $(seq "$ROUNDS"); do
  port=5320
  for s in $SERVERS; do
    "$SHARED/run.sh" --port $port --workload w1 --seconds "$SECS" --label "$s" --pid "$("$HERE/geodesic.sh" pids "$s")" | tee -a "$RESULTS"
    port=$((port + 1))
  done
done
log "query log lines written: $(wc -l < "$BENCH_TMP/queries.log")"
log "results in $RESULTS"
