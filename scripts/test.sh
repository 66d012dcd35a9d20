#!/usr/bin/env bash
# The whole test suite. SQLite by default; DATABASE_URL=postgres://… runs it on PostgreSQL.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$ROOT/scripts/setup.sh"
cd "$ROOT"
.venv/bin/ruff check .
status=0
# One test worker per core (pytest-xdist), each test file on one worker so a module's shared world is built once;
# TONGXING_TEST_WORKERS=0 runs every test in this one process.
workers=${TONGXING_TEST_WORKERS:-$(nproc)}
.venv/bin/python -m pytest -n "$workers" --dist loadfile "$@" || status=$?
# pytest exits 5 when it collected nothing: that is a failure here, not a pass.
exit $status
