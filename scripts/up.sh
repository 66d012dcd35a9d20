#!/usr/bin/env bash
# Set up and run Tongxing on the embedded SQLite database with a demo centre.
# TONGXING_ADDR=HOST:PORT (or just PORT) chooses where it listens; default 127.0.0.1:8000.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TONGXING_BROWSER=0 "$ROOT/scripts/setup.sh"
cd "$ROOT"
addr="${TONGXING_ADDR:-127.0.0.1:8000}"
case "$addr" in *:*) ;; *) addr="127.0.0.1:$addr" ;; esac
.venv/bin/tongxing migrate --noinput -v 0
.venv/bin/tongxing demo
echo "Open http://$addr/"
# The production server (gunicorn, hashed static files, the background task worker), as a centre runs it.
exec .venv/bin/tongxing serve --bind "$addr"
