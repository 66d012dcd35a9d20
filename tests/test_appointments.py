"""Appointments: scheduling with validation, who sees them, the agenda (day and week), the home page's lists,
and one click turning an appointment into the activity it was.

alice owns the case; bob is unit A's supervisor; charlie works in unit B and must be refused; gina is a colleague
in unit A with no part in alice's case.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tongxing.accounts.models import Access, Level
from tongxing.activities.models import Activity, ActivityKind
from tongxing.appointments.models import Appointment, AppointmentStatus
from tongxing.audit.models import Event
from tongxing.cases.models import Case, CaseType
from tongxing.organisations.models import Role, Staff, StaffRole
from tongxing.people.models import Person, Sex
from tongxing.people.services import merge_people

from .activities_world import build
from .conftest import verified_login

pytestmark = pytest.mark.django_db


@pytest.fixture
def w():
    world = build()
    gina = get_user_model().objects.create_user("gina")
    Access.objects.create(user=gina, level=Level.WORKER, organisation=world.unit.organisation, unit=world.unit)
    staff = Staff.objects.create(unit=world.unit, external_id="s-gina", name="吳同事", user=gina)
    StaffRole.objects.create(staff=staff, role=Role.SOCIAL_WORKER)
    world.gina = gina
    return world


def _at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=timezone.get_current_timezone())


def appointment(w, day, hour=10, **fields) -> Appointment:
    values = {"unit": w.unit, "person": w.client, "case": w.case, "staff": w.alice_staff,
              "kind": ActivityKind.HOME_VISIT, "start": _at(day, hour), "minutes": 60, "place": "案主家中"}
    return Appointment.objects.create(**{**values, **fields})


def _post(w, **changes):
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    data = {"person": w.client.pk, "case": w.case.pk, "staff": w.alice_staff.pk, "kind": ActivityKind.INTERVIEW,
            "date": tomorrow.isoformat(), "start_time": "14:30", "minutes": "90", "place": "中心面談室",
            "purpose": "檢討個案計劃"}
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def test_alice_schedules_an_appointment_with_its_audit_row(client, w):
    verified_login(client, w.alice)
    response = client.post(reverse("appointments:new"), _post(w))
    assert response.status_code == 302
    a = Appointment.objects.get()
    assert (a.person, a.case, a.staff, a.kind, a.minutes, a.place) == (
        w.client, w.case, w.alice_staff, ActivityKind.INTERVIEW, 90, "中心面談室")
    assert a.date == timezone.localdate() + dt.timedelta(days=1) and a.start_time == dt.time(14, 30)
    assert a.status == AppointmentStatus.SCHEDULED and a.created_by == w.alice
    event = Event.objects.get(object_type="appointments.appointment", action="create")
    assert event.object_id == str(a.pk) and "周小明" not in event.summary


def test_the_form_starts_from_the_case_with_its_client_and_the_signed_in_staff(client, w):
    verified_login(client, w.alice)
    response = client.get(reverse("appointments:new"), {"case": w.case.pk})
    form = response.context["form"]
    assert form.initial["person"] == w.client and form.initial["case"] == w.case
    assert form.initial["staff"] == w.alice_staff
    assert list(form.fields["case"].queryset) == [w.case]


@pytest.mark.parametrize("changes, field", [
    ({"date": "2020-01-06"}, "date"),
    ({"date": "not a date"}, "date"),
    ({"start_time": "25:00"}, "start_time"),
    ({"person": None}, "person"),
    ({"kind": ActivityKind.NURSING}, "staff"),            # nursing needs a nurse
    ({"kind": ActivityKind.OUTREACH}, "kind"),            # not a contact with one person
    ({"minutes": "7"}, "minutes"),
])
def test_bad_input_is_refused_next_to_the_field_and_writes_nothing(client, w, changes, field):
    verified_login(client, w.alice)
    response = client.post(reverse("appointments:new"), _post(w, **changes))
    assert response.status_code == 400
    assert response.context["form"].errors[field]
    assert not Appointment.objects.exists() and not Event.objects.filter(
        object_type="appointments.appointment").exists()


def test_a_case_that_is_not_the_persons_is_refused(client, w):
    other = Person.objects.create(unit=w.unit, external_id="p3", name="李四", sex=Sex.MALE)
    other_case = Case.objects.create(unit=w.unit, external_id="c3", type=CaseType.PSA, client=other,
                                     worker=w.alice_staff)
    verified_login(client, w.alice)
    response = client.post(reverse("appointments:new"), _post(w, case=other_case.pk))
    assert response.status_code == 400 and response.context["form"].errors["case"]
    # A member of the case is the person of an appointment on it.
    response = client.post(reverse("appointments:new"), _post(w, person=w.member.pk))
    assert response.status_code == 302 and Appointment.objects.get().person == w.member


def test_charlie_cannot_schedule_with_alices_client_or_open_hers(client, w):
    a = appointment(w, timezone.localdate() + dt.timedelta(days=2))
    verified_login(client, w.charlie)
    response = client.post(reverse("appointments:new"), _post(w))
    assert response.status_code == 400 and response.context["form"].errors["person"]
    assert Appointment.objects.count() == 1
    assert client.get(reverse("appointments:edit", args=[a.pk])).status_code == 404
    assert client.post(reverse("appointments:log", args=[a.pk])).status_code == 404
    agenda = client.get(reverse("appointments:agenda"), {"staff": "all", "date": a.date.isoformat()})
    assert "周小明" not in agenda.content.decode()


def test_who_sees_an_appointment_on_a_case(client, w):
    a = appointment(w, timezone.localdate() + dt.timedelta(days=2))
    for user, seen in ((w.alice, True), (w.bob, True), (w.gina, False), (w.charlie, False)):
        client.logout()
        verified_login(client, user)
        response = client.get(reverse("appointments:agenda"), {"staff": "all", "date": a.date.isoformat()})
        assert ("周小明" in response.content.decode()) is seen, user
        assert client.get(reverse("appointments:edit", args=[a.pk])).status_code == (200 if seen else 404)


def test_one_click_logs_the_activity_marks_done_and_links(client, w):
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    a = appointment(w, yesterday, hour=15)
    verified_login(client, w.alice)
    response = client.post(reverse("appointments:log", args=[a.pk]), {"next": "/appointments/"})
    activity = Activity.objects.get()
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("activities:edit", args=[activity.pk]))
    assert (activity.kind, activity.date, activity.start_time, activity.minutes, activity.case, activity.place) == (
        ActivityKind.HOME_VISIT, yesterday, dt.time(15), 60, w.case, "案主家中")
    assert list(activity.staff.all()) == [w.alice_staff] and list(activity.people.all()) == [w.client]
    a.refresh_from_db()
    assert a.status == AppointmentStatus.DONE and a.activity == activity
    assert Event.objects.filter(object_type="activities.activity", action="create").count() == 1
    assert Event.objects.filter(object_type="appointments.appointment", object_id=str(a.pk),
                                summary__contains="logged").exists()
    # A second click (or another tab) logs nothing twice.
    client.post(reverse("appointments:log", args=[a.pk]))
    assert Activity.objects.count() == 1


def test_an_appointment_still_to_come_cannot_be_logged(client, w):
    a = appointment(w, timezone.localdate() + dt.timedelta(days=1))
    verified_login(client, w.alice)
    response = client.post(reverse("appointments:log", args=[a.pk]), follow=True)
    assert not Activity.objects.exists()
    a.refresh_from_db()
    assert a.status == AppointmentStatus.SCHEDULED
    assert any("still to come" in str(m) or "尚未" in str(m) for m in response.context["messages"])


def test_missed_and_cancelled_need_a_reason_and_missed_needs_the_time_passed(client, w):
    past = appointment(w, timezone.localdate() - dt.timedelta(days=3))
    coming = appointment(w, timezone.localdate() + dt.timedelta(days=3))
    verified_login(client, w.alice)
    client.post(reverse("appointments:close", args=[past.pk]), {"status": "missed", "reason": ""})
    client.post(reverse("appointments:close", args=[coming.pk]), {"status": "missed", "reason": "沒有出現"})
    past.refresh_from_db(), coming.refresh_from_db()
    assert past.status == coming.status == AppointmentStatus.SCHEDULED
    client.post(reverse("appointments:close", args=[past.pk]), {"status": "missed", "reason": "沒有出現，電話未能接通"})
    client.post(reverse("appointments:close", args=[coming.pk]), {"status": "cancelled", "reason": "案主要求改期"})
    past.refresh_from_db(), coming.refresh_from_db()
    assert (past.status, past.status_reason) == (AppointmentStatus.MISSED, "沒有出現，電話未能接通")
    assert coming.status == AppointmentStatus.CANCELLED
    # Closed appointments are no longer changed or logged.
    response = client.post(reverse("appointments:edit", args=[past.pk]), _post(w))
    assert response.status_code == 302
    past.refresh_from_db()
    assert past.place == "案主家中"
    client.post(reverse("appointments:log", args=[past.pk]))
    assert not Activity.objects.exists()


def test_rescheduling_keeps_a_past_time_only_if_unchanged(client, w):
    a = appointment(w, timezone.localdate() - dt.timedelta(days=1))
    verified_login(client, w.alice)
    same = _post(w, date=a.date.isoformat(), start_time="10:00", place="改在中心")
    assert client.post(reverse("appointments:edit", args=[a.pk]), same).status_code == 302
    a.refresh_from_db()
    assert a.place == "改在中心"
    earlier = _post(w, date=(a.date - dt.timedelta(days=1)).isoformat(), start_time="10:00")
    assert client.post(reverse("appointments:edit", args=[a.pk]), earlier).status_code == 400


def test_agenda_day_and_week_views(client, w):
    today = timezone.localdate()
    monday = today - dt.timedelta(days=today.weekday())
    in_week = appointment(w, monday + dt.timedelta(days=2), hour=9)
    next_week = appointment(w, monday + dt.timedelta(days=8), hour=9, place="下星期")
    verified_login(client, w.alice)
    response = client.get(reverse("appointments:agenda"), {"view": "week", "date": today.isoformat()})
    days = response.context["days"]
    assert [d.date for d in days] == [monday + dt.timedelta(days=i) for i in range(7)]
    assert [a for d in days for a in d.appointments] == [in_week]
    response = client.get(reverse("appointments:agenda"), {"view": "day", "date": next_week.date.isoformat()})
    assert [a for d in response.context["days"] for a in d.appointments] == [next_week]
    html = response.content.decode()
    assert 'data-key="ArrowLeft"' in html and 'data-key="ArrowRight"' in html
    # A malformed date shows today rather than an error.
    assert client.get(reverse("appointments:agenda"), {"date": "2024-13-45"}).status_code == 200


def test_agenda_in_english(client, w):
    verified_login(client, w.alice)
    client.cookies["django_language"] = "en"
    assert "Previous week" in client.get(reverse("appointments:agenda")).content.decode()
    client.cookies["django_language"] = "zh-hant"
    assert "上一週" in client.get(reverse("appointments:agenda")).content.decode()


def test_home_lists_overdue_and_upcoming_of_the_signed_in_staff(client, w):
    today = timezone.localdate()
    late = appointment(w, today - dt.timedelta(days=2))
    soon = appointment(w, today + dt.timedelta(days=3))
    appointment(w, today + dt.timedelta(days=30))                       # beyond the week
    appointment(w, today - dt.timedelta(days=1), status=AppointmentStatus.CANCELLED)
    appointment(w, today + dt.timedelta(days=1), staff=w.nurse)        # a colleague's
    verified_login(client, w.alice)
    response = client.get(reverse("home"))
    assert response.context["appointments_overdue"] == [late]
    assert response.context["appointments_upcoming"] == [soon]


def _count(client, url, params=None):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url, params or {}).status_code == 200
    return len(ctx.captured_queries)


def _many(w, n, start):
    today = timezone.localdate()
    for i in range(n):
        appointment(w, today + dt.timedelta(days=(start + i) % 5 - 2), hour=8 + (start + i) % 10)


@pytest.mark.parametrize("user", ["alice", "bob"])
@pytest.mark.parametrize("url, params", [("appointments:agenda", {"staff": "all"}),
                                         ("appointments:agenda", {"view": "day"}), ("home", {})])
def test_agenda_and_home_query_counts_do_not_grow(client, w, user, url, params, django_assert_num_queries):
    _many(w, 3, 0)
    verified_login(client, getattr(w, user))
    client.get(reverse("home"))  # the first page after signing in starts the idle clock: a session write
    small = _count(client, reverse(url), params)
    _many(w, 40, 3)
    with django_assert_num_queries(small):
        client.get(reverse(url), params)
    if url != "home":  # the supervisor's home computes the year's figures besides
        assert small <= 15, small


def test_merging_people_moves_their_appointments(w):
    a = appointment(w, timezone.localdate() + dt.timedelta(days=1))
    duplicate = Person.objects.create(unit=w.unit, external_id="p1b", name="周小明", sex=Sex.MALE)
    merge_people(duplicate, w.client, user=w.alice)
    a.refresh_from_db()
    assert a.person == duplicate


def test_person_and_case_pages_list_scheduled_appointments(client, w):
    a = appointment(w, timezone.localdate() + dt.timedelta(days=1))
    appointment(w, timezone.localdate() - dt.timedelta(days=1), status=AppointmentStatus.DONE)
    verified_login(client, w.alice)
    person_page = client.get(reverse("person-detail", args=[w.client.pk]))
    assert person_page.context["appointments"] == [a]
    assert f"{reverse('appointments:new')}?person={w.client.pk}" in person_page.content.decode()
    case_page = client.get(reverse("case-detail", args=[w.case.pk]))
    assert case_page.context["appointments"] == [a]


def test_timelines_show_group_sessions_questionnaires_and_appointments_with_staff_names(client, w):
    from tongxing.activities.models import ActivityStaff, Attendance, Group, GroupKind
    from tongxing.outcomes.library import ensure_library
    from tongxing.outcomes.models import Instrument
    from tongxing.outcomes.services import record_administration

    ensure_library()
    group = Group.objects.create(unit=w.unit, external_id="g1", kind=GroupKind.COUNSELLING, title="預防復吸小組")
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    session = Activity.objects.create(unit=w.unit, external_id="gs1", kind=ActivityKind.GROUP_SESSION,
                                      group=group, start=_at(yesterday, 14), end=_at(yesterday, 16))
    ActivityStaff.objects.create(activity=session, staff=w.peer)
    Attendance.objects.create(activity=session, person=w.client)
    record_administration(w.alice, instrument=Instrument.objects.get(code="phq9"), person=w.client,
                          date=yesterday, time_point="pre", answers={n: 1 for n in range(1, 10)})
    appointment(w, timezone.localdate() + dt.timedelta(days=2), place="中心")
    verified_login(client, w.alice)
    for url in (reverse("case-detail", args=[w.case.pk]), reverse("person-detail", args=[w.client.pk])):
        entries = client.get(url).context["timeline"]
        kinds = {e.kind: e for e in entries}
        assert {"session", "questionnaire", "appointment"} <= set(kinds), url
        assert "預防復吸小組" in kinds["session"].title and "何朋輩" in kinds["session"].detail
        # Staff by name, never the login name.
        assert "陳美玲" in kinds["questionnaire"].detail and "alice" not in kinds["questionnaire"].detail
        assert "陳美玲" in kinds["appointment"].detail and "中心" in kinds["appointment"].detail


def test_a_person_timeline_shows_only_what_the_user_may_see(client, w):
    from .activities_world import activity

    tz = timezone.get_current_timezone()
    visit = activity(w.unit, dt.datetime(2024, 7, 2, 10, 0, tzinfo=tz), 60, ActivityKind.INTERVIEW,
                     staff=[w.alice_staff], people=[w.client], case=w.case)
    nursing = activity(w.unit, dt.datetime(2024, 7, 3, 10, 0, tzinfo=tz), 60, ActivityKind.NURSING,
                       staff=[w.nurse], people=[w.client])
    verified_login(client, w.bob)
    shown = {e.sort for e in client.get(reverse("person-detail", args=[w.client.pk])).context["timeline"]}
    assert {visit.pk, nursing.pk} <= shown
