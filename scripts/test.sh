#!/usr/bin/env bash
# The whole suite, as CI runs it: lint, types, tests on SQLite (with the two-node federation
# and browser tests), then the suite again on a real PostgreSQL server.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin

bash scripts/system-deps.sh

echo "== ruff"
$BIN/ruff check .
$BIN/ruff format --check .
echo "== mypy"
$BIN/mypy liaison

started_pg=""
if [ -z "${LIAISON_TEST_PG_URL:-}" ]; then
  LIAISON_TEST_PG_URL=$(bash scripts/pg-cluster.sh start .pg)
  started_pg=1
fi
export LIAISON_TEST_PG_URL
cleanup() { if [ -n "$started_pg" ]; then bash scripts/pg-cluster.sh stop .pg; fi; }
trap cleanup EXIT

echo "== pytest on SQLite (unit, federation, browser)"
$BIN/pytest -q -p no:cacheprovider

echo "== pytest on PostgreSQL"
LIAISON_DATABASE_URL="$LIAISON_TEST_PG_URL" $BIN/pytest -q -p no:cacheprovider -m "not browser and not federation"
