#!/usr/bin/env bash
# Shows that the README's test command leaves a running stack's data intact: run it after
# `bash scripts/up.sh`, on the same machine. It takes a fingerprint of the stack's data (row counts
# of every table of the stack's database; the stack's viewer-state keys and queue metadata in its
# Redis), runs the whole test suite (or the command given as arguments), takes the fingerprint
# again, and fails if anything of the stack's went missing. The tests use their own database and
# key prefixes (TEST_DATABASE_URL, TEST_REDIS_URL), so nothing should.
#   bash scripts/up.sh && bash scripts/check-test-isolation.sh
set -euo pipefail
cd "$(dirname "$0")/.."

DATABASE_URL=${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/ott_compliance}
REDIS_URL=${REDIS_URL:-redis://127.0.0.1:6379}
QUEUE_PREFIX=${QUEUE_PREFIX:-ott}
PORT=${PORT:-3000}

fingerprint() {
  psql "$DATABASE_URL" -Atqc "SELECT format('SELECT %L || '' '' || count(*) FROM %I;', table_name, table_name)
                                 FROM information_schema.tables
                                WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY 1" |
    psql "$DATABASE_URL" -Atq
  echo "redis:viewer-state $(redis-cli -u "$REDIS_URL" --scan --pattern "$QUEUE_PREFIX:ml:*" | wc -l)"
  echo "redis:queue-meta $(redis-cli -u "$REDIS_URL" --scan --pattern "$QUEUE_PREFIX:*:meta" | wc -l)"
}

curl -fsS "http://127.0.0.1:$PORT/health/ready" >/dev/null || { echo "no stack answers on port $PORT: run bash scripts/up.sh first" >&2; exit 2; }
before=$(mktemp); after=$(mktemp)
fingerprint >"$before"
[ "$(grep -c . "$before")" -gt 2 ] || { echo "the stack's database has no tables: nothing to compare" >&2; exit 2; }

status=0
if [ "$#" -gt 0 ]; then "$@" || status=$?; else bash scripts/test.sh || status=$?; fi

fingerprint >"$after"
# The stack keeps working meanwhile (rollups, sweeps), so counts may grow; none may shrink.
lost=$(join "$before" "$after" | awk '$3 < $2 { print "  " $1 ": " $2 " before, " $3 " after" }')
missing=$(join -v1 "$before" "$after" | awk '{ print "  " $1 ": gone" }')
curl -fsS "http://127.0.0.1:$PORT/health/ready" >/dev/null || missing="$missing
  the stack no longer answers /health/ready"
rm -f "$before" "$after"
if [ -n "$lost$missing" ]; then
  printf 'the test run touched the running stack:\n%s\n%s\n' "$lost" "$missing" >&2
  exit 1
fi
echo "the running stack's data is intact: no table lost rows, viewer state and queues are all there"
# The comparison stands either way; a failing test command still fails the check.
exit "$status"
