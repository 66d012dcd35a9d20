import os
import signal
import subprocess
import sys
import time

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError

from tongxing.server import health


def default_workers():
    """Gunicorn's rule of thumb for synchronous workers: two per CPU, plus one."""
    return 2 * (os.cpu_count() or 1) + 1


class Command(BaseCommand):
    help = (
        "Serve Tongxing in production: gunicorn's workers on --bind (or TONGXING_ADDR), hashed and "
        "compressed static files, and a background task worker. SIGHUP restarts gracefully."
    )

    def add_arguments(self, parser):
        parser.add_argument("--bind", default=os.environ.get("TONGXING_ADDR", "127.0.0.1:8000"),
                            help="HOST:PORT to listen on (default: TONGXING_ADDR or 127.0.0.1:8000)")
        parser.add_argument("--workers", type=int,
                            default=int(os.environ.get("TONGXING_WORKERS") or default_workers()),
                            help="web worker processes (default: TONGXING_WORKERS or 2 × CPUs + 1)")
        parser.add_argument("--timeout", type=int, default=int(os.environ.get("TONGXING_TIMEOUT", 120)),
                            help="seconds a request may take before its worker is restarted (default 120)")
        parser.add_argument("--access-log", default=os.environ.get("TONGXING_ACCESS_LOG", "-"),
                            help="access log file, - for standard output (default)")
        parser.add_argument("--no-collectstatic", action="store_true",
                            help="serve the static files collected before (at install) instead of collecting them")
        parser.add_argument("--no-task-worker", action="store_true",
                            help="do not start the background task worker (run `tongxing worker` elsewhere)")

    def handle(self, *args, bind, workers, timeout, access_log, no_collectstatic, no_task_worker, **options):
        if bind.isdigit():  # a port alone, as runserver takes it
            bind = f"127.0.0.1:{bind}"
        try:
            found = health.problems()
        except DatabaseError as e:  # pragma: no cover - problems() already names database failures
            found = [str(e)]
        if found:
            raise CommandError("not serving: " + "; ".join(found))
        if not no_collectstatic:
            # Hashed, compressed copies of the static files for WhiteNoise (unchanged files are skipped).
            call_command("collectstatic", interactive=False, verbosity=0)
        gunicorn = [
            sys.executable, "-m", "gunicorn", "tongxing.wsgi:application",
            "--bind", bind,
            "--workers", str(workers),
            "--timeout", str(timeout),
            "--graceful-timeout", str(timeout),
            "--access-logfile", access_log,
            "--error-logfile", "-",
            "--name", "tongxing",
            "--no-control-socket",  # several servers may share a machine; signals are the control here
        ]
        Supervisor(gunicorn, None if no_task_worker else [sys.executable, "-m", "tongxing.cli", "worker"],
                   self.stdout).run()


class Supervisor:
    """Runs gunicorn and the task worker; HUP restarts both gracefully, TERM/INT stops both."""

    def __init__(self, web, task_worker, out):
        self.web_cmd, self.task_cmd, self.out = web, task_worker, out
        self.web = self.tasks = None
        self.stopping = False

    def say(self, message):
        self.out.write(f"tongxing serve: {message}")
        self.out.flush()

    def start_tasks(self):
        if self.task_cmd:
            self.tasks = subprocess.Popen(self.task_cmd)

    def reload(self, signum, frame):
        self.say("reloading (graceful)")
        self.web.send_signal(signal.SIGHUP)
        if self.tasks:
            # The old task worker finishes the job in hand, then exits; a new one takes the next jobs.
            self.tasks.terminate()
            self.start_tasks()

    def stop(self, signum, frame):
        self.stopping = True
        for proc in (self.web, self.tasks):
            if proc and proc.poll() is None:
                proc.send_signal(signal.SIGTERM)

    def run(self):
        self.web = subprocess.Popen(self.web_cmd)
        self.start_tasks()
        signal.signal(signal.SIGHUP, self.reload)
        signal.signal(signal.SIGTERM, self.stop)
        signal.signal(signal.SIGINT, self.stop)
        while True:
            code = self.web.poll()
            if code is not None:
                self.stop(None, None)
                if self.tasks:
                    self.tasks.wait()
                sys.exit(0 if self.stopping else code or 1)
            if self.tasks and self.tasks.poll() is not None and not self.stopping:
                self.say(f"task worker exited ({self.tasks.returncode}); starting another")
                time.sleep(1)
                self.start_tasks()
            time.sleep(0.5)
