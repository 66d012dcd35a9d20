"""The activity list and the entry forms: scope, validation next to the field, all-or-nothing saves, exports."""

import datetime as dt
import io

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from openpyxl import load_workbook

from tongxing.activities.models import Activity, ActivityFormat, ActivityKind, Funding
from tongxing.audit.models import Event
from tongxing.organisations.models import School

from .activities_world import activity, build, many_activities

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return build()


def client_for(client, user):
    client.force_login(user)
    return client


def _post(client, url, **data):
    return client.post(url, data)


def test_quick_entry_from_a_case_uses_defaults_and_audits(client, world):
    c = client_for(client, world.alice)
    url = reverse("activities:new") + f"?case={world.case.pk}"
    page = c.get(url)
    assert page.status_code == 200
    form = page.context["form"]
    assert form.initial["staff"] == [world.alice_staff]
    assert form.initial["date"] == timezone.localdate()
    assert form.initial["people"] == [world.client]
    today = timezone.localdate().isoformat()
    response = _post(c, url, kind=ActivityKind.INTERVIEW, date=today, start_time="10:00", duration="45",
                     staff=[world.alice_staff.pk], people=[world.client.pk], case=world.case.pk)
    assert response.status_code == 302, response.context["form"].errors
    a = Activity.objects.get()
    assert (a.case, a.minutes, a.start_time, a.date) == (world.case, 45, dt.time(10), timezone.localdate())
    assert list(a.staff.all()) == [world.alice_staff]
    assert list(a.people.all()) == [world.client]
    event = Event.objects.get(object_type="activities.activity")
    assert event.action == "create" and event.object_id == str(a.pk) and event.username == "alice"


def test_person_start_point_finds_their_open_case(client, world):
    page = client_for(client, world.alice).get(reverse("activities:new") + f"?person={world.client.pk}")
    assert page.context["form"].initial["case"] == world.case


def test_validation_messages_sit_next_to_their_fields_and_nothing_is_saved(client, world):
    c = client_for(client, world.alice)
    url = reverse("activities:new")
    response = _post(c, url, kind=ActivityKind.PHONE, date=timezone.localdate().isoformat(), start_time="10:00")
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "duration" in errors and "staff" in errors and "people" in errors
    html = response.content.decode()
    assert 'id="id_duration-error"' in html and 'id="id_staff-error"' in html
    response = _post(c, url, kind=ActivityKind.PHONE, date=timezone.localdate().isoformat(), start_time="10:00",
                     end_time="01:00", staff=[world.alice_staff.pk], people=[world.client.pk])
    assert "end_time" in response.context["form"].errors
    future = (timezone.localdate() + dt.timedelta(days=3)).isoformat()
    response = _post(c, url, kind=ActivityKind.PHONE, date=future, start_time="10:00", duration="15",
                     staff=[world.alice_staff.pk], people=[world.client.pk])
    assert "date" in response.context["form"].errors
    assert not Activity.objects.exists() and not Event.objects.exists()


def test_a_person_of_another_unit_cannot_be_named(client, world):
    response = _post(client_for(client, world.alice), reverse("activities:new"), kind=ActivityKind.PHONE,
                     date=timezone.localdate().isoformat(), start_time="10:00", duration="15",
                     staff=[world.alice_staff.pk], people=[world.stranger.pk])
    assert "people" in response.context["form"].errors
    assert not Activity.objects.exists()


def test_overnight_outreach_with_evening_flag_and_peer_workers(client, world):
    c = client_for(client, world.alice)
    monday = timezone.localdate() - dt.timedelta(days=timezone.localdate().weekday() + 7)
    url = reverse("activities:new-kind", args=["outreach"])
    response = _post(c, url, kind=ActivityKind.OUTREACH, date=monday.isoformat(), start_time="21:30",
                     end_time="00:30", place="旺角公園", psa_contacted="2", headcount="5",
                     staff=[world.alice_staff.pk, world.peer.pk])
    assert response.status_code == 302, response.context["form"].errors
    late = Activity.objects.get()
    assert late.minutes == 180 and late.place == "旺角公園" and late.psa_contacted == 2
    assert set(late.staff.all()) == {world.alice_staff, world.peer}
    response = _post(c, url, kind=ActivityKind.OUTREACH, date=monday.isoformat(), start_time="20:00",
                     duration="60", place="旺角公園", psa_contacted="1", staff=[world.alice_staff.pk])
    assert response.status_code == 302
    listing = c.get(reverse("activities:list"), {"kind": "outreach"})
    evening = {a.start_time: a.evening for a in listing.context["page"]}
    # Open until 21:00 that Monday: 21:30 is evening outreach (OS1a), 20:00 is not.
    assert evening == {dt.time(21, 30): True, dt.time(20, 0): False}
    missing = _post(c, url, kind=ActivityKind.OUTREACH, date=monday.isoformat(), start_time="20:00",
                    duration="60", staff=[world.alice_staff.pk])
    assert {"place", "psa_contacted"} <= set(missing.context["form"].errors)


def test_education_consultation_nursing_and_homemaker_forms(client, world):
    c = client_for(client, world.alice)
    school = School.objects.create(unit=world.unit, external_id="sch1", name="聖保羅中學", kind="secondary")
    today = timezone.localdate().isoformat()
    base = {"date": today, "start_time": "09:30", "duration": "90"}
    r = _post(c, reverse("activities:new-kind", args=["education"]), kind=ActivityKind.EDUCATION,
              format=ActivityFormat.TALK, school=school.pk, headcount="120", staff=[world.alice_staff.pk], **base)
    assert r.status_code == 302, r.context["form"].errors
    talk = Activity.objects.get(kind=ActivityKind.EDUCATION)
    assert (talk.school, talk.headcount, talk.format) == (school, 120, "talk")
    r = _post(c, reverse("activities:new-kind", args=["consultation"]) + f"?case={world.case.pk}",
              kind=ActivityKind.CONSULTATION, funded_by=Funding.MEDICAL_SUPPORT, case=world.case.pk,
              people=[world.client.pk], staff=[world.doctor.pk, world.nurse.pk], **base)
    assert r.status_code == 302, r.context["form"].errors
    assert Activity.objects.get(kind=ActivityKind.CONSULTATION).funded_by == Funding.MEDICAL_SUPPORT
    r = _post(c, reverse("activities:new-kind", args=["nursing"]), kind=ActivityKind.NURSING,
              people=[world.client.pk], staff=[world.alice_staff.pk], **base)
    assert "staff" in r.context["form"].errors  # a nursing session needs a nurse
    r = _post(c, reverse("activities:new-kind", args=["homemaker"]), kind=ActivityKind.HOMEMAKER_SERVICE,
              people=[world.client.pk], staff=[world.alice_staff.pk], **base)
    assert "staff" in r.context["form"].errors
    r = _post(c, reverse("activities:new-kind", args=["homemaker"]), kind=ActivityKind.HOMEMAKER_SERVICE,
              people=[world.client.pk], staff=[world.homemaker.pk], **base)
    assert r.status_code == 302
    assert Activity.objects.get(kind=ActivityKind.HOMEMAKER_SERVICE).minutes == 90
    r = _post(c, reverse("activities:new-kind", args=["education"]), kind=ActivityKind.EDUCATION,
              staff=[world.alice_staff.pk], **base)
    assert "format" in r.context["form"].errors


def test_people_keep_the_order_they_were_added(client, world):
    c = client_for(client, world.alice)
    r = _post(c, reverse("activities:new"), kind=ActivityKind.BRIEF_COUNSELLING, date=timezone.localdate().isoformat(),
              start_time="11:00", duration="60", staff=[world.alice_staff.pk],
              people=[world.member.pk, world.client.pk])
    assert r.status_code == 302
    a = Activity.objects.get()
    assert list(a.attendance.order_by("pk").values_list("person", flat=True)) == [world.member.pk, world.client.pk]


def test_edit_changes_staff_and_records_the_difference(client, world):
    tz = timezone.get_current_timezone()
    a = activity(world.unit, dt.datetime(2024, 7, 1, 10, 0, tzinfo=tz), 60, staff=[world.alice_staff],
                 people=[world.client], case=world.case)
    c = client_for(client, world.alice)
    url = reverse("activities:edit", args=[a.pk])
    form = c.get(url).context["form"]
    assert form.initial["start_time"] == dt.time(10) and form.initial["end_time"] == dt.time(11)
    r = _post(c, url, kind=ActivityKind.INTERVIEW, date="2024-07-01", start_time="10:00", end_time="11:30",
              staff=[world.alice_staff.pk, world.peer.pk], people=[world.client.pk], case=world.case.pk)
    assert r.status_code == 302, r.context["form"].errors
    a.refresh_from_db()
    assert a.minutes == 90 and set(a.staff.all()) == {world.alice_staff, world.peer}
    event = Event.objects.get(action="change")
    assert "end" in event.changes and "staff" in event.changes


def test_scope_other_units_are_not_found_and_auditors_cannot_write(client, world):
    tz = timezone.get_current_timezone()
    a = activity(world.unit, dt.datetime(2024, 7, 1, 10, 0, tzinfo=tz), staff=[world.alice_staff], case=world.case)
    c = client_for(client, world.charlie)
    for url in (reverse("activities:detail", args=[a.pk]), reverse("activities:edit", args=[a.pk]),
                reverse("activities:new") + f"?case={world.case.pk}",
                reverse("activities:new") + f"?person={world.client.pk}"):
        assert c.get(url).status_code == 404, url
    assert list(c.get(reverse("activities:list")).context["page"]) == []
    bob = client_for(client, world.bob)
    assert bob.get(reverse("activities:detail", args=[a.pk])).status_code == 200
    from tongxing.accounts.models import Level

    # Auditors see figures, no page that names a person, and write nothing.
    world.bob.access.level = Level.AUDITOR
    world.bob.access.save()
    assert bob.get(reverse("activities:detail", args=[a.pk])).status_code == 404
    assert bob.get(reverse("activities:edit", args=[a.pk])).status_code == 403
    assert bob.get(reverse("activities:new")).status_code == 403


def test_list_filters_paginates_and_charts_months(client, world, monkeypatch):
    many_activities(world, 120)
    monkeypatch.setattr(timezone, "localdate", lambda: dt.date(2025, 3, 1))
    c = client_for(client, world.bob)
    page = c.get(reverse("activities:list"))
    assert page.context["page"].paginator.count == 120 and len(page.context["page"]) == 50
    assert sum(m["n"] for m in page.context["months"]) == 120
    assert page.context["months"][0]["month"] == "2024-05"
    assert c.get(reverse("activities:list"), {"kind": "outreach"}).context["page"].paginator.count == 60
    narrowed = c.get(reverse("activities:list"), {"date_from": "2024-05-06", "date_to": "2024-05-10"})
    assert 0 < narrowed.context["page"].paginator.count < 120
    assert "months-data" in page.content.decode()
    bad = c.get(reverse("activities:list"), {"date_from": "2024-06-01", "date_to": "2024-05-01"})
    assert "date_to" in bad.context["form"].errors


def test_the_month_chart_covers_the_financial_year_of_the_filter(client, world, monkeypatch):
    many_activities(world, 120)  # May to September 2024
    tz = timezone.get_current_timezone()
    activity(world.unit, dt.datetime(2024, 3, 31, 10, 0, tzinfo=tz), staff=[world.alice_staff])  # FY 2023
    c = client_for(client, world.bob)

    def chart(today, **filters):
        monkeypatch.setattr(timezone, "localdate", lambda: today)
        page = c.get(reverse("activities:list"), filters, HTTP_ACCEPT_LANGUAGE="zh-hant")
        return page.context["chart_year"].fy, sum(m["n"] for m in page.context["months"]), page

    fy, n, page = chart(dt.date(2024, 12, 1))  # no date filter: the current year, and the list keeps every year
    assert (fy, n, page.context["page"].paginator.count) == (2024, 120, 121)
    assert "財政年度 2024（2024-04-01 至 2025-03-31）" in page.content.decode()
    assert chart(dt.date(2026, 5, 1))[:2] == (2026, 0)
    assert chart(dt.date(2026, 5, 1), date_from="2023-04-01")[:2] == (2023, 1)  # the year the start falls in
    assert chart(dt.date(2026, 5, 1), date_to="2024-05-10")[:2] == (2024, 5)  # else the year the end falls in


def test_list_exports_to_excel_with_what_the_filter_shows(client, world):
    many_activities(world, 12)
    c = client_for(client, world.bob)
    response = c.get(reverse("activities:list"), {"kind": "outreach", "export": "xlsx"})
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    ws = load_workbook(io.BytesIO(response.content)).active
    assert ws.max_row == 1 + 6 + 2  # header, rows, a blank row and the re-disclosure notice
    assert "日期" in ws.cell(1, 1).value
    assert Event.objects.filter(action="export", object_type="activities").exists()


@pytest.mark.parametrize("n", [10, 200])
def test_list_query_count_does_not_grow_with_rows(client, world, n, django_assert_num_queries):
    many_activities(world, n)
    c = client_for(client, world.alice)
    # session, user with access; count, months, staff filter choices, rows, their staff, their people; session save (3)
    with django_assert_num_queries(12):
        response = c.get(reverse("activities:list"))
    assert response.status_code == 200


def test_editing_keeps_people_the_editor_cannot_see_and_a_sessions_attendance(client, world):
    from tongxing.cases.models import Case, CaseType
    from tongxing.people.models import Person, Sex

    from .activities_world import group_with_members

    tz = timezone.get_current_timezone()
    others = Person.objects.create(unit=world.unit, external_id="oc", name="別人個案", sex=Sex.MALE)
    Case.objects.create(unit=world.unit, external_id="c-other", type=CaseType.PSA, client=others, worker=world.peer)
    a = activity(world.unit, dt.datetime(2024, 7, 1, 10, 0, tzinfo=tz), staff=[world.alice_staff],
                 people=[world.client, others])
    c = client_for(client, world.alice)
    assert c.get(reverse("activities:edit", args=[a.pk])).context["form"].initial["people"] == [world.client]
    r = _post(c, reverse("activities:edit", args=[a.pk]), kind=ActivityKind.INTERVIEW, date="2024-07-01",
              start_time="10:00", duration="30", staff=[world.alice_staff.pk], people=[world.client.pk])
    assert r.status_code == 302, r.context["form"].errors
    assert set(a.people.all()) == {world.client, others}
    group, people, first, second = group_with_members(world, 3)
    r = _post(c, reverse("activities:edit", args=[first.pk]), kind=ActivityKind.GROUP_SESSION, date="2024-06-03",
              start_time="14:00", duration="120", staff=[world.alice_staff.pk])
    assert r.status_code == 302, r.context["form"].errors
    first.refresh_from_db()
    assert first.minutes == 120 and set(first.people.all()) == set(people)


def test_homemaker_hours_are_summed_per_homemaker(client, world):
    tz = timezone.get_current_timezone()
    start = dt.datetime(2024, 8, 5, 10, 0, tzinfo=tz)
    activity(world.unit, start, 90, ActivityKind.HOMEMAKER_SERVICE, staff=[world.homemaker, world.alice_staff],
             people=[world.client])
    activity(world.unit, start + dt.timedelta(days=1), 60, ActivityKind.HOMEMAKER_SERVICE, staff=[world.homemaker],
             people=[world.client])
    page = client_for(client, world.bob).get(reverse("activities:list"), {"kind": "homemaker_service"})
    assert page.context["homemakers"] == [{"name": world.homemaker.name, "hours": 2.5}]
    assert client.get(reverse("activities:list")).context["homemakers"] is None


def test_kind_and_format_labels_are_djangos():
    """Activity's own get_kind_display/get_format_display (a dict lookup, not Django's per-call dict of every
    choice) give what Django's would, for every choice, a blank format and an unknown value, in both languages."""
    for kind in [*ActivityKind.values, "retired-kind"]:
        for fmt in [*ActivityFormat.values, "", "other"]:
            a = Activity(kind=kind, format=fmt)
            for language in ("zh-hant", "en"):
                with translation.override(language):
                    assert a.get_kind_display() == a._get_FIELD_display(Activity._meta.get_field("kind"))
                    assert a.get_format_display() == a._get_FIELD_display(Activity._meta.get_field("format"))
