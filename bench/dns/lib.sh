# Shared by bench/dns/*.sh (sourced): process control of one benchmark server with its state in $W.

# port_busy PORT: true when something answers DNS on 127.0.0.1:PORT
port_busy() { dig +tries=1 +time=1 -p "$1" @127.0.0.1 example.com SOA 2>/dev/null | grep -q 'status:'; }

# stop_server: TERM the process in $W/pid, KILL it after 5 s
stop_server() {
  [ -f "$W/pid" ] || return 0
  local p; p=$(cat "$W/pid"); kill "$p" 2>/dev/null || true
  for _ in $(seq 50); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
  kill -9 "$p" 2>/dev/null || true; rm -f "$W/pid"
}

# wait_soa NAME PORT: waits (60 s at most) until the server in $W/pid answers the example.com SOA
wait_soa() {
  for _ in $(seq 1 1200); do
    if dig +tries=1 +time=1 -p "$2" @127.0.0.1 example.com SOA +short 2>/dev/null | grep -q hostmaster; then return 0; fi
    if ! kill -0 "$(cat "$W/pid")" 2>/dev/null; then
      echo "$1 failed to start, see $W/server.log" >&2; tail -20 "$W/server.log" >&2; return 1; fi
    sleep 0.05
  done
  echo "$1: no SOA answer after 60 s, see $W/server.log" >&2; return 1
}

# bench_setup PREFIX TMPDIR "$@": the shared preamble of bench/dns/signed.sh and ops.sh. Parses
# --seconds N, --rounds N, --no-build, --workloads "LIST" (the caller's default in $WORKLOADS) and --help
# (prints the calling script's header comment, lines 2 to 9); sets SECS, ROUNDS, WORKLOADS, BENCH_DATA,
# BENCH_TMP, RESULTS (.bench-data/results/PREFIX-DATE.txt) and log(); copies the shared data; builds
# dist/ unless --no-build. Needs ROOT and SHARED.
bench_setup() {
  local prefix=$1 tmp=$2 build=1; shift 2
  SECS=10; ROUNDS=1; WORKLOADS=${WORKLOADS:-}
  while [ $# -gt 0 ]; do case $1 in
    --seconds) SECS=$2; shift 2;; --rounds) ROUNDS=$2; shift 2;; --no-build) build=0; shift;;
    --workloads) WORKLOADS=$2; shift 2;;
    -h|--help) sed -n '2,9p' "$0"; exit 0;;
    *) echo "unknown arg $1 (--help)" >&2; exit 2;; esac; done
  export BENCH_DATA=${BENCH_DATA:-$ROOT/.bench-data/dns}
  export BENCH_TMP=${BENCH_TMP:-$tmp}
  mkdir -p "$BENCH_DATA" "$BENCH_TMP" "$ROOT/.bench-data/results"
  RESULTS=$ROOT/.bench-data/results/$prefix-$(date -u +%Y%m%d-%H%M%S).txt
  log() { echo "# $*" | tee -a "$RESULTS"; }
  [ -f "$BENCH_DATA/example.com.zone" ] || cp -r "$SHARED/data/." "$BENCH_DATA/"
  if [ $build = 1 ]; then
    log "building dist/ (tsc)"
    (cd "$ROOT" && npx tsc -p tsconfig.build.json >/dev/null) || log "tsc reported errors (dist emitted anyway)"
  fi
}
