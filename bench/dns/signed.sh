#!/usr/bin/env bash
# DNSSEC benchmark: Geodesic signing the 10,000-name zone itself (KSK+ZSK ECDSA P-256, NSEC, as the anchors'
# signed zone) answering w5 (w1 with DO=1), next to Geodesic's unsigned w1 and PowerDNS 4.7 gsqlite3 with
# live signing (bench/dns/pdns-sqlite.sh --signed: the anchor's knobs without geoip), same run, servers pinned to CPU 0.
#
#   bash bench/dns/signed.sh [--seconds 10] [--rounds 1] [--no-build]
#
# Results are appended to .bench-data/results/dnssec-DATE.txt (RESULT lines of shared/bench/dns/run.sh).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
SHARED=$(cd "$ROOT/../shared/bench/dns" && pwd)
HERE=$ROOT/bench/dns
. "$HERE/lib.sh"
bench_setup dnssec /tmp/geodesic-bench-dnssec "$@"
Z=$BENCH_TMP/zones; K=$BENCH_TMP/keys
rm -rf "$Z" "$K"; mkdir -p "$Z"
cp "$BENCH_DATA/example.com.zone" "$Z/example.com.zone"
(cd "$ROOT" && node dist/cli/main.js dnssec enable example.com --keys "$K" --split --nsec >/dev/null)
cleanup() { "$HERE/geodesic.sh" stop geodesic-signed || true; "$HERE/geodesic.sh" stop geodesic || true; "$HERE/pdns-sqlite.sh" stop || true; }
trap cleanup EXIT
log "$(uptime)"
log "$("$HERE/geodesic.sh" start geodesic 5310 "$Z")"
log "$("$HERE/geodesic.sh" start geodesic-signed 5313 "$Z" --dnssec-keys "$K")"
log "$("$HERE/pdns-sqlite.sh" start --signed)"
for r in $(seq "$ROUNDS"); do
  "$SHARED/run.sh" --port 5310 --workload w1 --seconds "$SECS" --label geodesic-unsigned --pid "$("$HERE/geodesic.sh" pids geodesic)" | tee -a "$RESULTS"
  "$SHARED/run.sh" --port 5313 --workload w5 --seconds "$SECS" --label geodesic-signed --pid "$("$HERE/geodesic.sh" pids geodesic-signed)" | tee -a "$RESULTS"
  "$SHARED/run.sh" --port 5302 --workload w5 --seconds "$SECS" --label pdns-sqlite-live --pid "$("$HERE/pdns-sqlite.sh" pids)" | tee -a "$RESULTS"
done
log "results in $RESULTS"
