"""The app tier keeps nothing in its processes: two `tongxing serve` instances share one PostgreSQL
database, and a person signed in on one continues the same session on the other."""

import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar

import pytest
from django.contrib.auth import get_user_model
from django.db import connection

from tongxing.accounts.models import Access, Level
from tongxing.organisations.models import Organisation, Unit

pytestmark = pytest.mark.django_db(transaction=True)  # the servers read what the test committed
PASSWORD = "walk-the-same-road-42"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def database_url():
    db = connection.settings_dict
    user = urllib.parse.quote(db["USER"] or "")
    password = f":{urllib.parse.quote(db['PASSWORD'])}" if db["PASSWORD"] else ""
    return f"postgres://{user}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def wait_healthy(base, proc, seconds=90):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        assert proc.poll() is None, f"{base} exited: {proc.stdout.read()}"
        try:
            with urllib.request.urlopen(f"{base}/healthz", timeout=5) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.5)
    raise AssertionError(f"{base} not healthy after {seconds} s")


@pytest.fixture
def two_servers(tmp_path, collected_static):
    if connection.vendor != "postgresql":
        pytest.skip("several app servers share a PostgreSQL database; SQLite is one machine's file")
    env = {k: v for k, v in os.environ.items() if not k.startswith("TONGXING_")}
    env.update(DATABASE_URL=database_url(), TONGXING_STATIC_ROOT=str(collected_static),
               TONGXING_AUDIT_CHECKPOINTS=str(tmp_path / "checkpoints.jsonl"), TONGXING_WORKERS="1")
    servers = []
    for _ in range(2):
        base = f"http://127.0.0.1:{free_port()}"
        proc = subprocess.Popen([sys.executable, "-m", "tongxing.cli", "serve", "--bind", base[7:],
                                 "--no-task-worker", "--no-collectstatic", "--access-log", "/dev/null"],
                                env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                                start_new_session=True)
        servers.append((base, proc))
    try:
        for base, proc in servers:
            wait_healthy(base, proc)
        yield [base for base, _ in servers]
    finally:
        for _, proc in servers:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
        for _, proc in servers:
            proc.wait(timeout=60)


def test_a_session_started_on_one_server_continues_on_the_other(two_servers):
    a, b = two_servers
    org = Organisation.objects.create(code="ORG", name="機構")
    unit = Unit.objects.create(organisation=org, code="U1", name="中心")
    alice = get_user_model().objects.create_user("alice", password=PASSWORD)
    Access.objects.create(user=alice, level=Level.WORKER, unit=unit, organisation=org)

    jar = CookieJar()  # one browser; cookies are per host, not per port, as browsers keep them
    browser = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    form = browser.open(f"{a}/login/").read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form).group(1)
    signed_in = browser.open(f"{a}/login/", urllib.parse.urlencode(
        {"csrfmiddlewaretoken": token, "username": "alice", "password": PASSWORD}).encode())
    assert signed_in.url == f"{a}/"

    # The other server knows the session: the home page, not the login page, with alice's name on it.
    home = browser.open(f"{b}/")
    assert home.url == f"{b}/" and "alice" in home.read().decode()

    # Signing out on B ends the session on A too.
    token = next(c.value for c in jar if c.name == "csrftoken")
    browser.open(urllib.request.Request(f"{b}/logout/", urllib.parse.urlencode(
        {"csrfmiddlewaretoken": token}).encode(), headers={"Referer": f"{b}/"}))
    assert "/login/" in browser.open(f"{a}/").url
