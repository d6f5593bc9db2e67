#!/usr/bin/env bash
# Quick start: brings everything up on this machine and leaves it running.
#   services (PostgreSQL, Redis) → dependencies → build → database + migrations →
#   server and workers (APP_ROLE=all) → readiness → URLs.
# Stop it with: bash scripts/down.sh
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

cat <<INFO

OTT Compliance Pipeline is running (pid $(cat "$RUN_DIR/app.pid"), APP_ROLE=all)
  API        http://127.0.0.1:$PORT/api/v1
  Swagger    http://127.0.0.1:$PORT/docs   (OpenAPI JSON: /docs-json)
  Health     http://127.0.0.1:$PORT/health/live   http://127.0.0.1:$PORT/health/ready
  Stop with  bash scripts/down.sh
INFO
