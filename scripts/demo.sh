#!/usr/bin/env bash
# The demo behind `make demo`: flaky-server misbehaves in phases while example-client's callers
# go through the recommended chain (fallback, overall timeout, retry, circuit breaker) and print
# a live line each second. The server's phase lines show up between the client's lines.
#
# Phases (seconds after the server starts):
#   0-5   healthy
#   5-15  flaky: 30% UNAVAILABLE, 1-5 ms latency, 5% of calls 400 ms slow; retries rescue most
#         failed calls (a slow attempt is cut off after 200 ms and retried), the breaker stays closed
#   15-23 outage: every call fails UNAVAILABLE; the breaker opens, fallbacks answer (the cached
#         last good response while it is under 5 s old, then the default), probes every 2 s fail
#   23-   recovery (healthy): the next probes succeed and the breaker closes
# The client stops at 33 s, prints its summary, then the server stops and prints its counters.
# Usage: scripts/demo.sh BIN_DIR [PORT]
set -euo pipefail
bin=${1:?usage: demo.sh BIN_DIR [PORT]}
port=${2:-50051}
log=$(mktemp)
server=""
follower=""
cleanup() {
  if [ -n "$server" ]; then kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; fi
  if [ -n "$follower" ]; then kill "$follower" 2>/dev/null || true; wait "$follower" 2>/dev/null || true; fi
  rm -f "$log"
}
trap cleanup EXIT

# --quiet: no line per injected fault; the phase, listening and stopped lines still print.
# --run-for-s is a backstop only: the script stops the server once the client is done.
"$bin/flaky-server" --port "$port" --seed 7 --quiet --run-for-s 50 \
  --phases healthy:5,flaky:10,outage:8,healthy:10 \
  --error-rate 0.3 --error-code UNAVAILABLE --latency-ms 1-5 --tail-rate 0.05 --tail-ms 400 \
  >"$log" 2>&1 &
server=$!

# Wait (up to 10 s) for the server's own "listening" line, so that a different program already
# on the port is never mistaken for it.
for _ in $(seq 1 100); do
  if grep -q "listening on" "$log"; then break; fi
  if ! kill -0 "$server" 2>/dev/null; then
    cat "$log" >&2
    echo "demo: flaky-server did not start; is port $port free? (make demo DEMO_PORT=50052 picks another)" >&2
    exit 1
  fi
  sleep 0.1
done
if ! grep -q "listening on" "$log"; then
  cat "$log" >&2; echo "demo: flaky-server did not report listening within 10 s" >&2; exit 1
fi
grep "listening on" "$log"

# The server's phase lines, as they come, between the client's lines (tail stops with the server).
tail -n +1 -f --pid="$server" "$log" | grep --line-buffered "flaky-server: phase" | sed -u 's/^/>> /' &
follower=$!

status=0
"$bin/example-client" --port "$port" --duration-s 32.5 --concurrency 4 --interval-ms 100 \
  --timeout-ms 1000 --attempt-timeout-ms 200 --max-attempts 3 \
  --window 100 --min-calls 40 --failure-rate 0.6 --open-s 2 --probes 2 --cache-max-age-s 5 --seed 3 || status=$?

kill -INT "$server" 2>/dev/null || true
wait "$server" 2>/dev/null || true
server=""
wait "$follower" 2>/dev/null || true
follower=""
grep "flaky-server stopped" "$log" || true
exit "$status"
