#!/usr/bin/env bash
# The whole test suite: unit tests and e2e tests against real PostgreSQL and Redis.
# Works on a fresh machine: installs dependencies and starts the services it needs.
# Ends with one line "N passed, N failed".
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/ensure-services.sh
if [ ! -d node_modules ]; then npm ci --no-audit --no-fund; fi
npm run --silent build   # the e2e tests also start the compiled entry point

results=$(mktemp)
status=0
npx jest --runInBand --json --outputFile="$results" "$@" || status=$?
# A suite that fails to load counts as a failure even when it ran no test.
node -e '
  const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
  const broken = r.numFailedTests === 0 ? r.numFailedTestSuites : 0;
  const skipped = r.numPendingTests + r.numTodoTests;
  console.log(`${r.numPassedTests} passed, ${r.numFailedTests + broken} failed` + (skipped ? `, ${skipped} skipped` : ""));
' "$results"
rm -f "$results"
exit $status
