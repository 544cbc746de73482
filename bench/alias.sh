#!/usr/bin/env bash
# ALIAS answers over UDP against a static A answer, with dnsperf: `geodesic serve` (CPU 0) answers
# alias.test, whose apex is ALIAS edge.cdn.test (Knot serves cdn.test and stands in for the resolver) and
# whose `in` is ALIAS www (hosted). One question per run, repeated (the answer caches' case).
#   bash bench/alias.sh [SECONDS]        (default 10 per case; takes /tmp/bench.lock)
set -euo pipefail
SECS=${1:-10}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
DIR=$(mktemp -d /tmp/geodesic-bench-alias.XXXXXX)
KPORT=5381
GPORT=5382
cleanup() { kill "${GPID:-}" "${KPID:-}" 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$DIR"; }
trap cleanup EXIT
mkdir -p "$DIR/knot" "$DIR/kz" "$DIR/zones"
cat > "$DIR/kz/cdn.test.zone" <<EOF
\$ORIGIN cdn.test.
\$TTL 300
@ SOA ns hm 1 3600 600 86400 300
@ NS ns
ns A 127.0.0.1
edge A 203.0.113.7
edge AAAA 2001:db8::7
EOF
cat > "$DIR/knot/knot.conf" <<EOF
server:
  rundir: "$DIR/knot"
  listen: 127.0.0.1@$KPORT
database:
  storage: "$DIR/knot/db"
template:
  - id: default
    storage: "$DIR/kz"
    file: "%s.zone"
zone:
  - domain: cdn.test.
EOF
cat > "$DIR/zones/alias.test.zone" <<EOF
\$ORIGIN alias.test.
\$TTL 300
@ SOA ns hm 1 3600 600 86400 300
@ NS ns
@ ALIAS edge.cdn.test.
ns A 192.0.2.1
www A 192.0.2.10
in ALIAS www
EOF
knotd -c "$DIR/knot/knot.conf" >/dev/null 2>&1 & KPID=$!
sleep 1
taskset -c 0 node --import tsx "$ROOT/src/cli/main.ts" serve --zones "$DIR/zones" --listen "127.0.0.1:$GPORT" \
  --resolver "127.0.0.1:$KPORT" --no-rrl --pid-file "$DIR/g.pid" --log-level warn 2>"$DIR/g.log" & GPID=$!
for _ in $(seq 1 100); do dig @127.0.0.1 -p $GPORT +short +time=1 alias.test A 2>/dev/null | grep -q 203.0.113.7 && break; sleep 0.3; done
dig @127.0.0.1 -p $GPORT +short alias.test A | grep -q 203.0.113.7 || { echo "server not answering"; cat "$DIR/g.log"; exit 1; }
for q in "www.alias.test A" "alias.test A" "in.alias.test A"; do
  echo "$q" > "$DIR/q.txt"
  out=$(flock /tmp/bench.lock timeout $((SECS + 20)) taskset -c 1 dnsperf -s 127.0.0.1 -p $GPORT -d "$DIR/q.txt" -l "$SECS" -c 4 -Q 500000 -e 2>&1)
  qps=$(echo "$out" | awk '/Queries per second/ {print $4}')
  lat=$(echo "$out" | awk '/Average Latency/ {print $4}')
  rc=$(echo "$out" | awk '/Response codes/ {$1=$2=""; print}')
  printf '%-20s qps=%s lat_avg_s=%s rcodes=%s\n' "$q" "$qps" "$lat" "$rc"
done
