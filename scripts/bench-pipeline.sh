#!/usr/bin/env bash
# npm run bench:pipeline — starts its own stack on a database of its own and a Redis server of its
# own (so that Redis CPU is this benchmark's alone), drives it with tools/bench/pipeline.bench.ts,
# prints the figures beside the targets, stops it. Arguments go to the driver (--seconds 20,
# --before bench/results/<file>.json, --out <file>).
#
#   BENCH_API_NODE_ARGS / BENCH_WORKER_NODE_ARGS   extra node flags, e.g. --cpu-prof --cpu-prof-dir=var/prof
# Process layout (the scale-out runs of docs/benchmarks.md):
#   BENCH_WORKERS=2                              two worker processes, each running every stage
#   BENCH_WORKER_STAGES='reception,compliance;ml,violation,alerting'
#                                                one worker process per ';'-separated WORKER_STAGES list
set -euo pipefail
cd "$(dirname "$0")/.."

export DATABASE_URL=${BENCH_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/ott_compliance_bench}
redis_port=${BENCH_REDIS_PORT:-6391}
export REDIS_URL=redis://127.0.0.1:$redis_port
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

mkdir -p var
pids=()
redis=""
# The API and workers first (they shut down gracefully while their Redis is still there), then Redis.
stop() {
  kill -TERM "${pids[@]}" 2>/dev/null || true
  for _ in $(seq 1 60); do
    alive=""
    for p in "${pids[@]}"; do kill -0 "$p" 2>/dev/null && alive=1; done
    [ -z "$alive" ] && break
    sleep 0.25
  done
  kill -KILL "${pids[@]}" 2>/dev/null || true
  if [ -n "$redis" ]; then kill -TERM "$redis" 2>/dev/null || true; wait "$redis" 2>/dev/null || true; fi
}
trap stop EXIT

redis-server --port "$redis_port" --bind 127.0.0.1 --save "" --appendonly no --daemonize no \
  --logfile "$PWD/var/bench-redis.log" &
redis=$!
for _ in $(seq 1 40); do redis-cli -p "$redis_port" ping 2>/dev/null | grep -q PONG && break; sleep 0.25; done

APP_ROLE=api node ${BENCH_API_NODE_ARGS:-} dist/src/main.js >var/bench-api.log 2>&1 &
pids+=($!)
roles="api:$!"

if [ -n "${BENCH_WORKER_STAGES:-}" ]; then
  IFS=';' read -r -a stage_lists <<<"$BENCH_WORKER_STAGES"
else
  stage_lists=()
  for _ in $(seq 1 "${BENCH_WORKERS:-1}"); do stage_lists+=(""); done
fi
n=0
for stages in "${stage_lists[@]}"; do
  n=$((n + 1))
  if [ -n "$stages" ]; then
    APP_ROLE=worker WORKER_STAGES=$stages node ${BENCH_WORKER_NODE_ARGS:-} dist/src/main.js >"var/bench-worker-$n.log" 2>&1 &
    name="worker$n(${stages//,/+})"
  else
    APP_ROLE=worker node ${BENCH_WORKER_NODE_ARGS:-} dist/src/main.js >"var/bench-worker-$n.log" 2>&1 &
    name="worker$n"
  fi
  pids+=($!)
  roles="$roles,$name:$!"
done

for _ in $(seq 1 120); do curl -fsS "http://127.0.0.1:$PORT/health/ready" >/dev/null 2>&1 && break; sleep 0.5; done
export BENCH_COMMIT=${BENCH_COMMIT:-$(git rev-parse --short HEAD 2>/dev/null || true)}
echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB; PostgreSQL and Redis on the same machine"
node dist/tools/bench/pipeline.bench.js --url "http://127.0.0.1:$PORT" --pids "$roles,redis:$redis" "$@"
