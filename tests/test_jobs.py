"""Web import of an exchange file: queued by the page, run by the background worker, followed by a progress bar."""

import json
import os

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from tests.conftest import SCENARIO
from tongxing.accounts.models import Access, Level
from tongxing.activities.models import Activity
from tongxing.jobs import progress
from tongxing.jobs.models import Job
from tongxing.organisations.models import Organisation, Unit

pytestmark = pytest.mark.django_db(transaction=True)  # the worker reads what the page committed


@pytest.fixture(autouse=True)
def jobs_dir(settings, tmp_path):
    settings.TONGXING_JOBS_DIR = tmp_path


@pytest.fixture
def units():
    org = Organisation.objects.create(code="U1", name="中心 1")
    return Unit.objects.create(organisation=org, code="U1", name="中心 1"), Unit.objects.create(
        organisation=org, code="U9", name="另一中心")


def login(username, level, unit, language="en"):
    user = get_user_model().objects.create_user(username)
    Access.objects.create(user=user, level=level, unit=unit, organisation=unit.organisation, language=language)
    client = Client()
    client.force_login(user)
    return client


def upload(client, content, name="centre.json"):
    return client.post(reverse("jobs:import"), {"file": SimpleUploadedFile(name, content)})


def run_worker():
    call_command("worker", batch=True, verbosity=0)


def test_alice_imports_in_the_background_and_follows_the_progress(units):
    alice = login("alice", Level.SUPERVISOR, units[0])
    response = upload(alice, SCENARIO.read_bytes())
    job = Job.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("jobs:job", args=[job.pk])
    assert Activity.objects.count() == 0  # nothing happened inside the request

    waiting = alice.get(response["Location"]).content.decode()
    assert 'data-state="queued"' in waiting and 'hx-trigger="every 1s"' in waiting

    run_worker()
    job.refresh_from_db()
    assert job.state == Job.State.DONE and job.payload is None  # the file with clients' names is gone
    assert job.unit_code == "U1" and job.total == job.done > 0
    assert Activity.objects.filter(unit=units[0]).count() == len(json.loads(SCENARIO.read_text())["activities"])
    # Reloading the page shows the finished job; the bar stops polling.
    done = alice.get(reverse("jobs:progress", args=[job.pk])).content.decode()
    assert 'data-state="done"' in done and "hx-trigger" not in done and 'value="100"' in done
    assert "activities:" in done
    assert "centre.json" in alice.get(reverse("jobs:import")).content.decode()


def test_the_same_file_again_changes_nothing(units):
    alice = login("alice", Level.SUPERVISOR, units[0])
    upload(alice, SCENARIO.read_bytes())
    upload(alice, SCENARIO.read_bytes())
    run_worker()
    first, second = Job.objects.order_by("pk")
    assert second.state == Job.State.DONE and "nothing changed" in second.lines[-1], second.lines


def test_bob_cannot_import_into_a_unit_not_his(units):
    bob = login("bob", Level.SUPERVISOR, units[1], language="zh-hant")
    upload(bob, SCENARIO.read_bytes())
    run_worker()
    job = Job.objects.get()
    assert job.state == Job.State.FAILED and job.payload is None
    assert job.lines == ["此檔案屬於單位 U1，你無權匯入該單位，沒有匯入任何紀錄。"]  # in bob's language
    assert Activity.objects.count() == 0
    # Nor follow alice's job.
    alice = login("alice", Level.SUPERVISOR, units[0])
    assert alice.get(reverse("jobs:job", args=[job.pk])).status_code == 404


def test_charlie_a_worker_may_not_import(units):
    charlie = login("charlie", Level.WORKER, units[0])
    assert charlie.get(reverse("jobs:import")).status_code == 403
    assert upload(charlie, SCENARIO.read_bytes()).status_code == 403
    assert Job.objects.count() == 0


@pytest.mark.parametrize("content, says", [
    (b"{not json", "not valid JSON"),
    (b"\xff\xfe", "not UTF-8"),
    (json.dumps({"format": "tongxing-exchange", "version": 1, "unit": {"code": "U1"}}).encode(), "problem(s)"),
    (b'{"agreed_levels": [{"fy": 2024, "OS1": NaN}]}', "problem(s)"),
    (b"[" * 5000 + b"]" * 5000, "problem(s)"),
])
def test_a_bad_file_is_refused_with_its_reason_and_writes_nothing(units, content, says):
    alice = login("alice", Level.SUPERVISOR, units[0])
    upload(alice, content)
    run_worker()
    job = Job.objects.get()
    assert job.state == Job.State.FAILED and says in job.lines[-1]
    page = alice.get(reverse("jobs:job", args=[job.pk])).content.decode()
    assert 'data-state="failed"' in page and "Traceback" not in page
    assert Activity.objects.count() == 0


def test_an_empty_upload_is_refused_on_the_page(units):
    alice = login("alice", Level.SUPERVISOR, units[0])
    response = alice.post(reverse("jobs:import"), {})
    assert response.status_code == 400 and Job.objects.count() == 0


def test_progress_reaches_other_processes_while_the_job_runs(units):
    alice = get_user_model().objects.create_user("alice")
    job = Job.objects.create(kind=Job.Kind.IMPORT, created_by=alice, state=Job.State.RUNNING)
    reporter = progress.Reporter(job.pk)
    reporter("activities", 30, 120, force=True)
    seen = progress.current(Job.objects.get(pk=job.pk))
    assert (seen.step, seen.done, seen.total, seen.percent) == ("activities", 30, 120, 25)
    reporter.close()


def test_a_job_whose_worker_was_killed_is_marked_not_done_with_a_reason(units):
    """The worker was killed mid-import (the import's transaction rolled back): the job must not show
    "running" for ever. The next worker's start, or the job's page, marks it not done and says why."""
    import signal
    import socket
    import subprocess
    import sys

    from tongxing.audit.models import Event

    alice = login("alice", Level.SUPERVISOR, units[0])
    upload(alice, SCENARIO.read_bytes())
    killed = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    killed.send_signal(signal.SIGKILL)
    killed.wait()
    Job.objects.update(state=Job.State.RUNNING, worker=f"{socket.gethostname()}:{killed.pid}")
    alive = Job.objects.create(kind=Job.Kind.IMPORT, created_by=Job.objects.get().created_by,
                               state=Job.State.RUNNING, worker=f"{socket.gethostname()}:{os.getpid()}")
    elsewhere = Job.objects.create(kind=Job.Kind.IMPORT, created_by=alive.created_by, state=Job.State.RUNNING,
                                   worker="another-app-server:1")
    job = Job.objects.exclude(pk__in=[alive.pk, elsewhere.pk]).get()

    page = alice.get(reverse("jobs:job", args=[job.pk])).content.decode()
    assert 'data-state="failed"' in page and "The background worker stopped" in page and "hx-trigger" not in page
    job.refresh_from_db()
    assert job.payload is None and job.finished_at is not None
    assert Event.objects.filter(object_type="jobs.job", object_id=str(job.pk), summary__contains="worker").exists()
    assert Activity.objects.count() == 0

    # The worker's start finds the same; a live worker's job and another machine's are left alone.
    Job.objects.filter(pk=job.pk).update(state=Job.State.RUNNING)
    run_worker()
    assert Job.objects.get(pk=job.pk).state == Job.State.FAILED
    assert Job.objects.get(pk=alive.pk).state == Job.State.RUNNING
    assert Job.objects.get(pk=elsewhere.pk).state == Job.State.RUNNING


def test_the_job_page_survives_a_reload_while_it_runs_and_when_it_is_done(units):
    alice = login("alice", Level.SUPERVISOR, units[0])
    url = upload(alice, SCENARIO.read_bytes())["Location"]
    job = Job.objects.get()
    Job.objects.filter(pk=job.pk).update(state=Job.State.RUNNING, worker=f"{__import__('socket').gethostname()}:"
                                                                         f"{os.getpid()}")
    progress.Reporter(job.pk)("activities", 3, 12, force=True)
    for _reload in range(2):
        page = alice.get(url).content.decode()
        assert 'data-state="running"' in page and 'value="25"' in page and 'hx-trigger="every 1s"' in page
    Job.objects.filter(pk=job.pk).update(state=Job.State.QUEUED)
    run_worker()
    for _reload in range(2):
        page = alice.get(url).content.decode()
        assert 'data-state="done"' in page and 'value="100"' in page and "activities:" in page
        assert "hx-trigger" not in page


def test_the_annual_return_pdf_is_made_in_the_background_and_only_its_starter_downloads_it(units):
    from tongxing.audit.models import Action, Event
    from tongxing.exchange.schema import parse
    from tongxing.exchange.services import import_document

    import_document(parse({**json.loads(SCENARIO.read_text()), "unit": {
        **json.loads(SCENARIO.read_text())["unit"], "code": "U1"}})[0])
    alice = login("alice", Level.SUPERVISOR, units[0])
    page = alice.get(reverse("fsa-page", args=["U1", 2024])).content.decode()
    start = reverse("jobs:annual-pdf", args=["U1", 2024])
    assert f'action="{start}"' in page
    response = alice.post(start)
    job = Job.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("jobs:job", args=[job.pk])
    assert 'data-state="queued"' in alice.get(response["Location"]).content.decode()
    run_worker()
    page = alice.get(response["Location"]).content.decode()
    assert 'data-state="done"' in page and reverse("jobs:result", args=[job.pk]) in page
    download = alice.get(reverse("jobs:result", args=[job.pk]))
    assert download.status_code == 200 and download.content.startswith(b"%PDF")
    assert Event.objects.filter(action=Action.EXPORT, summary="download of fsa-U1-2024.pdf").exists()
    # Another user may not take it; a unit not one's own is refused before anything is queued.
    charlie = login("charlie", Level.WORKER, units[1])
    assert charlie.get(reverse("jobs:result", args=[job.pk])).status_code == 404
    assert charlie.post(start).status_code == 404 and Job.objects.count() == 1
