#!/usr/bin/env bash
# `npm test`: everything the suite needs, then type checking and every test (unit, workflow on the
# time-skipping server, integration on the real dev server + PostgreSQL, browser).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/system-deps.sh
npx tsx scripts/temporal-binaries.ts all >/dev/null
echo "[kinerja] type checking..." >&2
npx tsc --noEmit -p .
exec npx jest --ci "$@"
