"""A worker's day end to end in Debian's Chromium, and the supervisor seeing the year's figures move.

Log in as a worker, find a person, open a case, write the case plan, log an interview and an outreach
session, take attendance at a group session, close the episode with its outcome; then the supervisor's
progress table shows OS1, OS4 and OS5 one higher. Screenshots of the homes and the case file in both
languages go to SCREENSHOTS for a reviewer.
"""

import datetime as dt

import pytest
from django.utils import timezone

from tongxing.activities.models import Activity, ActivityKind, ActivityStaff, Attendance, Group, GroupKind
from tongxing.cases.models import Case, CasePlan
from tongxing.reports.views import current_fy

from .casework import PASSWORD, agreed, caseload, person, world
from .conftest import SCREENSHOTS, login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _group_today(w):
    """A counselling group with a session this morning whose attendance is still to be taken."""
    group = Group.objects.create(unit=w.unit, external_id="g1", kind=GroupKind.COUNSELLING, title="抗逆小組")
    start = timezone.make_aware(dt.datetime.combine(timezone.localdate(), dt.time(8, 0)))
    session = Activity.objects.create(unit=w.unit, external_id="gs1", kind=ActivityKind.GROUP_SESSION, group=group,
                                      start=start, end=start + dt.timedelta(minutes=90))
    ActivityStaff.objects.create(activity=session, staff=w.alice_staff)
    return session


def _progress(page, live_server):
    page.goto(f"{live_server.url}/")
    page.locator("#progress").wait_for()
    return {code: float(page.locator(f'#progress tr[data-code="{code}"] td.achieved').inner_text().strip() or 0)
            for code in ("OS1", "OS4", "OS5")}


def _switch_language(page, code):
    with page.expect_navigation():
        page.select_option("#lang", code)


def test_a_workers_day_moves_the_supervisors_figures(live_server, browser):
    w = world()
    fy = current_fy()
    agreed(w.unit, fy, OS1=72, OS4=280, OS5=65)
    caseload(w, 12)  # a lived-in caseload around the new case
    client = person(w.unit, 500, name="黃小明", name_en="Wong Siu Ming", phone="61234567",
                    birth_date=dt.date(2003, 5, 6))
    session = _group_today(w)
    SCREENSHOTS.mkdir(exist_ok=True)

    supervisor = browser.new_context(viewport={"width": 1366, "height": 900}).new_page()
    login(supervisor, live_server, "bob", PASSWORD)
    before = _progress(supervisor, live_server)

    page = browser.new_context(viewport={"width": 1366, "height": 900}).new_page()
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    login(page, live_server, "alice", PASSWORD)
    assert page.locator("#without-plan").is_visible()

    # Find the person as you type.
    page.click("nav >> text=人士")
    page.fill("#q", "小明")
    page.locator("#results a", has_text="黃小明").click()
    page.wait_for_url(f"**/people/{client.pk}/")

    # Open a case.
    page.click("text=開個案")
    page.click("button[type=submit].primary")
    case = Case.objects.get(client=client)
    page.wait_for_url(f"**/cases/{case.pk}/**")

    # Write the four-part case plan.
    page.fill("#id_plan-direction", "減少使用氯胺酮，重返校園")
    page.fill("#id_plan-timetable", "首三個月每週面談")
    page.fill("#id_plan-actions", "社工每週面談；案主參加抗逆小組")
    page.fill("#id_plan-goals", "連續90日沒有吸毒")
    page.click("text=儲存個案計劃")
    page.locator("text=四部分齊全").wait_for()
    assert CasePlan.objects.get(episode__case=case).is_complete

    # Log an interview from the case file: the client, the case, today and me are filled in.
    page.click("text=記錄接觸")
    page.wait_for_url("**/activities/new/**")
    page.select_option("#id_kind", "interview")
    page.fill("#id_start_time", "10:00")
    page.check("input[name=duration][value='60']")
    page.click("#save")
    page.wait_for_url("**/activities/**")
    assert Activity.objects.filter(case=case, kind=ActivityKind.INTERVIEW, people=client).count() == 1

    # An evening outreach session.
    page.goto(f"{live_server.url}/activities/new/outreach/")
    page.fill("#id_start_time", "19:00")
    page.check("input[name=duration][value='120']")
    page.fill("#id_place", "旺角球場")
    page.fill("#id_psa_contacted", "2")
    page.click("#save")
    page.wait_for_url("**/activities/**")
    assert Activity.objects.filter(kind=ActivityKind.OUTREACH, place="旺角球場").exists()

    # Take attendance at this morning's group session: add the client as a walk-in.
    page.goto(f"{live_server.url}/activities/sessions/{session.pk}/attendance/")
    page.fill("#present-q", "黃小明")
    page.locator("#present-results button.pick").first.click()
    page.locator(f"#members input[value='{client.pk}']").wait_for()
    page.click("#save")
    page.wait_for_load_state()
    assert Attendance.objects.filter(activity=session, person=client).exists()

    # Back on the case file: the timeline has the interview; close the episode with its outcome.
    page.goto(f"{live_server.url}/cases/{case.pk}/")
    assert page.locator("#timeline li.t-activity").count() == 1
    page.screenshot(path=SCREENSHOTS / "case-file-zh-Hant.png", full_page=True)
    _switch_language(page, "en")
    assert page.locator("html").get_attribute("lang") == "en"
    page.screenshot(path=SCREENSHOTS / "case-file-en.png", full_page=True)
    page.goto(f"{live_server.url}/")
    page.screenshot(path=SCREENSHOTS / "home-worker-en.png", full_page=True)
    _switch_language(page, "zh-hant")
    page.screenshot(path=SCREENSHOTS / "home-worker-zh-Hant.png", full_page=True)

    page.goto(f"{live_server.url}/cases/{case.pk}/")
    page.click("#close summary")
    page.check("#id_close-plan_achieved_0")
    page.fill("#id_close-last_drug_use", (timezone.localdate() - dt.timedelta(days=100)).isoformat())
    page.fill("#id_close-closure_reason", "達成個案計劃目標")
    with page.expect_navigation():
        page.click("#close button.primary")
    assert page.locator(".case-head .pill").inner_text().startswith("已結案")
    episode = case.episodes.get()
    assert episode.closed == timezone.localdate() and episode.plan_achieved is True

    # The supervisor's progress page shows the new case, its plan and the outreach session.
    after = _progress(supervisor, live_server)
    assert after["OS1"] == before["OS1"] + 1
    assert after["OS4"] == before["OS4"] + 1
    assert after["OS5"] == before["OS5"] + 1
    supervisor.wait_for_function("() => window.Chart && Chart.getChart('progress-chart')")
    supervisor.screenshot(path=SCREENSHOTS / "home-supervisor-zh-Hant.png", full_page=True)
    _switch_language(supervisor, "en")
    supervisor.wait_for_function("() => window.Chart && Chart.getChart('progress-chart')")
    supervisor.screenshot(path=SCREENSHOTS / "home-supervisor-en.png", full_page=True)
    assert errors == []  # nothing blocked by the Content-Security-Policy
