#!/usr/bin/env bash
# The demo behind `make demo`: example-server misbehaves on a schedule, example-client calls it
# through a fallback and a circuit breaker. Phases (seconds after the server starts):
#   0-6 healthy but 10% UNAVAILABLE errors, 6-14 outage, 14-22 recovered.
# Usage: scripts/demo.sh BIN_DIR [PORT]
set -euo pipefail
bin=${1:?usage: demo.sh BIN_DIR [PORT]}
port=${2:-50051}
log=$(mktemp)

"$bin/example-server" --port "$port" --error-rate 0.1 --outage-after-s 6 --outage-for-s 8 --seed 7 --run-for-s 30 >"$log" 2>&1 &
server=$!
trap 'kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; rm -f "$log"' EXIT

# Wait (up to 10 s) for the server's own "listening" line, so that a different program already
# on the port is never mistaken for it.
for _ in $(seq 1 100); do
  if grep -q "listening on" "$log"; then break; fi
  if ! kill -0 "$server" 2>/dev/null; then
    cat "$log" >&2
    echo "demo: example-server did not start; is port $port free? (make demo DEMO_PORT=50052 picks another)" >&2
    exit 1
  fi
  sleep 0.1
done
if ! grep -q "listening on" "$log"; then
  cat "$log" >&2; echo "demo: example-server did not report listening within 10 s" >&2; exit 1
fi
cat "$log"

echo "demo: phases: 0-6 s flaky (10% UNAVAILABLE), 6-14 s outage, then recovery"
"$bin/example-client" --port "$port" --duration-s 22 --interval-ms 250 --timeout-ms 500 \
  --window 10 --min-calls 5 --failure-rate 0.5 --open-s 2 --probes 2 --seed 3
kill -INT "$server" 2>/dev/null || true
wait "$server" 2>/dev/null || true
grep -v "listening on" "$log" || true
rm -f "$log"
trap - EXIT
