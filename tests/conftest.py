import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

# The suite runs on shared two-core machines, a test worker per core: how fast Hypothesis draws its examples there
# says nothing of the code under test, so neither its per-example deadline nor its slow-drawing check fails a test.
settings.register_profile("tongxing", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("tongxing")

SHARED = Path(__file__).resolve().parents[2] / "shared"
SCENARIO = SHARED / "scenarios" / "centre-small-2024.json"


@pytest.fixture(scope="session", autouse=True)
def collected_static(tmp_path_factory):
    """Pages name their static files through the manifest, as in production: collect them once per run."""
    from django.conf import settings
    from django.core.management import call_command

    settings.STATIC_ROOT = tmp_path_factory.mktemp("static")
    call_command("collectstatic", interactive=False, verbosity=0)
    return settings.STATIC_ROOT


@pytest.fixture(scope="session")
def live_server(request, collected_static):
    """pytest-django's live server, its static files served by WhiteNoise from the collected, hashed
    copies as in production (Django's test handler would look for them unhashed, by finders)."""
    import os

    from pytest_django.live_server_helper import LiveServer

    server = LiveServer(os.getenv("DJANGO_LIVE_TEST_SERVER_ADDRESS") or "localhost", start=False)
    server.thread.static_handler = lambda app: app
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def scenario_doc():
    return json.loads(SCENARIO.read_text(encoding="utf-8"))


@pytest.fixture
def scenario_unit(db, scenario_doc):
    from tongxing.exchange.schema import parse
    from tongxing.exchange.services import import_document
    from tongxing.organisations.models import Unit

    document, problems = parse(scenario_doc)
    assert problems == []
    import_document(document)
    return Unit.objects.get(code="U1")


@pytest.fixture
def scenario_bob(scenario_unit):
    """bob, supervisor of the scenario's unit."""
    from django.contrib.auth import get_user_model

    from tongxing.accounts.models import Access, Level

    user = get_user_model().objects.create_user("bob")
    Access.objects.create(user=user, level=Level.SUPERVISOR, unit=scenario_unit,
                          organisation=scenario_unit.organisation)
    return user


@pytest.fixture
def unstaffed_activity(scenario_unit):
    """One of the scenario's activities with its staff removed, so the return carries a warning; its id."""
    from tongxing.activities.models import Activity

    activity = Activity.objects.filter(unit=scenario_unit).order_by("external_id").first()
    activity.staffing.all().delete()
    return activity.external_id


BROWSER_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
SCREENSHOTS = Path(__file__).resolve().parents[1] / "screenshots"
#: Screenshots the issue's browser tests commit for a reviewer (the folder above is ignored by git).
COMMITTED_SCREENSHOTS = Path(__file__).resolve().parents[1] / "docs" / "screenshots"


def shot(page, name):
    """A full-page screenshot into the committed folder."""
    COMMITTED_SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=COMMITTED_SCREENSHOTS / f"{name}.png", full_page=True)


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium driven by Playwright (`playwright install` cannot download browsers here)."""
    import os

    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the tests' own ORM calls are still synchronous.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=BROWSER_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1366, "height": 900})
    page = context.new_page()
    yield page
    context.close()


def current_code(username, confirmed=True):
    """The authenticator's current code for a user's TOTP device, as the person would read it off their phone."""
    from django_otp.oath import totp
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user__username=username, confirmed=confirmed).latest("pk")
    return f"{totp(device.bin_key):06d}"


def login(page, live_server, username, password):
    """Sign in through the login page, answering the second-factor step when the account has one."""
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button[type=submit]")
    page.wait_for_load_state()
    if "/login/verify/" in page.url or "/account/two-factor/" in page.url:
        page.fill("#id_token", current_code(username, confirmed="/login/verify/" in page.url))
        page.click("button[type=submit]")
        page.wait_for_load_state()
        if page.locator(".recovery-codes").count():  # a first pairing shows the recovery codes once
            page.click("#recovery-continue")
    page.wait_for_url(f"{live_server.url}/")


def verified_login(client, user):
    """A session after both login steps (see `force_login_is_a_full_sign_in`)."""
    client.force_login(user)


def _verify_second_factor(client, user):
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=user, confirmed=True).first() or TOTPDevice.objects.create(
        user=user, name="test authenticator", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()


@pytest.fixture(scope="session")
def checkpoint_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("audit-checkpoints")


@pytest.fixture(autouse=True)
def audit_checkpoints(checkpoint_dir, request, monkeypatch):
    """Each test's database starts empty, so each gets its own audit checkpoint file."""
    import uuid

    from django.conf import settings

    path = checkpoint_dir / f"{uuid.uuid4().hex}.jsonl"
    monkeypatch.setattr(settings, "TONGXING_AUDIT_CHECKPOINTS", str(path), raising=False)
    return path


@pytest.fixture(autouse=True)
def force_login_is_a_full_sign_in(monkeypatch):
    """In tests, `client.force_login` and `client.login` stand for both login steps, password and
    authenticator code, so page tests need not repeat the second factor. Its enforcement is tested through
    the real login pages in test_login_security.py, which use neither."""
    from django.contrib.auth import get_user_model
    from django.test import Client

    original_force_login, original_login = Client.force_login, Client.login

    def force_login(self, user, backend=None):
        original_force_login(self, user, backend)
        _verify_second_factor(self, user)

    def login(self, **credentials):
        signed_in = original_login(self, **credentials)
        if signed_in:
            _verify_second_factor(self, get_user_model().objects.get_by_natural_key(credentials["username"]))
        return signed_in

    monkeypatch.setattr(Client, "force_login", force_login)
    monkeypatch.setattr(Client, "login", login)


@pytest.fixture(autouse=True)
def nothing_remembered():
    """Every test starts with a fresh database (and SQLite hands out the same keys again): remembered figures
    (tongxing/standards/remembered.py) must not outlive it."""
    from tongxing.standards.remembered import forget_all

    forget_all()
