"""Login and sessions: lockout after repeated wrong passwords, TOTP second factor enforced for
supervisors, idle timeout, security headers."""

import datetime as dt
import time

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from tongxing.accounts.models import Access, Level

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("enforced_second_factor")]
PASSWORD = "a-long-enough-password"


@pytest.fixture
def enforced_second_factor():
    # No throttle between code attempts, so a test may follow a wrong code with the right one at once.
    with override_settings(TONGXING_REQUIRE_2FA_LEVELS={"supervisor", "org_admin"}, OTP_TOTP_THROTTLE_FACTOR=0,
                           OTP_STATIC_THROTTLE_FACTOR=0):
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
    assert response.status_code == 200 and len(response.context["codes"]) == 10  # the recovery codes, once
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


def test_the_second_factor_check_reads_no_device_table_of_its_own_yet_sees_a_pairing_at_once(client, people):
    """Whether a login signed in by password alone has paired an authenticator is read with its Access row (one
    query every page makes anyway), afresh on every page: pairing one from another browser takes effect at the next
    page of this session."""
    post_login(client, "alice", PASSWORD)
    client.get("/")
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/").status_code == 200
    device_queries = [q["sql"] for q in queries if "otp_" in q["sql"]]
    assert len(device_queries) == 1 and "accounts_access" in device_queries[0]
    TOTPDevice.objects.create(user=people["alice"], name="phone", confirmed=False)
    assert client.get("/").status_code == 200  # an unconfirmed pairing is no second factor yet
    TOTPDevice.objects.filter(user=people["alice"]).update(confirmed=True)
    assert client.get("/")["Location"].startswith("/login/verify/")


def test_an_idle_session_is_signed_out(client, people):
    post_login(client, "alice", PASSWORD)
    assert client.get("/").status_code == 200
    session = client.session
    session["last_seen"] = int(time.time()) - 31 * 60
    session.save()
    response = client.get("/")
    assert response.status_code == 302 and response["Location"].startswith("/login/")
    assert client.get("/").status_code == 302


def test_a_form_sent_after_the_idle_time_returns_to_its_page_after_signing_in(client, people):
    """The note is not saved (its draft waits in the browser, tongxing/static/tongxing/app.js); signing in again
    leads back to the page the form was on, where the draft is put back, not to the POST-only address."""
    post_login(client, "alice", PASSWORD)
    client.get("/")
    session = client.session
    session["last_seen"] = int(time.time()) - 31 * 60
    session.save()
    response = client.post("/cases/1/plan/", {"plan-direction": "長文字"}, HTTP_REFERER="http://testserver/cases/1/?tab=plan")
    assert response.status_code == 302
    assert response["Location"] == "/login/?next=%2Fcases%2F1%2F%3Ftab%3Dplan"
    post_login(client, "alice", PASSWORD)
    session = client.session
    session["last_seen"] = int(time.time()) - 31 * 60
    session.save()
    # A page on another site is never where signing in leads.
    response = client.post("/cases/1/plan/", {}, HTTP_REFERER="https://evil.example/cases/1/")
    assert response["Location"] == "/login/?next=%2Fcases%2F1%2Fplan%2F"


def test_reading_pages_does_not_write_the_session_each_time(client, people):
    post_login(client, "alice", PASSWORD)
    client.get("/")
    with CaptureQueriesContext(connection) as queries:
        client.get("/")
    assert not [q for q in queries if "django_session" in q["sql"] and not q["sql"].startswith("SELECT")]
    session = client.session
    session["last_seen"] = int(time.time()) - 61
    session.save()
    with CaptureQueriesContext(connection) as queries:
        client.get("/")
    assert [q for q in queries if "django_session" in q["sql"] and not q["sql"].startswith("SELECT")]


def test_pages_carry_a_content_security_policy(client, people):
    response = client.get("/login/")
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy.split("script-src")[1].split(";")[0]
    assert response["X-Frame-Options"] == "DENY"
    assert 'onchange="' not in response.content.decode()


def _code(device):
    return f"{totp(device.bin_key):06d}"


def test_a_password_alone_cannot_pair_another_authenticator(client, people):
    """Issue 13 finding 1: with the password only, the enrolment page must send to the code, never pair."""
    TOTPDevice.objects.create(user=people["bob"], name="phone", confirmed=True)
    post_login(client, "bob", PASSWORD)
    page = client.get("/account/two-factor/")
    assert page.status_code == 302 and page["Location"].startswith("/login/verify/")
    assert client.post("/account/two-factor/", {"token": "123456"})["Location"].startswith("/login/verify/")
    assert TOTPDevice.objects.filter(user=people["bob"]).count() == 1  # no secret was made for the intruder
    assert client.get("/reports/fsa/U1/2024/")["Location"].startswith("/login/verify/")


def test_a_worker_who_paired_an_authenticator_must_give_its_code(client, people):
    TOTPDevice.objects.create(user=people["alice"], name="phone", confirmed=True)
    post_login(client, "alice", PASSWORD)
    assert client.get("/")["Location"].startswith("/login/verify/")
    assert client.get("/account/two-factor/")["Location"].startswith("/login/verify/")


def test_a_second_authenticator_after_the_first_is_audited_and_told_to_the_owner(client, people):
    from tongxing.accounts.models import SecurityNotice
    from tongxing.audit.models import Event

    phone = TOTPDevice.objects.create(user=people["bob"], name="phone", confirmed=True)
    post_login(client, "bob", PASSWORD)
    client.post("/login/verify/", {"token": _code(phone)})
    assert client.get("/account/two-factor/").status_code == 200  # passed the current factor: may add one
    tablet = TOTPDevice.objects.get(user=people["bob"], confirmed=False)
    assert client.post("/account/two-factor/", {"token": _code(tablet), "next": "/"}).status_code == 302
    assert Event.objects.filter(user=people["bob"], summary="two-factor device added").count() == 1
    assert SecurityNotice.objects.get(user=people["bob"]).kind == "device_added"
    client.post("/logout/")
    page = client.post("/login/", {"username": "bob", "password": PASSWORD}, follow=True)
    assert "An authenticator was added to your account." in page.content.decode() or \
        "認證程式" in page.content.decode()
    assert SecurityNotice.objects.get(user=people["bob"]).shown


def test_recovery_codes_are_shown_once_and_each_works_once(client, people):
    post_login(client, "bob", PASSWORD)
    client.get("/account/two-factor/")
    device = TOTPDevice.objects.get(user=people["bob"])
    page = client.post("/account/two-factor/", {"token": _code(device), "next": "/"})
    assert page.status_code == 200 and page["Cache-Control"].startswith("no-store") or "no-store" in page["Cache-Control"]
    codes = page.context["codes"]
    assert len(codes) == 10 and len(set(codes)) == 10
    client.post("/logout/")
    post_login(client, "bob", PASSWORD)
    assert client.post("/login/verify/", {"token": codes[0].upper()}).status_code == 302
    assert client.get("/reports/fsa/U1/2024/").status_code == 200
    client.post("/logout/")
    post_login(client, "bob", PASSWORD)
    again = client.post("/login/verify/", {"token": codes[0]})
    assert again.status_code == 200 and again.context["form"].errors  # used once: refused
    assert client.post("/login/verify/", {"token": codes[1].replace("-", "")}).status_code == 302
    # a later page on the recovery codes makes a new set; the old ones stop working
    new = client.post("/account/two-factor/recovery-codes/").context["codes"]
    assert set(new).isdisjoint(codes)
    client.post("/logout/")
    post_login(client, "bob", PASSWORD)
    assert client.post("/login/verify/", {"token": codes[2]}).status_code == 200


def test_a_supervisor_resets_a_workers_lost_authenticator_and_it_is_audited(client, people, scenario_unit):
    from tongxing.audit.models import Event

    alice_phone = TOTPDevice.objects.create(user=people["alice"], name="phone", confirmed=True)
    bob_phone = TOTPDevice.objects.create(user=people["bob"], name="phone", confirmed=True)
    url = f"/account/users/{people['alice'].pk}/two-factor/reset/"
    # alice may not reset her own (a stolen password would replace her phone), nor bob's
    post_login(client, "alice", PASSWORD)
    client.post("/login/verify/", {"token": _code(alice_phone)})
    assert client.post(url).status_code == 403
    assert client.post(f"/account/users/{people['bob'].pk}/two-factor/reset/").status_code == 403
    client.post("/logout/")
    post_login(client, "bob", PASSWORD)
    assert client.post(url).status_code == 302 and client.post(url)["Location"].startswith("/login/verify/")
    client.post("/login/verify/", {"token": _code(bob_phone)})
    assert client.get(url).status_code == 200
    assert client.post(url).status_code == 302
    assert not TOTPDevice.objects.filter(user=people["alice"]).exists()
    event = Event.objects.get(action="delete", object_type="auth.user", object_id=str(people["alice"].pk))
    assert event.user == people["bob"] and event.summary == "second factor reset"
    client.post("/logout/")
    page = client.post("/login/", {"username": "alice", "password": PASSWORD}, follow=True)
    assert page.status_code == 200 and page.redirect_chain[-1][0] == "/"  # a worker: no longer asked for a code


def test_no_reset_of_another_organisations_login(client, people):
    from django.contrib.auth import get_user_model

    from tongxing.organisations.models import Organisation

    other = Organisation.objects.create(code="ELSE", name="另一機構")
    admin = get_user_model().objects.create_user("olga", password=PASSWORD)
    Access.objects.create(user=admin, level=Level.ORG_ADMIN, organisation=other)
    client.force_login(admin)
    assert client.post(f"/account/users/{people['alice'].pk}/two-factor/reset/").status_code == 403


def test_wrong_passwords_from_one_address_do_not_lock_other_accounts(client, people):
    """Issue 13 finding 9: six failures under invented usernames from one address locked everyone there."""
    for n in range(6):
        post_login(client, f"nobody{n}", "wrong")
    for _ in range(6):
        post_login(client, "bob", "wrong")
    assert post_login(client, "bob", PASSWORD).status_code == 429  # the account tried is locked
    assert post_login(client, "alice", PASSWORD).status_code == 302  # its colleague at the same address is not
