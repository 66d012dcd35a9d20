#!/usr/bin/env bash
# Set up and run Tongxing on the embedded SQLite database with a demo centre.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TONGXING_BROWSER=0 "$ROOT/scripts/setup.sh"
cd "$ROOT"
.venv/bin/tongxing migrate --noinput -v 0
.venv/bin/tongxing demo
exec .venv/bin/tongxing runserver "${TONGXING_ADDR:-127.0.0.1:8000}"
