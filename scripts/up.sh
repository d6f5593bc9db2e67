#!/usr/bin/env bash
# Quick start: brings everything up on this machine, runs the demo, and leaves it running.
#   services (PostgreSQL, Redis) → dependencies → build → database + migrations →
#   server and workers (APP_ROLE=all) → readiness → a minute of simulated OTT traffic with
#   labelled misbehaviour → a printed summary → URLs.
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
PORT=$PORT nohup node dist/src/main.js >"$RUN_DIR/app.log" 2>&1 &
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
  since=$(date -u +%Y-%m-%dT%H:%M:%SZ)
  echo "[up] sending ${DEMO_SECONDS} s of simulated traffic (${DEMO_USERS:-400} viewers, ${DEMO_RATE:-250} events/s)"
  node dist/scripts/simulate.js --users "${DEMO_USERS:-400}" --rate "${DEMO_RATE:-250}" --duration "$DEMO_SECONDS" \
    --seed "${DEMO_SEED:-7}" --url "http://127.0.0.1:$PORT" --truth "$RUN_DIR/truth.json"
  echo "[up] waiting for the pipeline to drain"
  for _ in $(seq 1 120); do
    open=$(psql "${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/ott_compliance}" -tAc \
      "SELECT count(*) FROM pipeline_batches WHERE status IN ('open', 'queued') AND created_at >= '$since'" 2>/dev/null || echo 0)
    [ "$open" = "0" ] && break
    sleep 0.5
  done
  node dist/src/analytics/rebuild-rollups.js --fold >/dev/null
  echo
  node dist/scripts/demo-summary.js --since "$since" --truth "$RUN_DIR/truth.json"
fi

cat <<INFO

OTT Compliance Pipeline is running (pid $(cat "$RUN_DIR/app.pid"), APP_ROLE=all)
  API        http://127.0.0.1:$PORT/api/v1
  Swagger    http://127.0.0.1:$PORT/docs   (OpenAPI JSON: /docs-json)
  Health     http://127.0.0.1:$PORT/health/live   http://127.0.0.1:$PORT/health/ready
  Stop with  bash scripts/down.sh
INFO
