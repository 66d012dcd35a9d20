#!/usr/bin/env bash
# Shared set-up: Debian packages the product and its tests need, and the Python venv.
# Safe to run again: it installs only what is missing.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

apt_missing=()
# grep without -q reads to the end: with pipefail, -q would kill the writer (SIGPIPE) and read as "missing".
have_lib() { ldconfig -p 2>/dev/null | grep "$1" >/dev/null; }
command -v python3 >/dev/null || apt_missing+=(python3 python3-venv)
have_lib libpango-1.0 || apt_missing+=(libpango-1.0-0 libpangoft2-1.0-0)
fc-list 2>/dev/null | grep -i "Noto Sans CJK" >/dev/null || apt_missing+=(fonts-noto-cjk)
command -v pdftotext >/dev/null || apt_missing+=(poppler-utils)  # tests read the PDF report's text
if [ "${TONGXING_BROWSER:-1}" = "1" ]; then command -v chromium >/dev/null || apt_missing+=(chromium); fi
if [ ${#apt_missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = "0" ]; then
    echo "Installing Debian packages: ${apt_missing[*]}"
    # Wait for another apt/dpkg (unattended upgrades, a second set-up) instead of failing at once.
    apt_wait=(-o DPkg::Lock::Timeout=600)
    apt-get "${apt_wait[@]}" update -qq
    DEBIAN_FRONTEND=noninteractive apt-get "${apt_wait[@]}" install -y -qq "${apt_missing[@]}" >/dev/null
  else
    echo "Please install these Debian packages (as root): ${apt_missing[*]}" >&2
  fi
fi

if [ ! -x .venv/bin/python ]; then
  python3 -m venv .venv
fi
# Exact versions with their hashes (requirements-test.lock: the product's lock plus the test tools),
# so two installs a month apart are the same; scripts/lock.sh refreshes both lock files.
stamp=.venv/.tongxing-installed
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ] || [ requirements-test.lock -nt "$stamp" ]; then
  pip=(.venv/bin/pip install -q --disable-pip-version-check)
  "${pip[@]}" --upgrade pip
  "${pip[@]}" --require-hashes -r requirements-test.lock
  "${pip[@]}" --no-deps -e .
  if ! .venv/bin/python scripts/lock_covers.py; then
    # Someone added a dependency without refreshing the lock: install it unpinned rather than fail.
    echo "WARNING: requirements-test.lock is missing what pyproject.toml asks for; run scripts/lock.sh" >&2
    "${pip[@]}" -e ".[test]"
  fi
  touch "$stamp"
fi
