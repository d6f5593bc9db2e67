#!/usr/bin/env bash
# npm run bench:pipeline — starts its own stack (one API process, one worker process) on a
# database of its own, drives it with tools/bench/pipeline.bench.ts, prints the figures, stops it.
set -euo pipefail
cd "$(dirname "$0")/.."

export DATABASE_URL=${BENCH_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/ott_compliance_bench}
export QUEUE_PREFIX=bench
export PORT=${BENCH_PORT:-3300}
export LOG_LEVEL=warn
export THROTTLE_PER_IP_PER_HOUR=100000000
export WORKER_CONCURRENCY=${WORKER_CONCURRENCY:-2}
# the benchmark's own alert receiver listens on 127.0.0.1
export WEBHOOK_ALLOWLIST=127.0.0.1

bash scripts/ensure-services.sh >/dev/null
[ -d node_modules ] || npm ci --no-audit --no-fund
npm run --silent build
psql -h 127.0.0.1 -U postgres -d postgres -qc 'DROP DATABASE IF EXISTS ott_compliance_bench WITH (FORCE)'
npm run --silent db:create >/dev/null
npm run --silent migration:run >/dev/null
redis-cli --scan --pattern 'bench:*' | xargs -r redis-cli unlink >/dev/null

mkdir -p var
APP_ROLE=api node dist/src/main.js >var/bench-api.log 2>&1 &
api=$!
APP_ROLE=worker node dist/src/main.js >var/bench-worker.log 2>&1 &
worker=$!
trap 'kill -TERM $api $worker 2>/dev/null; wait $api $worker 2>/dev/null || true' EXIT

for _ in $(seq 1 120); do curl -fsS "http://127.0.0.1:$PORT/health/ready" >/dev/null 2>&1 && break; sleep 0.5; done
echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB; PostgreSQL and Redis on the same machine"
node dist/tools/bench/pipeline.bench.js --url "http://127.0.0.1:$PORT" --pids "api:$api,worker:$worker" "$@"
