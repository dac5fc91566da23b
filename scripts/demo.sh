#!/usr/bin/env bash
# The demo behind `make demo`: example-server misbehaves on a schedule, example-client calls it
# through a fallback and a circuit breaker. Phases (seconds after the server starts):
#   0-6 healthy but 10% UNAVAILABLE errors, 6-14 outage, 14-22 recovered.
# Usage: scripts/demo.sh BIN_DIR [PORT]
set -euo pipefail
bin=${1:?usage: demo.sh BIN_DIR [PORT]}
port=${2:-50051}

"$bin/example-server" --port "$port" --error-rate 0.1 --outage-after-s 6 --outage-for-s 8 --seed 7 --run-for-s 30 &
server=$!
trap 'kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true' EXIT

# Wait (up to 10 s) until the server accepts connections.
for _ in $(seq 1 100); do
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then break; fi
  if ! kill -0 "$server" 2>/dev/null; then echo "demo: example-server exited; is port $port free?" >&2; exit 1; fi
  sleep 0.1
done

echo "demo: phases: 0-6 s flaky (10% UNAVAILABLE), 6-14 s outage, then recovery"
"$bin/example-client" --port "$port" --duration-s 22 --interval-ms 250 --timeout-ms 500 \
  --window 10 --min-calls 5 --failure-rate 0.5 --open-s 2 --probes 2 --seed 3
kill -INT "$server" 2>/dev/null || true
wait "$server" 2>/dev/null || true
trap - EXIT
