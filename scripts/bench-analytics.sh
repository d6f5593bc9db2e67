#!/usr/bin/env bash
# npm run bench:analytics — loads 10 million events (and what the pipeline derives from them) into a
# database of its own, rebuilds the rollups, times an incremental fold, starts the app, and prints
# p50/p95 of every analytics endpoint over 30 days, cold and warm, and the time of 30-day reports.
#
#   BENCH_EVENTS=10000000        events in the 30-day window (1,000,000 more in the 30 days before)
#   BENCH_DATABASE_URL=…         default postgres://postgres@127.0.0.1:5432/ott_analytics_bench
#   BENCH_REUSE=1                keep an already loaded bench database (skips the load, a few minutes)
set -euo pipefail
cd "$(dirname "$0")/.."

export DATABASE_URL=${BENCH_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/ott_analytics_bench}
export QUEUE_PREFIX=bench-analytics
export PORT=${BENCH_PORT:-3310}
export LOG_LEVEL=warn
export THROTTLE_PER_IP_PER_HOUR=100000000
export THROTTLE_LOGIN_PER_MINUTE=1000
export DATABASE_POOL_SIZE=10
EVENTS=${BENCH_EVENTS:-10000000}
DIST=${BENCH_DIST:-dist}

bash scripts/ensure-services.sh >/dev/null
[ -d node_modules ] || npm ci --no-audit --no-fund
[ -n "${BENCH_SKIP_BUILD:-}" ] || npm run --silent build

db_name=$(node -e 'console.log(decodeURIComponent(new URL(process.env.DATABASE_URL).pathname.slice(1)))')
loaded=$(psql "$DATABASE_URL" -tAc "SELECT count(*) > 0 FROM rollup_watermarks WHERE rebuilt_at IS NOT NULL" 2>/dev/null || echo f)
if [ -z "${BENCH_REUSE:-}" ] || [ "$loaded" != "t" ]; then
  psql -h 127.0.0.1 -U postgres -d postgres -qc "DROP DATABASE IF EXISTS \"$db_name\" WITH (FORCE)"
  node "$DIST/src/database/create-database.js" >/dev/null
  node ./node_modules/typeorm/cli.js migration:run -d "$DIST/src/database/data-source.js" >/dev/null
  fresh=1
fi
redis-cli --scan --pattern "$QUEUE_PREFIX:*" | xargs -r redis-cli unlink >/dev/null

mkdir -p var
app=
start_app() {
  APP_ROLE=all node "$DIST/src/main.js" >>var/bench-analytics-app.log 2>&1 &
  app=$!
  for _ in $(seq 1 120); do curl -fsS "http://127.0.0.1:$PORT/health/ready" >/dev/null 2>&1 && return 0; sleep 0.5; done
  echo "the app did not become ready (var/bench-analytics-app.log)" >&2
  return 1
}
stop_app() {
  if [ -n "$app" ]; then kill -TERM "$app" 2>/dev/null || true; wait "$app" 2>/dev/null || true; app=; fi
}
trap stop_app EXIT
: >var/bench-analytics-app.log

echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB; PostgreSQL and Redis on the same machine"
if [ -n "${fresh:-}" ]; then
  # One start seeds the compliance rule packs, which the load draws its violations from; the app is
  # stopped again so that its scheduled rollup fold does not race the timed fold below.
  start_app
  stop_app
  started=$(date +%s)
  node "$DIST/tools/bench/analytics.bench.js" load --events "$EVENTS"
  echo "  load total $(( $(date +%s) - started )) s"
  echo "rollup rebuild from the raw tables (node $DIST/src/analytics/rebuild-rollups.js):"
  node "$DIST/src/analytics/rebuild-rollups.js" | node -e 'const r=JSON.parse(require("fs").readFileSync(0,"utf8"));console.log(`  ${(r.durationMs/1000).toFixed(1)} s; source rows: ${Object.entries(r.rows).map(([k,v])=>`${k} ${v.toLocaleString("en-US")}`).join(", ")}`)'
fi
psql "$DATABASE_URL" -tAc "SELECT 'rollup rows: events_hourly ' || (SELECT count(*) FROM rollup_events_hourly) || ', findings_daily ' || (SELECT count(*) FROM rollup_findings_daily) || ', violations_daily ' || (SELECT count(*) FROM rollup_violations_daily) || ', user_risk_daily ' || (SELECT count(*) FROM rollup_user_risk_daily) || ', consents_daily ' || (SELECT count(*) FROM rollup_consents_daily)" | sed 's/^/  /'

echo "incremental fold of new events (what the scheduler does every 20 s):"
node "$DIST/tools/bench/analytics.bench.js" fold --events 100000
sleep 3 # the maintainer folds rows written at least 2 s ago
node "$DIST/src/analytics/rebuild-rollups.js" --fold | node -e 'const r=JSON.parse(require("fs").readFileSync(0,"utf8"));console.log(`  ${r.durationMs} ms for ${r.rows.events.toLocaleString("en-US")} events`)'
node "$DIST/src/analytics/rebuild-rollups.js" --fold | node -e 'const r=JSON.parse(require("fs").readFileSync(0,"utf8"));console.log(`  ${r.durationMs} ms for the next fold (nothing new)`)'

start_app
node "$DIST/tools/bench/analytics.bench.js" measure --url "http://127.0.0.1:$PORT" "$@"
