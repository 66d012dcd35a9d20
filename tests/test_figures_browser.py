"""Issue 16 in a real browser: a Taiwan figure and a project indicator each open the records behind them."""

import datetime as dt

import pytest
from django.contrib.auth import get_user_model

from tongxing.accounts.models import Access, Level
from tongxing.activities.models import Activity, Attendance
from tongxing.cases.models import Referral, ReferralCategory, ReferralStatus
from tongxing.organisations.models import Organisation, Unit
from tongxing.people.models import Person
from tongxing.projects.models import Enrolment, OutputIndicator, Programme, Project

from .conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "correct-horse-battery"


def test_taiwan_figure_and_project_indicator_open_their_records(live_server, page):
    org = Organisation.objects.create(code="KH", name="高雄市政府毒品防制局")
    unit = Unit.objects.create(organisation=org, code="KH1", name="高雄市毒品危害防制中心", timezone="Asia/Taipei")
    bob = get_user_model().objects.create_user("bob", password=PASSWORD)
    Access.objects.create(user=bob, level=Level.SUPERVISOR, organisation=org, unit=unit)
    client = Person.objects.create(unit=unit, external_id="P1", name="陳大文", sex="M")
    Referral.objects.create(unit=unit, external_id="R1", person=client, direction="out",
                            category=ReferralCategory.EMPLOYMENT, date=dt.date(2017, 3, 1))
    Referral.objects.create(unit=unit, external_id="R2", person=client, direction="out",
                            category=ReferralCategory.EMPLOYMENT, date=dt.date(2017, 3, 2),
                            status=ReferralStatus.CANCELLED, status_date=dt.date(2017, 3, 3),
                            status_reason="個案已自行求職")
    login(page, live_server, "bob", PASSWORD)

    page.goto(f"{live_server.url}/prevention/KH1/?start=2017-01-01&end=2017-12-31")
    cell = page.locator("#t-referrals td[data-key=employment] a")
    assert cell.inner_text().strip() == "1"
    cell.click()
    panel = page.locator("#drilldown table.drilldown")
    panel.wait_for()
    assert panel.locator("tr.counted").count() == 1
    excluded = panel.locator("tr.excluded").first.inner_text()
    assert "個案已自行求職" in excluded and "已於處理前取消或撤回" in excluded
    assert panel.locator("tr.excluded a").first.get_attribute("href").startswith("/referrals/")

    project = Project.objects.create(unit=unit, code="BDF 1", title="社區網隱行動", start=dt.date(2017, 1, 1),
                                     end=dt.date(2017, 12, 31))
    talks = Programme.objects.create(project=project, name="講座", activity_kinds=["education"])
    indicator = OutputIndicator.objects.create(project=project, number="1", description="講座", kind="sessions",
                                               programme=talks, target=2)
    Enrolment.objects.create(project=project, person=client, date=project.start)
    for i, tagged in enumerate((project, None)):
        start = dt.datetime(2017, 5, 1 + i, 10, tzinfo=dt.timezone(dt.timedelta(hours=8)))
        talk = Activity.objects.create(unit=unit, external_id=f"T{i}", kind="education", start=start,
                                       end=start + dt.timedelta(hours=2), project=tagged)
        Attendance.objects.create(activity=talk, person=client)
    page.goto(f"{live_server.url}/projects/{project.pk}/")
    page.locator(f"#outputs tr[data-number='{indicator.number}'] td.achieved a").click()
    panel = page.locator("#drilldown table.drilldown")
    panel.wait_for()
    assert panel.locator("tr.counted").count() == 1
    assert "不屬本計劃的活動" in panel.locator("tr.excluded").first.inner_text()

    # The same address opened directly is a full page, styled, with the way back.
    page.goto(f"{live_server.url}/projects/{project.pk}/outputs/{indicator.pk}/records/")
    assert page.locator("link[rel=stylesheet]").count() >= 1
    assert page.locator("#drilldown table.drilldown tr.counted").count() == 1
