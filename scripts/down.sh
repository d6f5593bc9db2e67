#!/usr/bin/env bash
# Stops what scripts/up.sh started: SIGTERM, so workers finish or hand back their jobs.
set -euo pipefail
cd "$(dirname "$0")/.."
RUN_DIR=${RUN_DIR:-var}
# The demo alert sink, if up.sh started one.
if [ -f "$RUN_DIR/sink.pid" ]; then
  kill -TERM "$(cat "$RUN_DIR/sink.pid")" 2>/dev/null || true
  rm -f "$RUN_DIR/sink.pid"
fi
PID_FILE=$RUN_DIR/app.pid
[ -f "$PID_FILE" ] || { echo "nothing to stop"; exit 0; }
pid=$(cat "$PID_FILE")
if kill -0 "$pid" 2>/dev/null; then
  kill -TERM "$pid"
  for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
  kill -0 "$pid" 2>/dev/null && { echo "still running after 30 s; sending SIGKILL"; kill -KILL "$pid"; }
fi
rm -f "$PID_FILE"
echo "stopped"
