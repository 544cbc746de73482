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
