"""Issue 15 benchmark: process start-up, `tongxing --help` and a web worker loading the application and URLconf.

Each is run in a fresh interpreter 9 times; prints the median wall time and the median CPU time (user + system,
less sensitive to a busy shared machine), and the heavy libraries loaded. Target: both under 0.5 s.

    .venv/bin/python bench/startup.py
    TONGXING_CODE=/path/to/other/checkout .venv/bin/python bench/startup.py   # the same for another checkout
"""

import os
import resource
import statistics
import subprocess
import sys
import time

HEAVY = ("scipy", "numpy", "matplotlib", "weasyprint", "openpyxl", "PIL", "pandas")
# Another checkout's code first, the editable install's finder (which always answers with this one) set aside.
PRELUDE = """
import os, sys
if os.environ.get("TONGXING_CODE"):
    sys.meta_path = [f for f in sys.meta_path if not getattr(f, "__module__", "").startswith("__editable__")]
    sys.path.insert(0, os.environ["TONGXING_CODE"])
"""
HELP = PRELUDE + """
from tongxing.cli import main
try:
    main(["--help"])
except SystemExit:
    pass
"""
WORKER = PRELUDE + """
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tongxing.settings")
from tongxing.wsgi import application
from django.urls import get_resolver
get_resolver().url_patterns
heavy = sorted({name.split(".")[0] for name in sys.modules} & set(sys.argv[1:]))
print("heavy libraries loaded:", ", ".join(heavy) or "none", file=sys.stderr)
"""


def run(code, runs=9):
    walls, cpus, note = [], [], ""
    for _ in range(runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        done = subprocess.run([sys.executable, "-c", code, *HEAVY], capture_output=True, text=True, check=True)
        walls.append(time.perf_counter() - started)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
        note = done.stderr.strip().splitlines()[-1] if done.stderr.strip() else ""
    return statistics.median(walls), statistics.median(cpus), note


def main():
    code = os.environ.get("TONGXING_CODE", "this checkout")
    baseline = run("pass")
    print(f"[{code}] bare interpreter: wall {baseline[0] * 1000:.0f} ms, cpu {baseline[1] * 1000:.0f} ms")
    for name, script in (("tongxing --help", HELP), ("web worker start (wsgi + URLconf)", WORKER)):
        wall, cpu, note = run(script)
        print(f"[{code}] {name}: median wall {wall * 1000:.0f} ms, median cpu {cpu * 1000:.0f} ms"
              + (f"; {note}" if note else ""))


if __name__ == "__main__":
    main()
