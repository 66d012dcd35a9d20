"""A supervisor (not a superuser, no admin site) sets the next year up in Chromium: agreed levels, a project with a
programme and an output indicator, a KPI. A negative level is refused next to its field; no page of the Django admin
is ever requested."""

from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model

from tongxing.accounts.models import Access, Level
from tongxing.organisations.models import Organisation, Unit
from tongxing.prevention.models import Kpi
from tongxing.projects.models import OutputIndicator, Project
from tongxing.reports.views import current_fy
from tongxing.standards.models import AgreedLevel

from .conftest import SCREENSHOTS, login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "correct-horse-battery"


def test_a_supervisor_sets_next_year_up_without_the_admin(live_server, page):
    organisation = Organisation.objects.create(code="ORG", name="機構")
    unit = Unit.objects.create(organisation=organisation, code="KT", name="葵涌中心")
    AgreedLevel.objects.create(unit=unit, fy=current_fy(), standard="OS1", value=70)
    sue = get_user_model().objects.create_user("sue", password=PASSWORD)
    Access.objects.create(user=sue, level=Level.SUPERVISOR, unit=unit, organisation=organisation)
    assert not sue.is_superuser and not sue.is_staff
    requested = []
    page.on("request", lambda request: requested.append(request.url))
    login(page, live_server, "sue", PASSWORD)
    assert page.locator("a[href^='/admin/']").count() == 0

    page.click("nav >> text=設定")
    page.click(f"#units >> a[href='/setup/KT/levels/{current_fy()}/']")
    next_fy = current_fy() + 1
    page.click(f"a[href='/setup/KT/levels/{next_fy}/']")
    page.click("#copy-last-year")
    assert page.input_value("#id_OS1") == "70"
    page.fill("#id_OS1", "-5")
    page.fill("#id_OC1", "55")
    page.click("#levels button.primary")
    error = page.locator("#id_OS1-error")
    assert error.inner_text() == "協定水平不可為負數"
    # Next to its own field: the message and the input share one field block, the input marked invalid.
    assert page.locator(".field:has(#id_OS1) #id_OS1-error").count() == 1
    assert page.get_attribute("#id_OS1", "aria-invalid") == "true"
    assert not AgreedLevel.objects.filter(fy=next_fy).exists()
    page.fill("#id_OS1", "72")
    page.click("#levels button.primary")
    page.wait_for_selector("#history td:has-text('sue')")
    assert dict(AgreedLevel.objects.filter(unit=unit, fy=next_fy).values_list("standard", "value")) == {
        "OS1": Decimal(72), "OC1": Decimal("0.55")}
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=SCREENSHOTS / "setup-agreed-levels.png", full_page=True)

    page.click("text=資助計劃")
    page.click("text=新增計劃")
    page.fill("#id_code", "BDF-7")
    page.fill("#id_title", "親子同行計劃")
    page.fill("#id_start", f"{next_fy}-04-01")
    page.fill("#id_end", f"{next_fy + 1}-03-31")
    page.click("button.primary")
    page.click("text=新增計劃活動")
    page.fill("#id_name", "家長講座")
    page.check("input[name=activity_kinds][value=education]")
    page.click("button.primary")
    page.click("text=新增輸出指標")
    page.fill("#id_number", "1")
    page.fill("#id_description", "舉辦家長講座節數")
    page.select_option("#id_kind", "sessions")
    page.select_option("#id_programme", label="家長講座")
    page.fill("#id_target", "12")
    page.click("button.primary")
    page.wait_for_selector("#outputs >> text=舉辦家長講座節數")
    project = Project.objects.get(unit=unit, code="BDF-7")
    assert OutputIndicator.objects.get(project=project).target == 12

    page.click("text=績效指標")
    page.click("text=新增績效指標")
    page.fill("#id_name", "講習出席率")
    page.fill("#id_formula", "lecture_attended / lecture_required")
    page.fill("#id_target", "70")
    page.fill("#id_starts", f"{next_fy}-01-01")
    page.fill("#id_ends", f"{next_fy}-12-31")
    page.click("button.primary")
    page.wait_for_selector("#kpis >> text=講習出席率")
    assert Kpi.objects.get(unit=unit).formula == "lecture_attended / lecture_required"
    assert not [url for url in requested if "/admin/" in url]
