"""The whole team at work (issue 19), in Chromium, with screenshots committed under docs/screenshots/: a peer
worker facilitating a group sees all 12 members; a colleague breaks the glass with a reason and the supervisor
sees it; a PHQ-9 with item 9 above 0 raises an alert the worker acknowledges; an appointment becomes an activity
in one click; a note typed over the idle time is put back after signing in again."""

import datetime as dt
import time

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.utils import timezone

from tongxing.activities.models import Activity, ActivityKind, ActivityStaff
from tongxing.appointments.models import Appointment, AppointmentStatus
from tongxing.outcomes.library import ensure_library
from tongxing.outcomes.models import RiskAlert
from tongxing.teams.models import BreakGlass

from .activities_world import PASSWORD, activity, build, group_with_members, worker_login
from .conftest import login, shot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_facilitator_sees_all_12_members_of_the_group(live_server, page):
    w = build()
    group, people, first, second = group_with_members(w, 12)
    worker_login(w, "frank", "何朋輩", staff=w.peer)
    for session in (first, second):
        ActivityStaff.objects.create(activity=session, staff=w.peer)
    login(page, live_server, "frank", PASSWORD)
    page.goto(f"{live_server.url}/activities/sessions/{second.pk}/attendance/")
    assert page.locator("#members input[type=checkbox]").count() == 12
    assert "組員011" in page.content()
    shot(page, "facilitator-sees-12-members")


def test_a_worker_breaks_the_glass_with_a_reason_and_the_supervisor_sees_it(live_server, page, browser):
    w = build()
    worker_login(w, "gina", "吳同事")
    login(page, live_server, "gina", PASSWORD)
    page.goto(f"{live_server.url}/people/{w.client.pk}/")
    assert page.locator("#break-glass-form").count() == 1 and "周小明" not in page.content()
    shot(page, "break-glass-refused")
    page.fill("#break-glass-form textarea[name=reason]", "案主來電表示有自殺念頭，負責社工放假，需即時跟進")
    page.click("#break-glass")
    page.wait_for_url(f"{live_server.url}/people/{w.client.pk}/")
    assert "周小明" in page.content()
    assert BreakGlass.objects.filter(person=w.client, user__username="gina").exists()
    supervisor = browser.new_context(viewport={"width": 1366, "height": 900}).new_page()
    login(supervisor, live_server, "bob", PASSWORD)
    supervisor.goto(f"{live_server.url}/access/break-glass/")
    row = supervisor.locator("#break-glass-log tbody tr").first
    assert "吳同事" in row.inner_text() and "負責社工放假" in row.inner_text()
    shot(supervisor, "break-glass-supervisor-log")
    supervisor.context.close()


def test_a_phq9_with_item_9_raises_an_alert_that_the_worker_acknowledges(live_server, page):
    ensure_library()
    w = build()
    login(page, live_server, "alice", PASSWORD)
    page.goto(f"{live_server.url}/outcomes/forms/new/?person={w.client.pk}&case={w.case.pk}")
    page.select_option("select[name=instrument]", label="病人健康狀況問卷-9 (PHQ-9)")
    page.locator("fieldset[data-item='9']").wait_for()
    page.select_option("select[name=time_point]", "pre")
    page.fill("input[name=date]", (timezone.localdate() - dt.timedelta(days=1)).isoformat())
    page.locator("fieldset[data-item='1'] input").first.focus()
    for digit in "111111112":  # item 9 answered 2
        page.keyboard.press(digit)
    page.keyboard.press("Enter")
    page.locator(".messages li").first.wait_for()
    page.goto(f"{live_server.url}/")
    alert = page.locator("#risk-alerts .risk-alert").first
    assert "周小明" in alert.inner_text()
    shot(page, "risk-alert-on-home")
    alert.locator("textarea[name=action_taken]").fill("即日致電案主評估風險，已約明早面談並通知主任")
    alert.locator("button").click()
    page.locator(".messages li").first.wait_for()
    assert page.locator("#risk-alerts").count() == 0
    acknowledged = RiskAlert.objects.get(person=w.client)
    assert acknowledged.acknowledged_by == w.alice and "約明早面談" in acknowledged.action_taken
    shot(page, "risk-alert-acknowledged")


def test_an_appointment_becomes_an_activity_in_one_click(live_server, page):
    w = build()
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    start = dt.datetime.combine(yesterday, dt.time(15, 0), tzinfo=timezone.get_current_timezone())
    appointment = Appointment.objects.create(unit=w.unit, person=w.client, case=w.case, staff=w.alice_staff,
                                             kind=ActivityKind.HOME_VISIT, start=start, minutes=90, place="案主家中")
    Appointment.objects.create(unit=w.unit, person=w.client, case=w.case, staff=w.alice_staff,
                               kind=ActivityKind.INTERVIEW, start=start + dt.timedelta(days=3), place="中心面談室")
    login(page, live_server, "alice", PASSWORD)
    assert page.locator("#appointments-overdue li.appointment").count() == 1
    page.goto(f"{live_server.url}/appointments/?view=week&date={yesterday.isoformat()}")
    shot(page, "agenda-week")
    page.locator("#overdue button[type=submit]").click()
    page.wait_for_url(f"{live_server.url}/activities/**/edit/**")
    logged = Activity.objects.get(kind=ActivityKind.HOME_VISIT)
    assert (logged.date, logged.minutes, logged.place, logged.case_id) == (yesterday, 90, "案主家中", w.case.pk)
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.DONE and appointment.activity == logged
    shot(page, "appointment-logged-as-activity")
    page.goto(f"{live_server.url}/appointments/?view=week&date={yesterday.isoformat()}")
    monday = yesterday - dt.timedelta(days=yesterday.weekday())
    page.keyboard.press("ArrowRight")  # the next week, by keyboard
    page.wait_for_url(f"**date={(monday + dt.timedelta(days=7)).isoformat()}*")
    page.locator(".agenda").wait_for()


def test_a_note_typed_over_the_idle_time_is_put_back_after_signing_in(live_server, page):
    w = build()
    visit = activity(w.unit, timezone.now() - dt.timedelta(days=1), 60, ActivityKind.INTERVIEW,
                     staff=[w.alice_staff], people=[w.client], case=w.case)
    login(page, live_server, "alice", PASSWORD)
    page.goto(f"{live_server.url}/activities/{visit.pk}/edit/")
    note = "案主表示近兩星期沒有吸食氯胺酮，但與母親關係緊張，睡眠差。" * 3
    page.fill("textarea[name=note]", note)
    page.wait_for_timeout(600)  # the draft is kept a moment after typing stops
    # Meanwhile the idle time runs out on the server.
    key = next(c["value"] for c in page.context.cookies() if c["name"] == "sessionid")
    session = SessionStore(session_key=key)
    session["last_seen"] = int(time.time()) - 31 * 60
    session.save()
    page.click("#save")
    page.wait_for_url("**/login/**")
    assert Activity.objects.get(pk=visit.pk).note == ""
    page.fill("#id_username", "alice")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/activities/{visit.pk}/edit/")
    assert page.input_value("textarea[name=note]") == note
    assert page.locator(".draft-note").count() == 1
    shot(page, "draft-restored-after-sign-in")
    page.click("#save")
    page.locator(".messages li").first.wait_for()
    assert Activity.objects.get(pk=visit.pk).note == note
    assert page.evaluate("Object.keys(localStorage).filter(k => k.startsWith('tongxing-draft:') && !k.endsWith(':pending')).length") == 0
