"""Exit 1, naming them, when installed packages do not satisfy pyproject.toml's requirements (and the test extra).

setup.sh runs it after installing requirements-test.lock: a dependency added to pyproject.toml
without `scripts/lock.sh` shows up here.
"""

import sys
from importlib.metadata import PackageNotFoundError, requires, version

from packaging.requirements import Requirement

missing = []
for line in requires("tongxing") or []:
    req = Requirement(line)
    if req.marker and not req.marker.evaluate({"extra": "test"}):
        continue
    try:
        installed = version(req.name)
    except PackageNotFoundError:
        missing.append(f"{req} (not installed)")
        continue
    if not req.specifier.contains(installed, prereleases=True):
        missing.append(f"{req} (installed {installed})")
for line in missing:
    print(f"not in the lock: {line}", file=sys.stderr)
sys.exit(1 if missing else 0)
