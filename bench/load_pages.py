"""Issue 15 benchmark: pages under load, against the production server (`tongxing serve`), loopback only.

Sets up a database with the demo centre (or reuses it), starts `tongxing serve` on 127.0.0.1, signs in users as
the demo supervisor, and times the pages a supervisor browses: home, a person, a case, the activity list, a
group session's attendance, the annual return and a drill-down. With `--database-url` it runs against a database
that already exists (the national-scale one of bench/national.py, say): it changes no records there but one
login, `load-supervisor`, made (or reset) as the supervisor of `--unit` (default: the first unit by code), whose
pages are browsed. First one user requesting each page in turn
(single-user latency), then `--users` users each pausing `--pause` seconds between pages for `--seconds`.
Prints p50/p95/p99 and errors per page; stops the server it started. Targets: single-user p50 under 40 ms; under
load p95 under 200 ms and no errors.

    .venv/bin/python bench/load_pages.py [--database sqlite|postgres] [--users 50] [--pause 2] [--seconds 60]
        [--port 8160] [--fresh]
    .venv/bin/python bench/load_pages.py --database-url postgres://postgres@127.0.0.1:5432/tongxing_h8_national \
        [--unit N01]
"""

from __future__ import annotations

import argparse
import http.cookiejar
import os
import random
import re
import signal
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

from city import OUT, configure, database_exists, database_url, fresh_database

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "load-test-password-1"
DEMO_SUPERVISOR = "supervisor"
LOAD_SUPERVISOR = "load-supervisor"  # the login made in a database given by --database-url


def prepare(kind: str, fresh: bool, existing: str | None = None) -> str:
    url = existing or database_url(kind, "load")
    env = {**os.environ, "DATABASE_URL": url}
    if existing:
        subprocess.run([str(ROOT / ".venv/bin/tongxing"), "migrate", "-v", "0"], check=True, env=env)
    elif fresh or not database_exists(kind, "load"):
        fresh_database(kind, "load")
        subprocess.run([str(ROOT / ".venv/bin/tongxing"), "demo", "--password", PASSWORD], check=True, env=env,
                       stdout=subprocess.DEVNULL)
    else:  # a database kept from an earlier run, perhaps of older code
        subprocess.run([str(ROOT / ".venv/bin/tongxing"), "migrate", "-v", "0"], check=True, env=env)
    subprocess.run([str(ROOT / ".venv/bin/tongxing"), "collectstatic", "--noinput", "-v", "0"], check=True, env=env)
    return url


def load_supervisor(unit) -> str:
    """A login supervising `unit` only, with the bench's password; its username."""
    from django.contrib.auth import get_user_model

    from tongxing.accounts.models import Access, Level

    user, _ = get_user_model().objects.get_or_create(username=LOAD_SUPERVISOR)
    user.set_password(PASSWORD)
    user.is_active = True
    user.save()
    access, _ = Access.objects.update_or_create(user=user, defaults={
        "level": Level.SUPERVISOR, "organisation": unit.organisation, "unit": unit})
    access.more_units.clear()
    return user.username


def pages(url: str, unit_code: str | None, existing: bool) -> tuple[str, dict[str, str]]:
    """The username to sign in as, and one of each page the supervisor browses, read from the database."""
    configure(url)
    from tongxing.activities.models import Activity, ActivityKind
    from tongxing.cases.models import Case
    from tongxing.organisations.models import Unit
    from tongxing.people.models import Person
    from tongxing.standards.engine import Period

    if unit_code:
        unit = Unit.objects.get(code=unit_code)
    else:
        unit = Unit.objects.order_by("code").first() if existing else Unit.objects.get(code="DEMO")
    username = load_supervisor(unit) if existing else DEMO_SUPERVISOR
    latest = Activity.objects.filter(unit=unit).order_by("-date").values_list("date", flat=True).first()
    fy = latest.year if latest.month >= 4 else latest.year - 1
    assert Period.financial_year(fy).start <= latest
    person = Person.objects.filter(unit=unit, cases_as_client__isnull=False).order_by("pk").first()
    case = Case.objects.filter(unit=unit, type="psa").order_by("pk").first()
    session = Activity.objects.filter(unit=unit, kind=ActivityKind.GROUP_SESSION).order_by("-date").first()
    from django.db import connections

    connections.close_all()
    return username, {
        "home": "/", "person": f"/people/{person.pk}/", "case": f"/cases/{case.pk}/", "activity list": "/activities/",
        "attendance": f"/activities/sessions/{session.pk}/attendance/",
        "annual return": f"/reports/fsa/{unit.code}/{fy}/", "drill-down": f"/reports/fsa/{unit.code}/{fy}/OS9/",
    }


class User:
    """A signed-in browser: its own cookies, pages fetched over loopback."""

    def __init__(self, base: str):
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def sign_in(self, username):
        html = self.opener.open(self.base + "/login/", timeout=30).read().decode()
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
        data = urllib.parse.urlencode({"csrfmiddlewaretoken": token, "username": username,
                                       "password": PASSWORD}).encode()
        request = urllib.request.Request(self.base + "/login/", data=data, headers={"Referer": self.base + "/login/"})
        response = self.opener.open(request, timeout=30)
        if "/login/" in response.geturl():
            raise RuntimeError(f"could not sign in as {username}")

    def get(self, path) -> tuple[float, str | None]:
        """Seconds taken and the error, if any (an HTTP error, a timeout, or being sent back to sign in)."""
        started = time.perf_counter()
        try:
            response = self.opener.open(self.base + path, timeout=30)
            response.read()
            error = "signed out" if "/login/" in response.geturl() else None
        except urllib.error.HTTPError as e:
            error = f"HTTP {e.code}"
        except OSError as e:
            error = type(e).__name__
        return time.perf_counter() - started, error


def percentile(values, share):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def report(title, results: dict[str, list]):
    print(title)
    for page, rows in results.items():
        if not rows:
            continue
        times = [t * 1000 for t, _ in rows]
        errors = [e for _, e in rows if e]
        print(f"  {page:<14} n={len(rows):<5} p50 {statistics.median(times):6.0f} ms  p95 {percentile(times, .95):6.0f} ms"
              f"  p99 {percentile(times, .99):6.0f} ms  errors {len(errors)}"
              + (f" ({', '.join(sorted(set(errors)))})" if errors else ""))
    return sum(1 for rows in results.values() for _, e in rows if e)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--database-url", help="an existing database to browse instead of the demo's")
    parser.add_argument("--unit", help="the unit whose supervisor browses (default: DEMO, or the first unit)")
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--pause", type=float, default=2.0)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--port", type=int, default=8160)
    parser.add_argument("--workers", type=int, help="server worker processes (default: the server's own)")
    parser.add_argument("--fresh", action="store_true", help="rebuild the demo database")
    args = parser.parse_args()
    OUT.mkdir(exist_ok=True)
    url = prepare(args.database, args.fresh, args.database_url)
    username, urls = pages(url, args.unit, bool(args.database_url))
    label = url.rsplit("/", 1)[1] if args.database_url else args.database
    base = f"http://127.0.0.1:{args.port}"
    env = {**os.environ, "DATABASE_URL": url, "TONGXING_REQUIRE_2FA": "",  # the supervisor signs in by password
           "TONGXING_ACCESS_LOG": str(OUT / "load-access.log")}
    command = [str(ROOT / ".venv/bin/tongxing"), "serve", "--bind", f"127.0.0.1:{args.port}", "--no-task-worker",
               "--no-collectstatic"]
    if args.workers:
        command += ["--workers", str(args.workers)]
    server_log = open(OUT / "load-server.log", "w")  # noqa: SIM115 - open while the server runs
    server = subprocess.Popen(command, env=env, stdout=server_log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        for _ in range(360):
            try:
                urllib.request.urlopen(base + "/healthz", timeout=2).read()
                break
            except OSError:
                time.sleep(0.5)
        else:
            sys.exit("the server did not answer /healthz within three minutes: "
                     + (OUT / "load-server.log").read_text()[-2000:])
        one = User(base)
        one.sign_in(username)
        for path in urls.values():  # warm each worker's caches a little
            one.get(path)
        single = {page: [one.get(path) for _ in range(15)] for page, path in urls.items()}
        errors = report(f"{label}: one user, each page 15 times in turn", single)

        results = {page: [] for page in urls}
        lock = threading.Lock()
        sign_in_failures = []
        users = []

        def sign_in(n):  # before the clock starts: a password check costs the server far more than a page
            user = User(base)
            try:
                user.sign_in(username)
                users.append((n, user))
            except Exception as e:  # noqa: BLE001 - counted and printed as an error, the run goes on
                sign_in_failures.append(f"{type(e).__name__}: {e}")

        def browse(n, user):
            names = list(urls)
            rng = random.Random(n)
            time.sleep(rng.random() * args.pause)  # users arrive spread over one pause
            while time.monotonic() < deadline:
                page = rng.choice(names)
                result = user.get(urls[page])
                with lock:
                    results[page].append(result)
                time.sleep(args.pause)

        for batch in range(0, args.users, 5):
            threads = [threading.Thread(target=sign_in, args=(n,)) for n in range(batch, min(batch + 5, args.users))]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
        started = time.monotonic()
        deadline = started + args.seconds
        threads = [threading.Thread(target=browse, args=pair) for pair in users]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        elapsed = time.monotonic() - started
        total = sum(len(r) for r in results.values())
        errors += report(f"{label}: {args.users} users pausing {args.pause:g} s, {elapsed:.0f} s, "
                         f"{total / elapsed:.1f} requests/s", results)
        if sign_in_failures:
            print(f"  sign-in failures: {len(sign_in_failures)} ({sign_in_failures[0]})")
        # A shared machine: what else ran says how far the figures are the server's own.
        print("load: " + subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip())
        return 1 if errors or sign_in_failures else 0
    finally:
        os.killpg(server.pid, signal.SIGTERM)  # the server and the workers it started, nothing else
        server.wait(timeout=60)


if __name__ == "__main__":
    sys.exit(main())
