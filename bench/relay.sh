#!/usr/bin/env bash
# Relay benchmark (not a test): Geodesic's relay, nginx stream and HAProxy on the same harness
# (../shared/bench/relay, route contract a.bench.test / b.bench.test / default), same run.
#
#   bench/relay.sh [--runs N] [--duration S] [--only "geodesic nginx haproxy"] [--tests "idle tls-rate throughput sni-check"]
#
# geodesic = the native TCP loop (the addon); geodesic-net = the same relay on node:net
# (GEODESIC_NATIVE_RELAY=0, the path without the addon). Needs nginx (libnginx-mod-stream), haproxy,
# iperf3, jq, gcc and libssl-dev from Debian.
#
# Prints the harness's RELAYBENCH lines, then a summary with ratios to nginx. Relays run on CPU 0,
# load and backends on CPU 1 (run.sh). Other work on the machine adds noise: read ranges, not digits.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
HARNESS="${RELAYBENCH_HARNESS:-$ROOT/../shared/bench/relay}"
RUNS=3 DURATION=10 ONLY="geodesic nginx haproxy" TESTS="idle tls-rate throughput sni-check"
while [ $# -gt 0 ]; do
  case "$1" in
    --runs) RUNS="$2"; shift 2;;
    --duration) DURATION="$2"; shift 2;;
    --only) ONLY="$2"; shift 2;;
    --tests) TESTS="$2"; shift 2;;
    -h|--help) sed -n 2,12p "$0"; exit 0;;
    *) echo "unknown arg $1" >&2; exit 2;;
  esac
done
[ -x "$HARNESS/run.sh" ] || { echo "harness not found at $HARNESS (set RELAYBENCH_HARNESS)" >&2; exit 2; }
for tool in nginx iperf3 jq gcc; do
  command -v "$tool" >/dev/null || { echo "$tool not found: apt-get install nginx-light libnginx-mod-stream haproxy iperf3 jq gcc libssl-dev" >&2; exit 2; }
done
WORK="${RELAYBENCH_WORK:-/tmp/relaybench}/geodesic"
mkdir -p "$WORK"
OUT="$WORK/results.txt"; : > "$OUT"
PORT_G=18447 PORT_N=18443 PORT_H=18444

build() {
  (cd "$ROOT" && npx tsc -p bench/relay/tsconfig.json)
  cat > "$WORK/relay.yaml" <<YAML
relay:
  listeners:
    - name: bench
      listen: 127.0.0.1:$PORT_G
      backlog: 4096
      routes:
        - { sni: a.bench.test, pool: a }
        - { sni: b.bench.test, pool: b }
      default: fallback
  pools:
    a: { servers: [127.0.0.1:19443] }
    b: { servers: [127.0.0.1:19444] }
    fallback: { servers: [127.0.0.1:15201] }
YAML
}

GPID=
start_geodesic() { # [env assignments]
  ulimit -n 20000
  env "$@" taskset -c 0 node "$ROOT/bench/relay/.build/bench/relay/relay-main.js" relay \
      --config "$WORK/relay.yaml" --no-access-log --log-level warn >"$WORK/relay.log" 2>&1 &
  GPID=$!
  for _ in $(seq 50); do (exec 3<>/dev/tcp/127.0.0.1/$PORT_G) 2>/dev/null && break; sleep 0.1; done
}
stop_geodesic() { [ -n "$GPID" ] && kill "$GPID" 2>/dev/null; wait "$GPID" 2>/dev/null || true; GPID=; }
trap 'stop_geodesic; "$HARNESS/anchors/nginx.sh" stop >/dev/null 2>&1 || true; "$HARNESS/anchors/haproxy.sh" stop >/dev/null 2>&1 || true' EXIT

run_tests() { # label port pid
  for t in $TESTS; do
    "$HARNESS/run.sh" --port "$2" --pid "$3" --test "$t" --runs "$RUNS" --duration "$DURATION" --label "$1" | tee -a "$OUT"
  done
}

for r in $ONLY; do
  case "$r" in
    geodesic) build; start_geodesic; run_tests geodesic $PORT_G "$GPID"; stop_geodesic;;
    geodesic-net) build; start_geodesic GEODESIC_NATIVE_RELAY=0; run_tests geodesic-net $PORT_G "$GPID"; stop_geodesic;;
    nginx) pid=$("$HARNESS/anchors/nginx.sh" start $PORT_N); run_tests nginx $PORT_N "$pid"; "$HARNESS/anchors/nginx.sh" stop;;
    haproxy) pid=$("$HARNESS/anchors/haproxy.sh" start $PORT_H); run_tests haproxy $PORT_H "$pid"; "$HARNESS/anchors/haproxy.sh" stop;;
    *) echo "unknown relay $r" >&2; exit 2;;
  esac
done

python3 - "$OUT" <<'PY'
import sys, re
rows = {}
for line in open(sys.argv[1]):
    if not line.startswith('RELAYBENCH'): continue
    kv = dict(re.findall(r'(\S+?)=(\S+)', line))
    rows.setdefault(kv.get('label'), {}).update({f"{kv.get('test')}.{k}": v for k, v in kv.items()})
    if kv.get('test') == 'sni-check':
        rows[kv['label']]['sni'] = f"{sum(1 for k, v in kv.items() if v == 'ok')}/5"
cols = [('sni', 'sni-check'), ('throughput.gbps_1stream', 'Gbit/s 1'), ('throughput.gbps_8streams', 'Gbit/s 8'),
        ('tls-rate.conns_per_s', 'TLS conn/s'), ('tls-rate.relay_cpu_us_per_conn', 'CPU us/conn'),
        ('tls-rate.c1_p50_ms', 'c1 p50 ms'), ('idle.kb_per_conn', 'KiB/idle conn')]
nginx = rows.get('nginx', {})
print('\nsummary (ratio to nginx in brackets)')
print('relay'.ljust(13) + ''.join(c[1].rjust(20) for c in cols))
for label, r in rows.items():
    cells = []
    for key, _ in cols:
        v, n = r.get(key, '-'), nginx.get(key)
        try: cells.append(f"{v} ({float(v) / float(n):.2f}x)" if n and key != 'sni' else v)
        except ValueError: cells.append(v)
    print(str(label).ljust(13) + ''.join(c.rjust(20) for c in cells))
PY
