"""The case file: timeline, episodes (open, close with outcome, reopen), the case plan, members, involvements,
collaborations, merging a family case into the PSA's case."""

import datetime as dt
import io

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from tongxing.activities.models import MedicalAssessment
from tongxing.audit.models import Event
from tongxing.cases.models import Case, CasePlan, Collaboration, Episode, Involvement, Referral

from .casework import PASSWORD, case, caseload, contact, person, world

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


@pytest.fixture
def w():
    return world()


def login(client, u):
    assert client.login(username=u.username, password=PASSWORD)
    return client


def plan_data(revision, **extra):
    data = {"plan-date": str(TODAY), "plan-direction": "戒除氯胺酮", "plan-timetable": "三個月", "plan-actions": "每週面談",
            "plan-goals": "連續90日無吸毒", "plan-revision": revision}
    data.update(extra)
    return data


def test_open_a_case_from_the_person_page(client, w):
    p = person(w.unit, 1)
    login(client, w.alice)
    form = client.get(reverse("case-new"), {"person": p.pk})
    assert form.context["form"]["worker"].value() == w.alice_staff.pk
    response = client.post(reverse("case-new") + f"?person={p.pk}", {"type": "psa", "worker": w.alice_staff.pk,
                                                                     "opened": str(TODAY)})
    c = Case.objects.get(client=p)
    assert response.status_code == 302 and response.url.endswith(f"/cases/{c.pk}/#plan")
    assert c.episodes.get().opened == TODAY
    assert Event.objects.filter(action="create", object_type="cases.case").exists()
    bad = client.post(reverse("case-new") + f"?person={p.pk}", {"type": "family", "parent_case": "on",
                                                                "opened": "2999-01-01"})
    assert bad.status_code == 200 and {"parent_case", "opened"} <= set(bad.context["form"].errors)


def test_case_file_timeline_in_date_order(client, w):
    p = person(w.unit, 1)
    c = case(w.unit, p, w.alice_staff, dt.date(2024, 4, 10), 1, plan=True)
    contact(w.unit, c, w.alice_staff, dt.date(2024, 5, 1), 1)
    Involvement.objects.create(unit=w.unit, external_id="i1", case=c, date=dt.date(2024, 5, 5), party="family",
                               stage="intake", mode="phone")
    Collaboration.objects.create(unit=w.unit, external_id="k1", case=c, date=dt.date(2024, 6, 1), kind="case_review")
    Referral.objects.create(unit=w.unit, external_id="r1", person=p, case=c, direction="out", category="ngo",
                            date=dt.date(2024, 6, 2), agency="明愛")
    MedicalAssessment.objects.create(unit=w.unit, external_id="m1", person=p, date=dt.date(2024, 4, 20),
                                     by=w.alice_staff, plan=True)
    login(client, w.alice)
    response = client.get(reverse("case-detail", args=[c.pk]))
    kinds = [(e.date, e.kind) for e in response.context["timeline"]]
    assert kinds[0] == (TODAY, "plan")  # the plan was written (recorded) today
    assert [k for _d, k in kinds][1:6] == ["referral", "collaboration", "involvement", "activity", "assessment"]
    assert kinds[-1] == (dt.date(2024, 4, 10), "episode")
    assert "明愛" in response.content.decode()


def test_case_plan_saves_and_a_stale_second_save_is_refused(client, w, django_user_model):
    c = case(w.unit, person(w.unit, 1), w.alice_staff, TODAY - dt.timedelta(days=5), 1)
    login(client, w.alice)
    page = client.get(reverse("case-detail", args=[c.pk]))
    assert page.context["plan_form"]["revision"].value() == 0
    assert client.post(reverse("case-plan", args=[c.pk]), plan_data(0)).status_code == 302
    plan = CasePlan.objects.get(episode__case=c)
    assert plan.revision == 1 and plan.is_complete
    # Bob saved revision 1 → 2 meanwhile; alice, still on revision 1, is told and keeps her text.
    client.post(reverse("case-plan", args=[c.pk]), plan_data(1, **{"plan-goals": "supervisor's goals"}))
    stale = client.post(reverse("case-plan", args=[c.pk]), plan_data(1, **{"plan-goals": "alice's goals"}))
    assert stale.status_code == 409
    html = stale.content.decode()
    assert "alice&#x27;s goals" in html and "supervisor&#x27;s goals" in html
    assert "已有其他人儲存了個案計劃" in html
    assert CasePlan.objects.get(pk=plan.pk).goals == "supervisor's goals"
    assert stale.context["plan_form"]["revision"].value() == 2
    assert client.post(reverse("case-plan", args=[c.pk]), plan_data(2)).status_code == 302
    assert CasePlan.objects.get(pk=plan.pk).revision == 3
    assert CasePlan.history.filter(episode_id=plan.episode_id).count() == 3


def test_plan_validation_keeps_the_text(client, w):
    c = case(w.unit, person(w.unit, 1), w.alice_staff, TODAY, 1)
    login(client, w.alice)
    response = client.post(reverse("case-plan", args=[c.pk]), plan_data(0, **{"plan-date": ""}))
    assert response.status_code == 400 and "date" in response.context["plan_form"].errors
    assert "戒除氯胺酮" in response.content.decode()
    assert not CasePlan.objects.exists()


def test_close_with_outcome_then_reopen(client, w):
    c = case(w.unit, person(w.unit, 1), w.alice_staff, TODAY - dt.timedelta(days=200), 1, plan=True)
    login(client, w.alice)
    bad = client.post(reverse("case-close", args=[c.pk]), {"close-closed": str(TODAY - dt.timedelta(days=300)),
                                                            "close-last_drug_use": str(TODAY)})
    errors = bad.context["close_form"].errors
    assert bad.status_code == 400 and {"closed", "plan_achieved", "closure_reason"} <= set(errors)
    assert Episode.objects.get(case=c).closed is None
    ok = client.post(reverse("case-close", args=[c.pk]), {
        "close-closed": str(TODAY), "close-plan_achieved": "yes",
        "close-last_drug_use": str(TODAY - dt.timedelta(days=120)), "close-closure_reason": "完成計劃"})
    assert ok.status_code == 302
    e = Episode.objects.get(case=c)
    assert (e.closed, e.plan_achieved, e.closure_reason) == (TODAY, True, "完成計劃")
    early = client.post(reverse("case-reopen", args=[c.pk]), {"reopen-opened": str(TODAY - dt.timedelta(days=1))})
    assert early.status_code == 400 and "opened" in early.context["reopen_form"].errors
    assert client.post(reverse("case-reopen", args=[c.pk]), {"reopen-opened": str(TODAY)}).status_code == 302
    assert c.episodes.count() == 2 and c.episodes.filter(closed__isnull=True).count() == 1


def test_involvement_collaboration_and_next_action(client, w):
    c = case(w.unit, person(w.unit, 1), w.alice_staff, TODAY, 1)
    login(client, w.alice)
    bad = client.post(reverse("case-involvement", args=[c.pk]), {"inv-date": str(TODAY), "inv-party": "stakeholder"})
    assert bad.status_code == 400 and "stakeholder" in bad.context["involvement_form"].errors
    client.post(reverse("case-involvement", args=[c.pk]), {"inv-date": str(TODAY), "inv-party": "stakeholder",
                                                           "inv-stakeholder": "school", "inv-mode": "meeting"})
    assert Involvement.objects.get(case=c).stakeholder == "school"
    client.post(reverse("case-collaboration", args=[c.pk]), {"col-date": str(TODAY), "col-kind": "mdcc"})
    assert Collaboration.objects.get(case=c).kind == "mdcc"
    due = TODAY + dt.timedelta(days=3)
    client.post(reverse("case-next", args=[c.pk]), {"next-next_action_due": str(due), "next-next_action": "家訪"})
    c.refresh_from_db()
    assert (c.next_action_due, c.next_action, c.worker) == (due, "家訪", w.alice_staff)


def test_members_search_add_remove(client, w):
    c = case(w.unit, person(w.unit, 1), w.alice_staff, TODAY, 1)
    mother = person(w.unit, 2, name="黃太太", sex="F")
    login(client, w.alice)
    found = client.get(reverse("case-member-search", args=[c.pk]), {"q": "黃太"})
    assert mother in list(found.context["found"])
    client.post(reverse("case-member", args=[c.pk]), {"person": mother.pk})
    assert list(c.members.all()) == [mother]
    client.post(reverse("case-member", args=[c.pk]), {"person": mother.pk, "remove": "1"})
    assert not c.members.exists()


def test_family_case_merges_into_the_psa_case(client, w):
    psa_person, mother = person(w.unit, 1), person(w.unit, 2, name="黃太太", sex="F")
    father = person(w.unit, 3, name="黃生")
    family = case(w.unit, mother, w.alice_staff, TODAY - dt.timedelta(days=60), 1, type="family")
    family.members.add(father)
    Involvement.objects.create(unit=w.unit, external_id="i1", case=family, date=TODAY - dt.timedelta(days=30),
                               party="family", mode="interview")
    psa = case(w.unit, psa_person, w.alice_staff, TODAY - dt.timedelta(days=5), 2, plan=True)
    login(client, w.alice)
    page = client.get(reverse("case-detail", args=[family.pk]))
    assert psa in list(page.context["merge_form"].fields["psa_case"].queryset)
    response = client.post(reverse("case-merge", args=[family.pk]), {"merge-psa_case": psa.pk, "merge-on": str(TODAY)})
    assert response.status_code == 302
    family.refresh_from_db()
    assert family.merged_into == psa
    assert family.episodes.get().closed == TODAY and "已合併" in family.episodes.get().closure_reason
    assert set(psa.members.all()) == {mother, father}
    timeline = client.get(reverse("case-detail", args=[psa.pk])).context["timeline"]
    assert "involvement" in [e.kind for e in timeline]  # the family case's history shows on the PSA case
    assert client.post(reverse("case-plan", args=[family.pk]), plan_data(0)).status_code == 403


def test_scope_other_unit_and_auditor_404(client, w):
    from tongxing.accounts.models import Access, Level

    c = case(w.unit, person(w.unit, 1), w.alice_staff, TODAY, 1)
    login(client, w.charlie)
    assert client.get(reverse("case-detail", args=[c.pk])).status_code == 404
    assert client.post(reverse("case-plan", args=[c.pk]), plan_data(0)).status_code == 404
    client.logout()
    Access.objects.filter(user=w.bob).update(level=Level.AUDITOR)
    login(client, w.bob)
    # Auditors see figures, never a page that names a person.
    assert client.get(reverse("case-detail", args=[c.pk])).status_code == 404
    assert client.post(reverse("case-plan", args=[c.pk]), plan_data(0)).status_code == 403


def test_case_list_filters_paginates_exports(client, w):
    caseload(w, 30)
    closed = case(w.unit, person(w.unit, 99), w.bob_staff, TODAY - dt.timedelta(days=9), 99,
                  closed=TODAY - dt.timedelta(days=2))
    login(client, w.bob)
    assert client.get(reverse("case-list")).context["page"].paginator.count == 30
    closed_page = client.get(reverse("case-list"), {"status": "closed"})
    assert list(closed_page.context["page"]) == [closed]
    mine = client.get(reverse("case-list"), {"worker": w.alice_staff.pk, "status": "all"})
    assert mine.context["page"].paginator.count == 30
    ws = load_workbook(io.BytesIO(client.get(reverse("case-list"), {"status": "all", "export": "xlsx"}).content)).active
    assert ws.max_row == 32 + 2  # and a blank row with the re-disclosure notice


def _file_queries(client, c, django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        assert client.get(reverse("case-detail", args=[c.pk])).status_code == 200
    return len(ctx.captured_queries)


# The case page's queries (the session, the audit write and the file: appointments read once for the timeline and
# the list; PostgreSQL's audit write takes one more); lower it when the page reads less, never raise it.
CASE_FILE_QUERIES = {"sqlite": 25, "postgresql": 26}


def test_case_file_query_count_is_constant(client, w, django_assert_num_queries):
    c = case(w.unit, person(w.unit, 1), w.alice_staff, TODAY - dt.timedelta(days=400), 1, plan=True)
    login(client, w.alice)

    def grow(n, start):
        for i in range(start, start + n):
            contact(w.unit, c, w.alice_staff, TODAY - dt.timedelta(days=i % 300), i)
            Involvement.objects.create(unit=w.unit, external_id=f"i{i}", case=c, date=TODAY, party="family")
            c.members.add(person(w.unit, 1000 + i))

    grow(10, 0)
    client.get(reverse("home"))  # the first page after signing in starts the idle clock: a session write
    small = _file_queries(client, c, django_assert_num_queries)
    assert small <= CASE_FILE_QUERIES[connection.vendor], small
    grow(190, 10)
    with django_assert_num_queries(small):
        assert client.get(reverse("case-detail", args=[c.pk])).status_code == 200


def test_the_supervisors_case_page_reads_the_units_staff_once_for_both_selects(client, w):
    """The case worker's select (a supervisor may reassign) and the team's (the unit's staff but the case worker)
    are drawn from one read of the unit's staff, with the options each field's own queryset gives."""
    from django.test.utils import CaptureQueriesContext

    from tongxing.cases.forms import NextActionForm
    from tongxing.organisations.models import Staff
    from tongxing.teams.forms import TeamMemberForm

    Staff.objects.create(unit=w.unit, external_id="s-x", name="陳姑娘")
    Staff.objects.create(unit=w.other_unit, external_id="s-y", name="另一中心的人")
    c = case(w.unit, person(w.unit, 1), w.alice_staff, TODAY - dt.timedelta(days=40), 1, plan=True)
    login(client, w.bob)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse("case-detail", args=[c.pk]))
    assert sum(q["sql"].startswith('SELECT "organisations_staff"."id"') for q in ctx.captured_queries) == 1
    worker, team = str(response.context["next_form"]["worker"]), str(response.context["team_form"]["staff"])
    assert worker == str(NextActionForm(instance=c, prefix="next", may_reassign=True)["worker"])
    assert team == str(TeamMemberForm(case=c)["staff"])
    assert "陳姑娘" in team and w.alice_staff.name in worker and w.alice_staff.name not in team
    assert "另一中心的人" not in worker + team
