"""Going live: production refuses development keys, the health check, hashed static files, the cache."""

import os
import subprocess
import sys

import pytest
from django.core.cache import cache
from django.db import OperationalError
from django.test import Client
from django.urls import reverse

from tongxing.server import health
from tongxing.server.guard import DEVELOPMENT_SECRET_KEY, production_problems

GOOD = {"secret_key": "s" * 50, "field_key": "f" * 50, "debug": False, "allowed_hosts": ["tongxing.example.org"]}


def tongxing(*args, **env):
    """Run the console script in a fresh process with only these TONGXING_ settings."""
    # The browser tests' DJANGO_ALLOW_ASYNC_UNSAFE is theirs, not a deployment's: check --deploy refuses it.
    clean = {k: v for k, v in os.environ.items()
             if not k.startswith("TONGXING_") and k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    return subprocess.run([sys.executable, "-m", "tongxing.cli", *args], env={**clean, **env},
                          capture_output=True, text=True, timeout=120)


def test_production_settings_that_are_safe_raise_nothing():
    assert production_problems("production", **GOOD) == []
    # Development keeps its defaults: a laptop needs no keys.
    assert production_problems("development", **{**GOOD, "secret_key": DEVELOPMENT_SECRET_KEY,
                                                  "field_key": "", "debug": True, "allowed_hosts": []}) == []


@pytest.mark.parametrize("change, named", [
    ({"secret_key": DEVELOPMENT_SECRET_KEY}, "TONGXING_SECRET_KEY"),
    ({"secret_key": "short"}, "TONGXING_SECRET_KEY"),
    ({"field_key": ""}, "TONGXING_FIELD_KEY"),
    ({"field_key": "s" * 50}, "TONGXING_FIELD_KEY"),  # the secret key again: not a key of its own
    ({"field_key": DEVELOPMENT_SECRET_KEY}, "TONGXING_FIELD_KEY"),
    ({"debug": True}, "TONGXING_DEBUG"),
    ({"allowed_hosts": []}, "TONGXING_ALLOWED_HOSTS"),
])
def test_production_names_each_unsafe_setting(change, named):
    problems = production_problems("production", **{**GOOD, **change})
    assert len(problems) == 1 and named in problems[0]


def test_an_unknown_environment_is_refused():
    assert "TONGXING_ENV" in production_problems("prod", **GOOD)[0]


def test_production_refuses_to_start_with_the_development_keys():
    result = tongxing("check", TONGXING_ENV="production", TONGXING_ALLOWED_HOSTS="tongxing.example.org")
    assert result.returncode == 2
    assert "will not start in production mode" in result.stderr
    assert "TONGXING_SECRET_KEY" in result.stderr and "TONGXING_FIELD_KEY" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout


def test_production_with_its_own_keys_passes_the_deploy_check():
    result = tongxing("check", "--deploy", "--fail-level", "WARNING", TONGXING_ENV="production",
                      TONGXING_SECRET_KEY="k" * 20 + "Zq8!x" * 8, TONGXING_FIELD_KEY="f" * 20 + "Yp7?w" * 8,
                      TONGXING_ALLOWED_HOSTS="tongxing.example.org")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.fixture
def fresh_health(monkeypatch):
    monkeypatch.setattr(health, "_migrated", False)


@pytest.mark.django_db
def test_healthz_answers_without_login_and_without_records(client, fresh_health):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.django_db
def test_healthz_is_503_with_the_reason_when_migrations_are_pending(client, fresh_health, monkeypatch):
    from django.db.migrations.executor import MigrationExecutor

    monkeypatch.setattr(MigrationExecutor, "migration_plan", lambda self, targets: [("people", "9999_new")])
    response = client.get("/healthz")
    assert response.status_code == 503
    assert "1 migration(s) not applied" in response.json()["problems"][0]


@pytest.mark.django_db
def test_healthz_is_503_when_the_database_cannot_be_reached(client, fresh_health, monkeypatch):
    from django.db import connection

    def unreachable(*args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr(connection, "cursor", unreachable)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["problems"] == ["database unreachable: OperationalError"]


@pytest.mark.django_db
def test_static_files_have_hashed_names_and_far_future_cache_headers():
    page = Client().get(reverse("login")).content.decode()
    start = page.index("/static/tongxing/site.")
    name = page[start:page.index('"', start)]
    assert name != "/static/tongxing/site.css"  # the content hash is in the name
    response = Client().get(name, HTTP_ACCEPT_ENCODING="gzip")
    assert response.status_code == 200
    assert "immutable" in response["Cache-Control"] and "max-age=315360000" in response["Cache-Control"]
    assert response["Content-Encoding"] == "gzip"


@pytest.mark.django_db
def test_the_cache_lives_in_the_database():
    from django.db import connection

    cache.set("shared-by-every-app-server", 1)
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM tongxing_cache")
        assert cursor.fetchone()[0] == 1


@pytest.mark.django_db(transaction=True)
def test_scheduled_backup_keeps_the_newest_n_and_nothing_else_is_touched(tmp_path):
    from django.core.management import call_command

    for stamp in ("20240101-020000", "20240102-020000", "20240103-020000"):
        (tmp_path / f"tongxing-{stamp}.dump").write_bytes(b"old")
    (tmp_path / "notes.txt").write_text("not a backup")
    call_command("backup", dir=str(tmp_path), keep=2, stdout=open(os.devnull, "w"))
    left = sorted(p.name for p in tmp_path.iterdir())
    assert len(left) == 3 and "notes.txt" in left and "tongxing-20240103-020000.dump" in left
    assert not any("20240101" in n or "20240102" in n for n in left)  # the new backup is the other one


@pytest.mark.django_db(transaction=True)
def test_a_backup_is_a_readable_copy_of_the_database(tmp_path):
    import sqlite3

    from django.core.management import call_command
    from django.db import connection

    from tongxing.audit.models import Event

    call_command("backup", str(tmp_path / "copy"), stdout=open(os.devnull, "w"))
    assert Event.objects.filter(summary="backup to copy").exists()
    if connection.vendor == "sqlite":
        with sqlite3.connect(tmp_path / "copy") as copy:
            assert copy.execute("SELECT count(*) FROM audit_event WHERE summary = 'backup to copy'").fetchone() == (1,)
    else:
        assert (tmp_path / "copy").read_bytes().startswith(b"PGDMP")


@pytest.mark.django_db
def test_a_backup_that_cannot_get_the_database_stops_with_a_reason_and_leaves_no_file(tmp_path):
    """It once waited for ever: SQLite's online copy from a connection whose write transaction is open (this
    test's own, which the backup's audit event writes to) answers BUSY at every step; pg_dump waits for a
    table lock a migration holds."""
    import time

    from django.core.management import CommandError, call_command
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("LOCK TABLE jobs_job IN ACCESS EXCLUSIVE MODE")
    started = time.monotonic()
    with pytest.raises(CommandError) as refused:
        call_command("backup", dir=str(tmp_path), wait=1, stdout=open(os.devnull, "w"))
    assert time.monotonic() - started < 30
    assert "lock" in str(refused.value)
    assert list(tmp_path.iterdir()) == []


def test_sqlite_connections_are_kept_between_requests_and_written_through_the_wal(monkeypatch, tmp_path):
    from tongxing import settings

    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'db.sqlite3'}")
    db = settings._database()
    # Reopening per request re-reads the schema and the pages each time: about a sixth of a page's CPU under load.
    assert db["CONN_MAX_AGE"] > 0
    assert "journal_mode=WAL" in db["OPTIONS"]["init_command"]
    assert db["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
