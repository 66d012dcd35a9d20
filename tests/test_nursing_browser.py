"""The nurse at work (issue 19), in Chromium, screenshots committed under docs/screenshots/: the nurse (worker access
level) finds a client of the centre's team by searching on the nursing form, with no invitation to add a duplicate,
records vital signs and a urine drug panel, and sees them on the person's record and timeline. She reaches the
client through the case team, or through the unit's medical access the supervisor granted (as in the demo). A
colleague of the same unit with neither finds no one and is refused the client's record."""

import datetime as dt

import pytest
from django.utils import timezone

from tongxing.activities.models import ActivityKind, NursingRecord
from tongxing.teams.models import MedicalAccess, TeamMember, TeamRole

from .activities_world import PASSWORD, build, worker_login
from .conftest import login, shot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def search(page, text):
    """Type into the nursing form's person search and wait for its answer."""
    with page.expect_response("**/activities/people/search/**"):
        page.fill("#people-q", text)
    page.locator("#people-results li").first.wait_for()


@pytest.mark.parametrize("reach", ["case team", "medical access"])
def test_the_nurse_finds_a_team_client_and_logs_nursing_with_a_urine_result(live_server, page, browser, reach):
    w = build()
    worker_login(w, "nina", staff=w.nurse)
    if reach == "case team":
        TeamMember.objects.create(case=w.case, staff=w.nurse, role=TeamRole.NURSE, added_on=timezone.localdate())
    else:
        MedicalAccess.objects.create(staff=w.nurse, unit=w.unit, granted_by=w.bob, granted_on=timezone.localdate())
    worker_login(w, "gina")
    screenshots = reach == "case team"
    yesterday = timezone.localdate() - dt.timedelta(days=1)

    login(page, live_server, "nina", PASSWORD)
    page.goto(f"{live_server.url}/activities/new/nursing/")
    search(page, "周小明")
    found = page.locator("#people-results button.pick")
    assert found.count() == 1 and "周小明" in found.inner_text()
    assert "新增" not in page.locator("#people-results").inner_text()  # no invitation to add a duplicate
    found.click()
    page.locator("#people-chosen .chip").wait_for()
    assert "周小明" in page.locator("#people-chosen").inner_text()
    if screenshots:
        shot(page, "nurse-finds-team-client-zh-Hant")
    assert page.is_checked(f"input[name=staff][value='{w.nurse.pk}']")  # the signed-in nurse gave the session
    page.fill("input[name=date]", yesterday.isoformat())
    page.fill("input[name=start_time]", "10:00")
    page.check("input[name=duration][value='30']")
    for field, value in (("systolic", "128"), ("diastolic", "84"), ("pulse", "76"), ("temperature", "36.8"),
                         ("weight", "61.5")):
        page.fill(f"#id_nursing-{field}", value)
    page.check("input[name='nursing-urine_ketamine'][value='positive']")
    page.check("input[name='nursing-urine_methamphetamine'][value='negative']")
    page.fill("#id_nursing-medication", "美沙酮 60mg 每日")
    page.click("#save")
    page.wait_for_url(f"{live_server.url}/activities/*/")
    record = NursingRecord.objects.get()
    assert (record.activity.kind, record.activity.date, record.systolic, record.diastolic) == \
        (ActivityKind.NURSING, yesterday, 128, 84)
    assert dict(record.urine.values_list("drug", "result")) == {"ketamine": "positive",
                                                                 "methamphetamine": "negative"}

    page.goto(f"{live_server.url}/people/{w.client.pk}/")
    medical = page.locator("#medical .nursing-entry")
    assert medical.count() == 1
    assert "128/84" in medical.inner_text() and "氯胺酮: 陽性" in medical.inner_text().replace("：", ": ")
    assert page.locator("#medical .urine .pill.warn").count() == 1
    entry = page.locator("#timeline li.t-activity").first
    assert yesterday.isoformat() in entry.inner_text() and "張護士" in entry.inner_text()
    if screenshots:
        shot(page, "nursing-with-urine-result-on-person-record-zh-Hant")

    # A colleague of the unit, neither on the team nor holding medical access, reaches neither the client nor the
    # clinical record.
    context = browser.new_context(viewport={"width": 1366, "height": 900})
    other = context.new_page()
    login(other, live_server, "gina", PASSWORD)
    other.goto(f"{live_server.url}/activities/new/nursing/")
    search(other, "周小明")
    assert other.locator("#people-results button.pick").count() == 0
    assert other.goto(f"{live_server.url}/activities/new/nursing/?person={w.client.pk}").status == 404
    response = other.goto(f"{live_server.url}/people/{w.client.pk}/")
    assert "周小明" not in other.content() and "128/84" not in other.content()
    assert response.status == 403 or other.locator("#break-glass-form").count() == 1
    detail = other.goto(f"{live_server.url}/activities/{record.activity.pk}/")
    assert "128/84" not in other.content() and "美沙酮" not in other.content()
    assert detail.status in (200, 404)
    if screenshots:
        other.goto(f"{live_server.url}/people/{w.client.pk}/")
        shot(other, "nursing-client-refused-to-colleague-zh-Hant")
    context.close()
