"""Enter a pre and a post PHQ-9 for a person in Chromium, by keyboard as from paper, and see the project's
outcome change on its dashboard."""

import datetime as dt

import pytest
from django.contrib.auth import get_user_model

from tongxing.accounts.models import Access, Level
from tongxing.organisations.models import Organisation, Unit
from tongxing.outcomes.library import ensure_library
from tongxing.outcomes.models import Administration, Instrument
from tongxing.people.models import Person
from tongxing.projects.models import Enrolment, OutcomeIndicator, Project

from .conftest import SCREENSHOTS, login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "correct-horse-battery"


def enter_phq9(page, url, time_point, date, digits):
    page.goto(f"{url}/outcomes/forms/new/")
    page.fill("#person-q", "陳大")
    page.locator("#people input[type=radio]").first.wait_for()
    page.select_option("select[name=instrument]", label="病人健康狀況問卷-9 (PHQ-9)")
    page.locator("fieldset[data-item='9']").wait_for()
    page.select_option("select[name=time_point]", time_point)
    page.fill("input[name=date]", date)
    page.locator("fieldset[data-item='1'] input").first.focus()
    for digit in digits:  # one key per item: chooses the answer and moves on to the next item
        page.keyboard.press(digit)
    page.keyboard.press("Enter")  # focus is on the save button after item 9
    page.locator(".messages li").first.wait_for()


def test_pre_and_post_phq9_update_the_project_outcome(live_server, page):
    ensure_library()
    org = Organisation.objects.create(code="HKCS", name="香港基督教服務處")
    unit = Unit.objects.create(organisation=org, code="KC2", name="家持II")
    bob = get_user_model().objects.create_user("bob", password=PASSWORD)
    Access.objects.create(user=bob, level=Level.SUPERVISOR, organisation=org, unit=unit)
    relative = Person.objects.create(unit=unit, external_id="F-001", name="陳大文", sex="F")
    project = Project.objects.create(unit=unit, code="BDF 170018", title="家持II – 吸毒人士家人支援服務",
                                     start=dt.date(2018, 6, 1), end=dt.date(2030, 5, 31))
    Enrolment.objects.create(project=project, person=relative, date=dt.date(2023, 12, 1))  # a participant
    OutcomeIndicator.objects.create(project=project, number="一", description="吸毒人士家人的身心健康情況有改善",
                                    instrument=Instrument.objects.get(code="phq9"))
    login(page, live_server, "bob", PASSWORD)

    page.goto(f"{live_server.url}/projects/{project.pk}/")
    row = page.locator("#outcomes tr[data-number='一']")
    assert "n = 0" in row.inner_text()

    enter_phq9(page, live_server.url, "pre", "2024-01-10", "222222221")
    assert "· 17 (中重度)" in page.locator(".messages").inner_text()
    enter_phq9(page, live_server.url, "post", "2024-06-10", "110100000")
    assert list(Administration.objects.order_by("date").values_list("time_point", "total", "flagged")) == [
        ("pre", 17, True), ("post", 3, False)]

    page.goto(f"{live_server.url}/projects/{project.pk}/")
    row = page.locator("#outcomes tr[data-number='一']")
    assert "n = 1" in row.inner_text()
    assert row.locator(".headline").inner_text() == "100.0%"
    assert "達標" in row.locator(".verdict").inner_text()
    page.locator(f"#pie-{OutcomeIndicator.objects.get().pk}").wait_for()
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=SCREENSHOTS / "project-outcomes-zh-Hant.png", full_page=True)


def test_charlie_cannot_open_the_dashboard(live_server, page):
    org = Organisation.objects.create(code="O", name="機構")
    unit = Unit.objects.create(organisation=org, code="UA", name="甲")
    other = Unit.objects.create(organisation=org, code="UB", name="乙")
    charlie = get_user_model().objects.create_user("charlie", password=PASSWORD)
    Access.objects.create(user=charlie, level=Level.SUPERVISOR, organisation=org, unit=other)
    project = Project.objects.create(unit=unit, code="P", title="計劃", start=dt.date(2020, 1, 1),
                                     end=dt.date(2021, 1, 1))
    login(page, live_server, "charlie", PASSWORD)
    assert page.goto(f"{live_server.url}/projects/{project.pk}/").status == 404
