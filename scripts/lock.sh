#!/usr/bin/env bash
# Refresh the lock files from pyproject.toml: newest versions PyPI has that fit, with their hashes.
#   requirements.lock       what the product runs on (production installs this)
#   requirements-test.lock  the same versions plus the test tools (setup.sh and CI install this)
# Then run ./scripts/test.sh and commit both files with pyproject.toml.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
[ -x .venv/bin/uv ] || .venv/bin/pip install -q --disable-pip-version-check uv
compile=(.venv/bin/uv pip compile pyproject.toml --universal --python-version 3.11 --generate-hashes -q)
"${compile[@]}" "$@" -o requirements.lock
"${compile[@]}" "$@" --extra test -c requirements.lock -o requirements-test.lock
echo "requirements.lock and requirements-test.lock refreshed; run ./scripts/test.sh, then commit them."
