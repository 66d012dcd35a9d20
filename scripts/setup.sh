#!/usr/bin/env bash
# Shared set-up: Debian packages the product and its tests need, and the Python venv.
# Safe to run again: it installs only what is missing.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

apt_missing=()
have_lib() { ldconfig -p 2>/dev/null | grep -q "$1"; }
command -v python3 >/dev/null || apt_missing+=(python3 python3-venv)
have_lib libpango-1.0 || apt_missing+=(libpango-1.0-0 libpangoft2-1.0-0)
fc-list 2>/dev/null | grep -qi "Noto Sans CJK" || apt_missing+=(fonts-noto-cjk)
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
stamp=.venv/.tongxing-installed
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
  .venv/bin/pip install -q --disable-pip-version-check --upgrade pip
  .venv/bin/pip install -q --disable-pip-version-check -e ".[test]"
  touch "$stamp"
fi
