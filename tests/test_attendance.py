"""The attendance sheet: members from earlier sessions and their cases, walk-ins, one transaction, small groups."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from tongxing.activities.models import Activity, ActivityKind, ActivityStaff, Attendance, Group, GroupKind
from tongxing.audit.models import Event
from tongxing.cases.models import Case, CaseType
from tongxing.people.models import Person, Sex

from .activities_world import build, group_with_members

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return build()


def test_sheet_lists_earlier_attendees_and_their_case_members(client, world):
    group, people, first, second = group_with_members(world, 3)
    Attendance.objects.create(activity=first, person=world.client)
    client.force_login(world.alice)
    page = client.get(reverse("activities:attendance", args=[second.pk]))
    assert page.status_code == 200
    # world.member is a member of world.client's case: family members come to family groups.
    assert set(page.context["members"]) == {*people, world.client, world.member}
    assert page.context["present_ids"] == set()
    assert page.context["small"] is True  # a counselling group with 4 participants: flagged, still allowed
    assert 'id="small-group"' in page.content.decode()


def test_ticking_saves_rows_in_one_go_and_audits(client, world):
    group, people, first, second = group_with_members(world, 7)
    client.force_login(world.alice)
    url = reverse("activities:attendance", args=[second.pk])
    walk_in = Person.objects.create(unit=world.unit, external_id="w1", name="新來者", sex=Sex.FEMALE)
    response = client.post(url, {"present": [people[0].pk, people[1].pk, walk_in.pk]})
    assert response.status_code == 302
    assert set(second.people.all()) == {people[0], people[1], walk_in}
    event = Event.objects.get(object_type="activities.activity", object_id=str(second.pk))
    assert event.changes["attendance"]["added"] == sorted([people[0].pk, people[1].pk, walk_in.pk])
    # Untick one, keep the walk-in (now a member: they are marked at this session).
    page = client.get(url)
    assert walk_in in page.context["members"]
    client.post(url, {"present": [people[0].pk, walk_in.pk]})
    assert set(second.people.all()) == {people[0], walk_in}
    assert client.get(url).context["small"] is False


def test_an_invalid_tick_saves_nothing(client, world):
    group, people, first, second = group_with_members(world, 3)
    client.force_login(world.alice)
    response = client.post(reverse("activities:attendance", args=[second.pk]),
                           {"present": [people[0].pk, world.stranger.pk]})
    assert response.status_code == 200
    assert response.context["form"].errors["present"]
    assert not second.attendance.exists()
    assert not Event.objects.filter(object_id=str(second.pk)).exists()


def test_people_outside_the_workers_view_keep_their_attendance(client, world):
    group, people, first, second = group_with_members(world, 2)
    # Someone in another worker's case attended: alice does not see them, and saving must not drop them.
    other_client = Person.objects.create(unit=world.unit, external_id="oc", name="別人個案", sex=Sex.MALE)
    Case.objects.create(unit=world.unit, external_id="c-other", type=CaseType.PSA, client=other_client,
                        worker=world.peer)
    Attendance.objects.create(activity=second, person=other_client)
    # alice does not facilitate the group (a facilitator sees every member: tests/test_teams.py).
    ActivityStaff.objects.filter(activity__group=group).delete()
    client.force_login(world.alice)
    url = reverse("activities:attendance", args=[second.pk])
    assert other_client not in client.get(url).context["members"]
    client.post(url, {"present": [people[0].pk]})
    assert set(second.people.all()) == {people[0], other_client}


def test_walk_in_search_and_pick(client, world):
    group, people, first, second = group_with_members(world, 2)
    Person.objects.create(unit=world.unit, external_id="w2", name="即場參加者", sex=Sex.MALE, phone="98887777")
    client.force_login(world.alice)
    found = client.get(reverse("activities:people-search"), {"q": "9888", "field": "present", "unit": "UA"})
    assert [p.name for p in found.context["found"]] == ["即場參加者"]
    assert 'hx-target="#members"' in found.content.decode()
    pick = client.get(reverse("activities:people-pick", args=[found.context["found"][0].pk]), {"field": "present"})
    assert 'name="present"' in pick.content.decode() and "checked" in pick.content.decode()
    assert client.get(reverse("activities:people-search"), {"q": "外人", "unit": "UA"}).context["found"] == []
    assert client.get(reverse("activities:people-pick", args=[world.stranger.pk])).status_code == 404


def test_new_session_leads_to_its_sheet(client, world):
    group = Group.objects.create(unit=world.unit, external_id="g1", kind=GroupKind.MUTUAL_HELP, title="互助組")
    client.force_login(world.alice)
    url = reverse("activities:new-kind", args=["session"]) + f"?group={group.pk}"
    later = (timezone.localdate() + dt.timedelta(days=7)).isoformat()  # sessions may be entered ahead
    response = client.post(url, {"kind": ActivityKind.GROUP_SESSION, "date": later, "start_time": "19:00",
                                 "duration": "120", "staff": [world.alice_staff.pk]})
    session = Activity.objects.get(group=group)
    assert response.url == reverse("activities:attendance", args=[session.pk])
    assert client.get(reverse("activities:group", args=[group.pk])).context["page"][0] == session
    assert client.get(reverse("activities:new-kind", args=["session"])).status_code == 404


def test_group_list_create_and_scope(client, world):
    client.force_login(world.alice)
    response = client.post(reverse("activities:group-new"), {"kind": GroupKind.COUNSELLING, "title": "新小組"})
    group = Group.objects.get(title="新小組")
    assert response.url == reverse("activities:group", args=[group.pk]) and group.unit == world.unit
    assert client.post(reverse("activities:group-new"), {"kind": "", "title": ""}).context["form"].errors
    assert [g.title for g in client.get(reverse("activities:groups")).context["page"]] == ["新小組"]
    assert client.get(reverse("activities:groups"), {"export": "xlsx"}).status_code == 200
    client.force_login(world.charlie)
    assert client.get(reverse("activities:group", args=[group.pk])).status_code == 404
    assert list(client.get(reverse("activities:groups")).context["page"]) == []


def test_other_units_sheet_is_not_found(client, world):
    group, people, first, second = group_with_members(world, 2)
    client.force_login(world.charlie)
    url = reverse("activities:attendance", args=[second.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"present": [people[0].pk]}).status_code == 404
    client.force_login(world.bob)
    assert client.get(url, {"export": "xlsx"})["Content-Type"].startswith("application/vnd.openxmlformats")


@pytest.mark.parametrize("n", [10, 200])
def test_sheet_query_count_does_not_grow_with_members(client, world, n, django_assert_num_queries):
    group, people, first, second = group_with_members(world, n)
    client.force_login(world.alice)
    # session, user with access; session+group, facilitates the group?, members, marked, participants; session save (3)
    with django_assert_num_queries(11):
        response = client.get(reverse("activities:attendance", args=[second.pk]))
    assert len(response.context["members"]) == n


def test_group_list_counts_each_pages_sessions_and_people(client, world, django_assert_max_num_queries):
    """The list pages the groups alone and counts sessions and people for the page's groups only: each group's
    own figures on every page, the same on the Excel export, and no more queries for more groups."""
    group, people, first, second = group_with_members(world, 3)
    Attendance.objects.create(activity=second, person=people[0])  # a second attendance, not a second person
    Group.objects.bulk_create([Group(unit=world.unit, external_id=f"empty-{i}", kind=GroupKind.MUTUAL_HELP,
                                     title=f"空組{i:02d}") for i in range(50)])
    client.force_login(world.alice)
    url = reverse("activities:groups")
    first_page = client.get(url).context["page"]
    assert first_page.paginator.count == 51 and len(first_page) == 50
    assert {(g.n_sessions, g.n_people) for g in first_page} == {(0, 0)}
    assert [g.pk for g in first_page] == sorted((g.pk for g in first_page), reverse=True)
    with django_assert_max_num_queries(12):
        last_page = client.get(url, {"page": 2}).context["page"]
    assert [(g.pk, g.n_sessions, g.n_people) for g in last_page] == [(group.pk, 2, 3)]
    # The other units' groups are neither counted nor shown, and a filter still applies before paging.
    assert client.get(url, {"q": "抗逆"}).context["page"].paginator.count == 1
    client.force_login(world.charlie)
    assert client.get(url).context["page"].paginator.count == 0
