#!/usr/bin/env bash
# Quick start: brings everything up on this machine, runs the demo, and leaves it running.
#   services (PostgreSQL, Redis) → dependencies → build → database + migrations →
#   server and workers (APP_ROLE=all) → readiness → the demo alert sink (a local webhook receiver
#   with a channel and a route pointing at it) → a minute of simulated OTT traffic with labelled
#   misbehaviour → a printed summary → URLs.
# The demo stack allow-lists 127.0.0.1 for webhooks (WEBHOOK_ALLOWLIST), so alerts can reach the sink.
# DEMO_SECONDS=0 skips the demo traffic. Stop the stack with: bash scripts/down.sh
set -euo pipefail
cd "$(dirname "$0")/.."

PORT=${PORT:-3000}
RUN_DIR=${RUN_DIR:-var}
mkdir -p "$RUN_DIR"

bash scripts/ensure-services.sh
if [ ! -d node_modules ]; then npm ci --no-audit --no-fund; fi
echo "[up] building"
npm run --silent build
npm run --silent db:create
echo "[up] applying migrations"
npm run --silent migration:run >/dev/null

bash scripts/down.sh >/dev/null 2>&1 || true
echo "[up] starting server and workers (log: $RUN_DIR/app.log)"
PORT=$PORT WEBHOOK_ALLOWLIST=${WEBHOOK_ALLOWLIST:-127.0.0.1} nohup node dist/src/main.js >"$RUN_DIR/app.log" 2>&1 &
echo $! >"$RUN_DIR/app.pid"

for _ in $(seq 1 120); do
  if curl -fsS "http://127.0.0.1:$PORT/health/ready" >/dev/null 2>&1; then break; fi
  if ! kill -0 "$(cat "$RUN_DIR/app.pid")" 2>/dev/null; then
    echo "[up] the server exited; last lines of $RUN_DIR/app.log:" >&2
    tail -n 20 "$RUN_DIR/app.log" >&2
    exit 1
  fi
  sleep 0.5
done
curl -fsS "http://127.0.0.1:$PORT/health/ready" >/dev/null || { echo "[up] not ready after 60 s" >&2; exit 1; }

DEMO_SECONDS=${DEMO_SECONDS:-60}
if [ "$DEMO_SECONDS" -gt 0 ]; then
  echo "[up] starting the demo alert sink (log: $RUN_DIR/demo-sink.log)"
  rm -f "$RUN_DIR/demo-sink.json"
  nohup node dist/tools/scripts/demo-alert-sink.js --api "http://127.0.0.1:$PORT" --port "${DEMO_SINK_PORT:-3099}" \
    --log "$RUN_DIR/demo-alerts.jsonl" --ready "$RUN_DIR/demo-sink.json" >"$RUN_DIR/demo-sink.log" 2>&1 &
  echo $! >"$RUN_DIR/sink.pid"
  for _ in $(seq 1 60); do
    [ -f "$RUN_DIR/demo-sink.json" ] && break
    kill -0 "$(cat "$RUN_DIR/sink.pid")" 2>/dev/null || break
    sleep 0.25
  done
  if [ -f "$RUN_DIR/demo-sink.json" ]; then cat "$RUN_DIR/demo-sink.log"; else
    echo "[up] the demo alert sink did not start (alerts are still raised, not delivered):" >&2
    tail -n 5 "$RUN_DIR/demo-sink.log" >&2
  fi
  since=$(date -u +%Y-%m-%dT%H:%M:%SZ)
  echo "[up] sending ${DEMO_SECONDS} s of simulated traffic (${DEMO_USERS:-400} viewers, ${DEMO_RATE:-250} events/s)"
  node dist/tools/scripts/simulate.js --users "${DEMO_USERS:-400}" --rate "${DEMO_RATE:-250}" --duration "$DEMO_SECONDS" \
    ${DEMO_SEED:+--seed "$DEMO_SEED"} --url "http://127.0.0.1:$PORT" --truth "$RUN_DIR/truth.json"
  echo "[up] waiting for the pipeline to drain"
  for _ in $(seq 1 120); do
    open=$(psql "${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/ott_compliance}" -tAc \
      "SELECT count(*) FROM pipeline_batches WHERE status IN ('open', 'queued') AND created_at >= '$since'" 2>/dev/null || echo 0)
    [ "$open" = "0" ] && break
    sleep 0.5
  done
  # Time-driven checks run on their own schedules (the DSR deadline check every minute); run them now
  # so the summary sees what a minute of traffic set up: deadlines, then the violations and alerts.
  echo "[up] running the scheduled checks now"
  node dist/tools/scripts/run-task.js compliance-deadlines violation-sweep alerting-pending --api "http://127.0.0.1:$PORT" ||
    echo "[up] a scheduled check did not run; the summary may miss its findings" >&2
  echo "[up] waiting for the alerts' deliveries"
  for _ in $(seq 1 60); do
    pending=$(psql "${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/ott_compliance}" -tAc \
      "SELECT count(*) FROM alerts a WHERE a.created_at >= '$since' AND cardinality(a.channel_ids) > 0
          AND NOT EXISTS (SELECT 1 FROM alert_deliveries d WHERE d.alert_id = a.id AND d.status IN ('delivered', 'dead'))" 2>/dev/null || echo 0)
    [ "$pending" = "0" ] && break
    sleep 0.5
  done
  # The rollup fold stops 2 s short of now (transactions still committing): let the last events age past it.
  sleep 2.5
  node dist/src/analytics/rebuild-rollups.js --fold >/dev/null
  echo
  node dist/tools/scripts/demo-summary.js --since "$since" --truth "$RUN_DIR/truth.json" --sink-log "$RUN_DIR/demo-alerts.jsonl"
fi

cat <<INFO

OTT Compliance Pipeline is running (pid $(cat "$RUN_DIR/app.pid"), APP_ROLE=all)
  API        http://127.0.0.1:$PORT/api/v1
  Swagger    http://127.0.0.1:$PORT/docs   (OpenAPI JSON: /docs-json)
  Health     http://127.0.0.1:$PORT/health/live   http://127.0.0.1:$PORT/health/ready
  Alerts     demo sink $(cat "$RUN_DIR/demo-sink.json" 2>/dev/null | sed -n 's/.*"url":"\([^"]*\)".*/\1/p') → $RUN_DIR/demo-alerts.jsonl
  Stop with  bash scripts/down.sh
INFO
