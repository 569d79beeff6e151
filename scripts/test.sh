#!/usr/bin/env bash
# `npm test`: everything the suite needs, then type checking, lint (eslint.config.mjs) and every test
# (unit, workflow on the time-skipping server, integration on the real dev server + PostgreSQL,
# browser), then the fault suite (test/faults: kill -9, server restarts, a stopped PostgreSQL, schemathesis fuzzing, secrets
# searched for), which starts and breaks its own servers.
#   npm test                     everything
#   npm test -- PATTERN…         the main suite, only the matching files (no fault suite)
#   npm run test:faults [-- PATTERN…]   the fault suite alone
#   KINERJA_SKIP_FAULTS=1 npm test      the main suite alone
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/system-deps.sh
npx tsx scripts/temporal-binaries.ts all >/dev/null
# the cluster tests' Temporal server, schema tool and Web UI server (built once, about 11 minutes; cached)
npx tsx scripts/temporal-cluster-binaries.ts all >/dev/null
npx tsx scripts/dss-validator.ts >/dev/null
if [ "${1:-}" = "--faults-only" ]; then
  shift
  exec npx jest --ci -c jest.faults.config.js "$@"
fi
echo "[kinerja] type checking..." >&2
npx tsc --noEmit -p .
echo "[kinerja] lint (eslint.config.mjs)..." >&2
npx eslint .
if [ $# -gt 0 ] || [ "${KINERJA_SKIP_FAULTS:-}" = "1" ]; then
  if [ $# -gt 0 ]; then
    echo "[kinerja] fault suite (test/faults) skipped: file patterns given (npm run test:faults runs it)" >&2
  else
    echo "[kinerja] fault suite (test/faults) skipped: KINERJA_SKIP_FAULTS=1 (npm run test:faults runs it)" >&2
  fi
  exec npx jest --ci "$@"
fi
npx jest --ci
echo "[kinerja] fault, fuzz and security suite (test/faults)..." >&2
exec npx jest --ci -c jest.faults.config.js
