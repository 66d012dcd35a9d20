"""Case teams, medical access, break-the-glass and the facilitator's attendance sheet (issue 19)."""

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from tongxing.accounts.models import Access, Level
from tongxing.accounts.scope import cases_for, people_for
from tongxing.activities.models import ActivityStaff, Attendance
from tongxing.audit.models import Event
from tongxing.cases.models import Case, CaseType, Episode
from tongxing.organisations.models import Role, Staff, StaffRole
from tongxing.people.models import Person, Sex
from tongxing.teams.models import BreakGlass, MedicalAccess, TeamMember

from .activities_world import build, group_with_members

pytestmark = pytest.mark.django_db


def _worker(world, name, *roles, staff=None):
    user = get_user_model().objects.create_user(name)
    Access.objects.create(user=user, level=Level.WORKER, organisation=world.unit.organisation, unit=world.unit)
    if staff is None:
        staff = Staff.objects.create(unit=world.unit, external_id=f"s-{name}", name=f"{name}姓名")
        StaffRole.objects.bulk_create([StaffRole(staff=staff, role=r) for r in roles or (Role.SOCIAL_WORKER,)])
    staff.user = user
    staff.save()
    return user


@pytest.fixture
def world():
    return build()


def test_team_member_sees_and_records_on_the_case_but_only_the_lead_sets_the_team(client, world):
    nina = _worker(world, "nina", staff=world.nurse)
    assert not cases_for(nina).exists()
    client.force_login(world.alice)
    response = client.post(reverse("case-team", args=[world.case.pk]), {"staff": world.nurse.pk, "role": "nurse"})
    assert response.status_code == 302
    assert TeamMember.objects.filter(case=world.case, staff=world.nurse, role="nurse").exists()
    assert Event.objects.filter(object_type="cases.case", summary__startswith="team member added").exists()
    assert list(cases_for(nina)) == [world.case]
    assert set(people_for(nina)) >= {world.client, world.member}
    client.force_login(nina)
    page = client.get(reverse("case-detail", args=[world.case.pk]))
    assert page.status_code == 200 and "周小明" in page.content.decode()
    assert 'id="close"' not in page.content.decode()
    assert client.post(reverse("case-close", args=[world.case.pk])).status_code == 403
    assert client.post(reverse("case-team", args=[world.case.pk]),
                       {"staff": world.doctor.pk, "role": "doctor"}).status_code == 403
    client.force_login(world.alice)
    client.post(reverse("case-team", args=[world.case.pk]), {"remove": world.nurse.pk})
    assert not cases_for(nina).exists()


def test_a_team_member_from_another_unit_is_refused(client, world):
    stranger = Staff.objects.create(unit=world.other_unit, external_id="s-x", name="外單位")
    client.force_login(world.alice)
    client.post(reverse("case-team", args=[world.case.pk]), {"staff": stranger.pk, "role": "peer"})
    assert not TeamMember.objects.exists()


def test_medical_access_reaches_the_units_clients_not_their_case_files(client, world):
    mona = _worker(world, "mona", staff=world.doctor)
    assert world.client not in people_for(mona)
    client.force_login(world.bob)
    assert client.post(reverse("medical-access"), {"staff": world.doctor.pk}).status_code == 302
    grant = MedicalAccess.objects.get(staff=world.doctor)
    assert world.client in people_for(mona) and world.stranger not in people_for(mona)
    assert not cases_for(mona).exists()
    client.force_login(mona)
    assert "周小明" in client.get(reverse("activities:people-search"), {"q": "周小明", "field": "person"}).content.decode()
    assert client.get(reverse("case-detail", args=[world.case.pk])).status_code == 404
    client.force_login(world.bob)
    client.post(reverse("medical-access"), {"revoke": grant.pk})
    assert world.client not in people_for(mona)
    # Only nurses and doctors, and only by a supervisor.
    assert client.post(reverse("medical-access"), {"staff": world.homemaker.pk}).status_code == 400
    client.force_login(world.alice)
    assert client.post(reverse("medical-access"), {"staff": world.doctor.pk}).status_code == 403


def test_break_the_glass_gives_a_reason_is_audited_and_shown_to_the_supervisor(client, world):
    gina = _worker(world, "gina")
    client.force_login(gina)
    url = reverse("person-detail", args=[world.client.pk])
    refused = client.get(url)
    body = refused.content.decode()
    assert refused.status_code == 403 and "周小明" not in body and "91234567" not in body
    assert "陳美玲" in body  # the case's worker to ask
    assert 'id="break-glass-form"' in body
    assert client.post(reverse("break-glass", args=[world.client.pk]), {"reason": "急"}).status_code == 400
    assert not BreakGlass.objects.exists()
    response = client.post(reverse("break-glass", args=[world.client.pk]),
                           {"reason": "案主來電表示有自殺念頭，負責社工放假"})
    assert response.status_code == 302 and response["Location"] == url
    assert client.get(url).status_code == 200
    assert client.get(reverse("case-detail", args=[world.case.pk])).status_code == 200
    assert Event.objects.filter(object_type="teams.breakglass", summary__contains="自殺念頭").exists()
    client.force_login(world.bob)
    log = client.get(reverse("break-glass-log")).content.decode()
    assert "gina姓名" in log and "自殺念頭" in log
    assert 'id="glass-unreviewed"' in client.get(reverse("home")).content.decode()
    opening = BreakGlass.objects.get()
    client.post(reverse("break-glass-log"), {"opening": opening.pk})
    opening.refresh_from_db()
    assert opening.reviewed_by == world.bob
    # The opening lapses.
    BreakGlass.objects.update(until=timezone.now() - dt.timedelta(minutes=1))
    client.force_login(gina)
    assert client.get(url).status_code == 403


def test_another_units_worker_cannot_break_the_glass(client, world):
    client.force_login(world.charlie)
    assert client.get(reverse("person-detail", args=[world.client.pk])).status_code == 404
    response = client.post(reverse("break-glass", args=[world.client.pk]), {"reason": "只是想看看這個人的紀錄"})
    assert response.status_code == 404 and not BreakGlass.objects.exists()


def test_the_search_points_to_a_record_outside_the_caseload_instead_of_inviting_a_duplicate(client, world):
    gina = _worker(world, "gina")
    client.force_login(gina)
    body = client.get(reverse("person-list"), {"q": "周小明"}).content.decode()
    assert 'id="outside-caseload"' in body and reverse("person-detail", args=[world.client.pk]) in body
    assert "周小明" not in body.split('id="outside-caseload"')[1]


def test_the_friendly_404_says_what_to_do(client, world):
    client.force_login(world.alice)
    response = client.get("/cases/999999/")
    body = response.content.decode()
    assert response.status_code == 404 and 'id="not-found"' in body and "Not Found" not in body


def test_a_facilitator_sees_every_member_of_the_group_by_name(client, world):
    frank = _worker(world, "frank", staff=world.peer)
    group, people, first, second = group_with_members(world, 12)
    # Members are clients of several workers: alice, and a colleague.
    colleague = Staff.objects.create(unit=world.unit, external_id="s-col", name="同事")
    for i, person in enumerate(people):
        case = Case.objects.create(unit=world.unit, external_id=f"gc{i}", type=CaseType.PSA, client=person,
                                   worker=world.alice_staff if i % 2 else colleague)
        Episode.objects.create(case=case, opened=dt.date(2024, 5, 1))
    ActivityStaff.objects.bulk_create([ActivityStaff(activity=s, staff=world.peer) for s in (first, second)])
    client.force_login(frank)
    page = client.get(reverse("activities:attendance", args=[second.pk]))
    assert len(page.context["members"]) == 12
    assert client.get(reverse("person-detail", args=[people[0].pk])).status_code == 403
    response = client.post(reverse("activities:attendance", args=[second.pk]), {"present": [p.pk for p in people]})
    assert response.status_code == 302 and Attendance.objects.filter(activity=second).count() == 12
    # A worker who does not facilitate sees only the members in their caseload.
    ActivityStaff.objects.filter(staff=world.alice_staff).delete()
    client.force_login(world.alice)
    assert len(client.get(reverse("activities:attendance", args=[second.pk])).context["members"]) == 6
    stranger = Person.objects.create(unit=world.unit, external_id="px", name="路人", sex=Sex.MALE)
    Case.objects.create(unit=world.unit, external_id="cx", type=CaseType.PSA, client=stranger, worker=colleague)
    client.force_login(frank)
    client.post(reverse("activities:attendance", args=[second.pk]), {"present": [stranger.pk]})
    assert not Attendance.objects.filter(person=stranger).exists()
