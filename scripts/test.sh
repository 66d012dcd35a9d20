#!/usr/bin/env bash
# The whole test suite. SQLite by default; DATABASE_URL=postgres://… runs it on PostgreSQL.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$ROOT/scripts/setup.sh"
cd "$ROOT"
.venv/bin/ruff check .
status=0
.venv/bin/python -m pytest "$@" || status=$?
# pytest exits 5 when it collected nothing: that is a failure here, not a pass.
exit $status
