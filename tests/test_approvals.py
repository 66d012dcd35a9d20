"""A supervisor's approval of case plans and closures (issue 19): a unit setting, off by default; a worker's plan or
closure waits in the unit supervisor's queue; approve, or return with a reason; the case shows who and when; a
closure counts only once approved."""

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from tongxing.accounts.models import Access, Level
from tongxing.audit.models import Event
from tongxing.cases.models import Approval, Case, CasePlan, CaseType, Episode
from tongxing.organisations.models import Staff
from tongxing.people.models import Person, Sex
from tongxing.reports.views import current_fy
from tongxing.standards.engine import Period
from tongxing.standards.fsa import Scope, closed_cases_plan_achieved

from .activities_world import PASSWORD, build

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
PLAN = {"direction": "戒除氯胺酮", "timetable": "三個月", "actions": "每週面談", "goals": "連續90日無吸毒"}


@pytest.fixture
def w():
    """activities_world (alice works in unit A, bob supervises it, charlie works in unit B) with approval on in
    unit A, a plan on alice's case, dora supervising unit B and gina a colleague of alice's."""
    w = build()
    w.unit.approval_required = True
    w.unit.save()
    episode = w.case.episodes.get()
    CasePlan.objects.create(episode=episode, date=episode.opened, **PLAN)
    users = get_user_model().objects
    w.dora = users.create_user("dora", password=PASSWORD)
    Access.objects.create(user=w.dora, level=Level.SUPERVISOR, organisation=w.unit.organisation, unit=w.other_unit)
    Staff.objects.create(unit=w.other_unit, external_id="s-dora", name="丁主任", user=w.dora)
    w.gina = users.create_user("gina", password=PASSWORD)
    Access.objects.create(user=w.gina, level=Level.WORKER, organisation=w.unit.organisation, unit=w.unit)
    Staff.objects.create(unit=w.unit, external_id="s-gina", name="吳同事", user=w.gina)
    return w


def login(client, user):
    client.logout()
    assert client.login(username=user.username, password=PASSWORD)
    return client


def close(client, case, closed=TODAY, **extra):
    data = {"close-closed": str(closed), "close-plan_achieved": "yes",
            "close-last_drug_use": str(closed - dt.timedelta(days=120)), "close-closure_reason": "完成計劃", **extra}
    return client.post(reverse("case-close", args=[case.pk]), data)


def save_plan(client, case, revision, **parts):
    data = {"plan-date": str(TODAY), "plan-revision": revision, **{f"plan-{k}": v for k, v in {**PLAN, **parts}.items()}}
    return client.post(reverse("case-plan", args=[case.pk]), data)


def decide(client, approval, decision, comment=""):
    return client.post(reverse("approval", args=[approval.pk]), {"decision": decision, "comment": comment})


def oc1(unit):
    """OC1's base (episodes closed in the year with a complete plan) and those that achieved the plan."""
    return closed_cases_plan_achieved(Scope(unit, Period.financial_year(current_fy(TODAY)))).values()


def test_the_setting_is_off_by_default_and_a_closure_is_then_written_at_once(client, w):
    w.unit.approval_required = False
    w.unit.save()
    login(client, w.alice)
    assert close(client, w.case).status_code == 302
    assert w.case.episodes.get().closed == TODAY
    assert not Approval.objects.exists()
    assert oc1(w.unit) == (1, 1)


def test_a_closure_waits_for_the_supervisor_and_counts_only_once_approved(client, w):
    login(client, w.alice)
    page = client.get(reverse("case-detail", args=[w.case.pk])).content.decode()
    assert "Submit the closure for approval" in page or "提交結案待批核" in page
    response = close(client, w.case)
    assert response.status_code == 302
    episode = w.case.episodes.get()
    assert episode.closed is None  # not written to the episode
    request = Approval.objects.get()
    assert (request.kind, request.status, request.closed, request.requested_by) == ("closure", "pending", TODAY, w.alice)
    assert Event.objects.filter(summary__startswith="closure", summary__endswith="submitted for approval").exists()
    # Pending: the episode is open for every count (OC1's base has no closed episode).
    assert oc1(w.unit) == (0, 0)
    page = client.get(reverse("case-detail", args=[w.case.pk]))
    assert page.context["closure_pending"] == request and 'id="closure-pending"' in page.content.decode()
    assert 'id="close"' not in page.content.decode()  # no second closure while one waits
    again = close(client, w.case)
    assert again.status_code == 400 and Approval.objects.count() == 1

    login(client, w.bob)
    home = client.get(reverse("home")).content.decode()
    assert 'id="approvals-pending"' in home and reverse("approvals") in home
    assert decide(client, request, "approve").status_code == 302
    request.refresh_from_db()
    episode.refresh_from_db()
    assert (request.status, request.decided_by) == ("approved", w.bob) and request.decided_at is not None
    assert (episode.closed, episode.plan_achieved, episode.closure_reason) == (TODAY, True, "完成計劃")
    assert oc1(w.unit) == (1, 1)
    assert Event.objects.filter(summary="closure approved").exists()
    assert Event.objects.filter(summary=f"episode closed {TODAY}").exists()
    assert request.history.count() == 2  # created, decided

    login(client, w.alice)
    page = client.get(reverse("case-detail", args=[w.case.pk])).content.decode()
    # Who and when, by staff name (李志強 is bob), not login name.
    assert "李志強" in page and request.decided_at.astimezone(timezone.get_current_timezone()).strftime(
        "%Y-%m-%d %H:%M") in page and ">bob<" not in page
    assert "陳美玲" in page  # alice submitted it


def test_returning_needs_a_reason_and_leaves_the_case_open(client, w):
    login(client, w.alice)
    close(client, w.case)
    request = Approval.objects.get()
    login(client, w.bob)
    blank = decide(client, request, "return", "   ")
    assert blank.status_code == 400 and "comment" in blank.context["form"].errors
    assert Approval.objects.get().status == "pending"
    bad = decide(client, request, "maybe")
    assert bad.status_code == 400 and Approval.objects.get().status == "pending"
    assert decide(client, request, "return", "請先補充最後吸毒日期的資料來源").status_code == 302
    request.refresh_from_db()
    assert (request.status, request.comment, request.decided_by) == ("returned", "請先補充最後吸毒日期的資料來源", w.bob)
    assert w.case.episodes.get().closed is None and oc1(w.unit) == (0, 0)
    assert Event.objects.filter(summary="closure returned").exists()
    twice = decide(client, request, "approve")
    assert twice.status_code == 400 and w.case.episodes.get().closed is None
    login(client, w.alice)
    page = client.get(reverse("case-detail", args=[w.case.pk])).content.decode()
    assert 'id="closure-returned"' in page and "請先補充最後吸毒日期的資料來源" in page and 'id="close"' in page
    assert close(client, w.case).status_code == 302  # submitted again
    assert Approval.objects.filter(status="pending").count() == 1


def test_a_plan_waits_for_approval_again_after_each_change(client, w):
    login(client, w.alice)
    assert save_plan(client, w.case, 0).status_code == 302
    plan = Approval.objects.get(kind="plan")
    assert plan.status == "pending"
    # Saved again while pending: the same request, brought up to this save.
    save_plan(client, w.case, 1, goals="連續120日無吸毒")
    assert Approval.objects.filter(kind="plan").count() == 1
    login(client, w.bob)
    decide(client, plan, "approve", "好")
    page = login(client, w.alice).get(reverse("case-detail", args=[w.case.pk])).content.decode()
    assert 'data-status="approved"' in page and "李志強" in page
    save_plan(client, w.case, 2, goals="連續180日無吸毒")
    assert list(Approval.objects.filter(kind="plan").values_list("status", flat=True).order_by("pk")) == [
        "approved", "pending"]


def test_a_supervisors_own_closure_needs_no_approval(client, w):
    login(client, w.bob)
    assert close(client, w.case).status_code == 302
    assert w.case.episodes.get().closed == TODAY and not Approval.objects.exists()


def test_only_the_units_supervisor_sees_the_queue_and_decides(client, w):
    login(client, w.alice)
    close(client, w.case)
    request = Approval.objects.get()
    for user in (w.alice, w.gina, w.charlie):  # workers, of the unit and of another one
        login(client, user)
        assert client.get(reverse("approvals")).status_code == 403
        assert client.get(reverse("approval", args=[request.pk])).status_code == 403
        assert decide(client, request, "approve").status_code == 403
    login(client, w.dora)  # another unit's supervisor
    queue = client.get(reverse("approvals"))
    assert queue.status_code == 200 and "周小明" not in queue.content.decode()
    assert client.get(reverse("approval", args=[request.pk])).status_code == 404
    assert decide(client, request, "approve").status_code == 404
    assert 'id="approvals-pending"' not in client.get(reverse("home")).content.decode()
    request.refresh_from_db()
    assert request.status == "pending" and w.case.episodes.get().closed is None
    login(client, w.bob)
    page = client.get(reverse("approval", args=[request.pk])).content.decode()
    assert "周小明" in page and "完成計劃" in page


def test_the_setting_is_changed_on_the_units_set_up_page(client, w):
    login(client, w.bob)
    url = reverse("setup-unit", args=[w.unit.code])
    page = client.get(url).content.decode()
    assert 'name="approval_required"' in page
    response = client.post(url, {"name": w.unit.name, "timezone": w.unit.timezone})  # box unticked
    assert response.status_code == 302
    w.unit.refresh_from_db()
    assert w.unit.approval_required is False
    assert Event.objects.filter(summary=f"unit {w.unit.code} set-up", changes__approval_required=[True, False]).exists()
    login(client, w.alice)
    assert client.get(url).status_code == 403


def _more_requests(w, n, tag):
    """`n` more cases of unit A, each with a closure awaiting approval, by alice."""
    for i in range(n):
        person = Person.objects.create(unit=w.unit, external_id=f"q{tag}{i}", name=f"案主{tag}{i:02d}", sex=Sex.MALE)
        case = Case.objects.create(unit=w.unit, external_id=f"cq{tag}{i}", type=CaseType.PSA, client=person,
                                   worker=w.alice_staff)
        episode = Episode.objects.create(case=case, opened=TODAY - dt.timedelta(days=60))
        Approval.objects.create(episode=episode, kind="closure", closed=TODAY, closure_reason="完成",
                                requested_by=w.alice, requested_at=timezone.now())


# The session, its user with their second-factor device and access level; then the pending requests with their cases
# and clients, their staff names, and the same two for the latest decided ones: whatever the number of rows.
QUEUE_QUERIES = 7


def test_the_queue_page_reads_a_fixed_number_of_queries(client, w, django_assert_num_queries):
    _more_requests(w, 3, "a")
    Approval.objects.filter(pk=Approval.objects.first().pk).update(status="approved", decided_by=w.bob,
                                                                   decided_at=timezone.now())
    login(client, w.bob)
    client.get(reverse("approvals"))  # the first page of a session also stores its language
    with django_assert_num_queries(QUEUE_QUERIES):
        client.get(reverse("approvals"))
    Approval.objects.update(status="approved", decided_by=w.bob, decided_at=timezone.now())
    _more_requests(w, 12, "b")
    with django_assert_num_queries(QUEUE_QUERIES):
        page = client.get(reverse("approvals"))
    assert len(page.context["pending"]) == 12 and len(page.context["decided"]) == 3
    assert "案主b11" in page.content.decode() and "陳美玲" in page.content.decode()
