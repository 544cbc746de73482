#!/usr/bin/env bash
# Latency percentiles at a fixed offered load (the shared run.sh reports only mean/sd at saturation,
# and dnsperf 2.10 has no histogram): dnsperf -v prints every answer's latency; we sort them.
#   bench/dns/p99.sh --port PORT --workload w1|w2|w4|w5 [--seconds 2] [--qps 20000] [--label NAME]
# Prints one line: P99 label=.. port=.. workload=.. qps_target=.. completed=.. p50_ms=.. p99_ms=.. max_ms=..
# Same load generator set-up as run.sh (dnsperf pinned to CPU 1 under flock /tmp/bench.lock).
set -euo pipefail
SHARED=$(cd "$(dirname "$0")/../../../shared/bench/dns" && pwd)
DATA=${BENCH_DATA:-$SHARED/data}
PORT=""; WL=w1; SECS=2; QPS=20000; LABEL=unknown
while [ $# -gt 0 ]; do case $1 in
  --port) PORT=$2; shift 2;; --workload) WL=$2; shift 2;; --seconds) SECS=$2; shift 2;; --qps) QPS=$2; shift 2;; --label) LABEL=$2; shift 2;;
  *) echo "unknown arg $1" >&2; exit 2;; esac; done
[ -n "$PORT" ] || { echo "--port required" >&2; exit 2; }
ARGS=(-s 127.0.0.1 -p "$PORT" -l "$SECS" -T 1 -c 10 -q 100 -t 2 -Q "$QPS" -v)
case $WL in
  w1|w2) ARGS+=(-d "$DATA/$WL.txt" -e);;
  w4) ARGS+=(-d "$DATA/w1.txt" -e -m tcp);;
  w5) ARGS+=(-d "$DATA/w1.txt" -D);;
  *) echo "unknown workload $WL" >&2; exit 2;; esac
OUT=$(mktemp /tmp/bench-dns-p99.XXXXXX)
trap 'rm -f "$OUT"' EXIT
PIDS="" flock /tmp/bench.lock "$SHARED/bin/inner.sh" $((SECS + 20)) "${ARGS[@]}" >"$OUT" 2>&1 || true
awk '/^> / {print $NF * 1000}' "$OUT" | sort -g | awk -v label="$LABEL" -v port="$PORT" -v wl="$WL" -v q="$QPS" '
  { v[NR] = $1 }
  END { if (NR == 0) { print "P99 label=" label " port=" port " workload=" wl " error=no_answers"; exit 1 }
        i50 = int(NR * 0.50); i99 = int(NR * 0.99); if (i50 < 1) i50 = 1; if (i99 < 1) i99 = 1
        printf "P99 label=%s port=%s workload=%s qps_target=%s completed=%d p50_ms=%.3f p99_ms=%.3f max_ms=%.3f\n",
               label, port, wl, q, NR, v[i50], v[i99], v[NR] }'
