"""Issue 15 benchmark: process start-up, `tongxing --help` and a web worker loading the application and URLconf.

Each is run in a fresh interpreter 9 times; prints the median wall time and the median CPU time (user + system,
less sensitive to a busy shared machine), and the heavy libraries loaded. Target: both under 0.5 s.
For the web worker it also prints the figures at the moment it is ready to serve (application and URLconf
loaded: what a gunicorn worker pays before its first request; the whole-process figure adds the interpreter's
shutdown, a collection of every object, which a worker pays only when it exits) and after its first request
(the sign-in page, served in-process through the WSGI application: templates and URL reversal loaded).
The bytecode of the measured checkout is compiled first, as an install does (PYTHONDONTWRITEBYTECODE would
otherwise make every run compile the sources again).

    .venv/bin/python bench/startup.py
    TONGXING_CODE=/path/to/other/checkout .venv/bin/python bench/startup.py   # the same for another checkout
"""

import compileall
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time

HEAVY = ("scipy", "numpy", "matplotlib", "weasyprint", "openpyxl", "PIL", "pandas")
# Another checkout's code first, the editable install's finder (which always answers with this one) set aside.
PRELUDE = """
import os, sys
if os.environ.get("TONGXING_CODE"):
    sys.meta_path = [f for f in sys.meta_path if not getattr(f, "__module__", "").startswith("__editable__")]
    sys.path.insert(0, os.environ["TONGXING_CODE"])
"""
# A worker starts on a migrated database with its static files collected (`tongxing serve` collects them first);
# without them the first request measured would be an error page, not the sign-in page.
PREPARE = PRELUDE + """
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tongxing.settings")
import django
django.setup()
from django.core.management import call_command
call_command("migrate", interactive=False, verbosity=0)
call_command("collectstatic", interactive=False, verbosity=0)
"""
HELP = PRELUDE + """
from tongxing.cli import main
try:
    main(["--help"])
except SystemExit:
    pass
"""
WORKER = PRELUDE + """
import io, json, time
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tongxing.settings")
from tongxing.wsgi import application
from django.urls import get_resolver
get_resolver().url_patterns
ready = {"wall": time.time() - float(os.environ["BENCH_STARTED"]), "cpu": time.process_time()}
heavy = sorted({name.split(".")[0] for name in sys.modules} & set(sys.argv[1:]))
environ = {"REQUEST_METHOD": "GET", "PATH_INFO": "/login/", "SERVER_NAME": "127.0.0.1", "SERVER_PORT": "80",
           "wsgi.url_scheme": "http", "wsgi.input": io.BytesIO(), "wsgi.errors": sys.stderr}
status = []
b"".join(application(environ, lambda s, h, e=None: status.append(s)))
served = {"wall": time.time() - float(os.environ["BENCH_STARTED"]), "cpu": time.process_time()}
print(json.dumps({"ready": ready, "served": served, "status": status[0]}))
print("heavy libraries loaded:", ", ".join(heavy) or "none", file=sys.stderr)
"""


def run(code, runs=9):
    walls, cpus, stages, note = [], [], [], ""
    for _ in range(runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        env = {**os.environ, "BENCH_STARTED": repr(time.time())}
        done = subprocess.run([sys.executable, "-c", code, *HEAVY], capture_output=True, text=True, check=True,
                              env=env)
        walls.append(time.perf_counter() - started)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
        note = done.stderr.strip().splitlines()[-1] if done.stderr.strip() else ""
        if done.stdout.strip().startswith("{"):
            stages.append(json.loads(done.stdout.strip().splitlines()[-1]))
    return statistics.median(walls), statistics.median(cpus), note, stages


def _stage(stages, name):
    wall = statistics.median(s[name]["wall"] for s in stages) * 1000
    cpu = statistics.median(s[name]["cpu"] for s in stages) * 1000
    return f"median wall {wall:.0f} ms, median cpu {cpu:.0f} ms"


def main():
    code = os.environ.get("TONGXING_CODE", "this checkout")
    tree = os.path.join(os.environ.get("TONGXING_CODE") or os.path.dirname(os.path.dirname(__file__)), "tongxing")
    compileall.compile_dir(tree, quiet=1)
    home = tempfile.TemporaryDirectory(prefix="tongxing-startup-")
    os.environ.update(TONGXING_HOME=home.name, DATABASE_URL=f"sqlite:///{home.name}/startup.sqlite3")
    subprocess.run([sys.executable, "-c", PREPARE], check=True)
    baseline = run("pass")
    print(f"[{code}] bare interpreter: wall {baseline[0] * 1000:.0f} ms, cpu {baseline[1] * 1000:.0f} ms")
    for name, script in (("tongxing --help", HELP), ("web worker start (wsgi + URLconf)", WORKER)):
        wall, cpu, note, stages = run(script)
        print(f"[{code}] {name}: median wall {wall * 1000:.0f} ms, median cpu {cpu * 1000:.0f} ms"
              + (f"; {note}" if note else ""))
        if stages:
            print(f"[{code}]   ready to serve: {_stage(stages, 'ready')}")
            print(f"[{code}]   first request served ({stages[0]['status']}): {_stage(stages, 'served')}")


if __name__ == "__main__":
    main()
