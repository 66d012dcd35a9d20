"""Login and sessions: lockout after repeated wrong passwords, TOTP second factor enforced for
supervisors, idle timeout, security headers."""

import datetime as dt
import time

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import get_user_model
from django.test import override_settings
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from tongxing.accounts.models import Access, Level

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("enforced_second_factor")]
PASSWORD = "a-long-enough-password"


@pytest.fixture
def enforced_second_factor():
    # No throttle between code attempts, so a test may follow a wrong code with the right one at once.
    with override_settings(TONGXING_REQUIRE_2FA_LEVELS={"supervisor", "org_admin"}, OTP_TOTP_THROTTLE_FACTOR=0):
        yield


@pytest.fixture
def people(scenario_unit):
    users = {}
    for name, level in [("alice", Level.WORKER), ("bob", Level.SUPERVISOR)]:
        user = get_user_model().objects.create_user(name, password=PASSWORD)
        Access.objects.create(user=user, level=level, unit=scenario_unit, organisation=scenario_unit.organisation)
        users[name] = user
    return users


def post_login(client, username, password):
    return client.post("/login/", {"username": username, "password": password})


def test_the_sixth_wrong_password_in_a_row_locks_the_account(client, people):
    for _ in range(5):
        assert post_login(client, "alice", "wrong").status_code == 200  # the form again, with its error
    assert post_login(client, "alice", PASSWORD).status_code == 302  # five wrong: not yet locked
    client.post("/logout/")
    for _ in range(6):
        response = post_login(client, "alice", "wrong")
    assert response.status_code == 429
    assert "帳戶已暫時鎖定" in response.content.decode()
    assert post_login(client, "alice", PASSWORD).status_code == 429  # the right password no longer opens it


@override_settings(AXES_COOLOFF_TIME=0.5)
def test_the_lock_lifts_after_the_configured_time(client, people):
    for _ in range(6):
        post_login(client, "alice", "wrong")
    assert post_login(client, "alice", PASSWORD).status_code == 429
    AccessAttempt.objects.update(attempt_time=dt.datetime.now(dt.UTC) - dt.timedelta(hours=1))
    assert post_login(client, "alice", PASSWORD).status_code == 302


def test_a_supervisor_without_a_second_factor_cannot_reach_case_data(client, people):
    assert post_login(client, "bob", PASSWORD).status_code == 302
    response = client.get("/reports/fsa/U1/2024/")
    assert response.status_code == 302 and response["Location"].startswith("/account/two-factor/")
    assert client.get("/").status_code == 302


def test_setting_up_the_authenticator_opens_the_pages(client, people):
    post_login(client, "bob", PASSWORD)
    page = client.get("/account/two-factor/")
    assert page.status_code == 200 and "data:image/svg+xml" in page.content.decode()
    device = TOTPDevice.objects.get(user=people["bob"])
    assert client.post("/account/two-factor/", {"token": "000000"}).status_code == 200
    response = client.post("/account/two-factor/", {"token": f"{totp(device.bin_key):06d}", "next": "/"})
    assert response.status_code == 302
    device.refresh_from_db()
    assert device.confirmed
    assert client.get("/reports/fsa/U1/2024/").status_code == 200


def test_a_paired_supervisor_gives_the_code_at_every_login(client, people):
    device = TOTPDevice.objects.create(user=people["bob"], name="phone", confirmed=True)
    post_login(client, "bob", PASSWORD)
    assert client.get("/reports/fsa/U1/2024/")["Location"].startswith("/login/verify/")
    assert "不正確" in client.post("/login/verify/", {"token": "123456"}).content.decode()
    assert client.post("/login/verify/", {"token": f"{totp(device.bin_key):06d}"}).status_code == 302
    assert client.get("/reports/fsa/U1/2024/").status_code == 200


def test_a_worker_is_not_forced_to_pair(client, people):
    post_login(client, "alice", PASSWORD)
    assert client.get("/").status_code == 200


def test_an_idle_session_is_signed_out(client, people):
    post_login(client, "alice", PASSWORD)
    assert client.get("/").status_code == 200
    session = client.session
    session["last_seen"] = int(time.time()) - 31 * 60
    session.save()
    response = client.get("/")
    assert response.status_code == 302 and response["Location"].startswith("/login/")
    assert client.get("/").status_code == 302


def test_pages_carry_a_content_security_policy(client, people):
    response = client.get("/login/")
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy.split("script-src")[1].split(";")[0]
    assert response["X-Frame-Options"] == "DENY"
    assert 'onchange="' not in response.content.decode()
