"""A supervisor's approval of a closure (issue 19), in Chromium, with screenshots committed under docs/screenshots/:
a worker closes a case in a unit that asks for approval, the supervisor approves it from the queue linked on their
home page, and the case shows the closure approved, by whom and when."""

import pytest
from django.utils import timezone

from tongxing.cases.models import Approval, CasePlan

from .activities_world import PASSWORD, build
from .conftest import login, shot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_worker_closes_a_case_and_the_supervisor_approves_it_from_the_queue(live_server, page, browser):
    w = build()
    w.unit.approval_required = True
    w.unit.save()
    episode = w.case.episodes.get()
    CasePlan.objects.create(episode=episode, date=episode.opened, direction="戒除氯胺酮", timetable="三個月",
                            actions="每週面談", goals="連續90日無吸毒")

    login(page, live_server, "alice", PASSWORD)
    page.goto(f"{live_server.url}/cases/{w.case.pk}/")
    page.click("#close summary")
    page.check("input[name=close-plan_achieved][value=yes]")
    page.fill("textarea[name=close-closure_reason], input[name=close-closure_reason]", "完成個案計劃，案主已穩定就業")
    page.click("#close button.primary")
    page.locator("#closure-pending").wait_for()
    assert "陳美玲" in page.locator("#closure-pending").inner_text()
    assert w.case.episodes.get().closed is None  # open until approved
    shot(page, "approval-closure-awaiting")

    supervisor = browser.new_context(viewport={"width": 1366, "height": 900}).new_page()
    login(supervisor, live_server, "bob", PASSWORD)
    supervisor.click("#approvals-pending a")
    row = supervisor.locator("#approval-queue tbody tr").first
    assert "周小明" in row.inner_text() and "陳美玲" in row.inner_text()
    shot(supervisor, "approval-queue")
    row.locator("a.button").click()
    supervisor.locator("#decide").wait_for()
    assert "完成個案計劃" in supervisor.content()
    supervisor.click("#approve")
    supervisor.locator(".messages li").first.wait_for()
    assert supervisor.locator("#approval-queue tbody tr td.muted").count() == 1  # nothing left waiting
    approval = Approval.objects.get()
    assert (approval.status, approval.decided_by) == ("approved", w.bob)
    assert w.case.episodes.get().closed == timezone.localdate()
    supervisor.context.close()

    page.goto(f"{live_server.url}/cases/{w.case.pk}/")
    decided = page.locator("#approvals li[data-status=approved]")
    text = decided.inner_text()
    when = approval.decided_at.astimezone(timezone.get_current_timezone()).strftime("%Y-%m-%d %H:%M")
    assert "李志強" in text and when in text and "陳美玲" in text
    assert page.locator("#closure-pending").count() == 0
    shot(page, "approval-closure-approved-on-case")
