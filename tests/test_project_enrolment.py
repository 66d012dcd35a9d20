"""Issue 16: enrolling participants and tagging activities to a project in the product's own pages, with the
project period and double enrolment refused. alice (worker, unit A) enrols and tags; bob (A's supervisor) reads;
charlie (unit B) is refused."""

import datetime as dt

import pytest
from django.utils import timezone

from tongxing.activities.models import Activity
from tongxing.audit.models import Event
from tongxing.projects.models import Enrolment, OutputIndicator, Programme, Project

from .activities_world import build

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


@pytest.fixture
def w():
    world = build()
    world.project = Project.objects.create(unit=world.unit, code="BDF 9", title="社區網隱行動",
                                           start=TODAY - dt.timedelta(days=200), end=TODAY + dt.timedelta(days=165))
    world.talks = Programme.objects.create(project=world.project, name="講座", activity_kinds=["interview"])
    OutputIndicator.objects.create(project=world.project, number="1", description="面談", kind="sessions",
                                   programme=world.talks, target=10)
    return world


def enrol(client, w, **fields):
    data = {"person": w.client.pk, "programme": "", "date": w.project.start.isoformat(), "ended": "", **fields}
    return client.post(f"/projects/{w.project.pk}/participants/", data)


def test_worker_enrols_from_the_project_page_and_the_person_page_shows_it(client, w):
    client.force_login(w.alice)
    page = client.get(f"/projects/{w.project.pk}/participants/?person={w.client.pk}")
    assert page.status_code == 200 and w.client.name in page.content.decode()
    response = enrol(client, w, next=f"/people/{w.client.pk}/")
    assert response.status_code == 302 and response["Location"] == f"/people/{w.client.pk}/"
    enrolment = Enrolment.objects.get()
    assert (enrolment.person, enrolment.programme, enrolment.date, enrolment.ended) == (
        w.client, None, w.project.start, None)
    assert Event.objects.filter(object_type="projects.enrolment", action="create").count() == 1
    person_page = client.get(f"/people/{w.client.pk}/").content.decode()
    assert 'id="projects"' in person_page and w.project.title in person_page
    assert f"/projects/{w.project.pk}/participants/?person={w.client.pk}" in person_page
    listing = client.get(f"/projects/{w.project.pk}/participants/").content.decode()
    assert w.client.name in listing


@pytest.mark.parametrize("fields, field, message", [
    ({"date": "2000-01-01"}, "date", "計劃期內"),  # "within the project period" in the users' language
    ({"ended": "2099-01-01"}, "ended", "計劃期內"),
    ({"person": ""}, "person", "參加者"),
])
def test_dates_outside_the_project_and_a_missing_person_are_refused(client, w, fields, field, message):
    client.force_login(w.alice)
    response = enrol(client, w, **fields)
    assert response.status_code == 400
    assert message in str(response.context["form"].errors[field])
    assert not Enrolment.objects.exists() and not Event.objects.filter(object_type="projects.enrolment").exists()


def test_end_before_start_is_refused(client, w):
    client.force_login(w.alice)
    response = enrol(client, w, date=(w.project.start + dt.timedelta(days=10)).isoformat(),
                     ended=w.project.start.isoformat())
    assert response.status_code == 400 and "ended" in response.context["form"].errors
    assert not Enrolment.objects.exists()


def test_overlapping_enrolment_is_refused_but_a_later_one_after_it_ended_is_accepted(client, w):
    client.force_login(w.alice)
    middle = w.project.start + dt.timedelta(days=30)
    assert enrol(client, w, ended=middle.isoformat()).status_code == 302
    clash = enrol(client, w, date=(middle - dt.timedelta(days=1)).isoformat())
    assert clash.status_code == 400
    assert "招收於" in " ".join(clash.context["form"].non_field_errors())  # "already enrolled in"
    assert enrol(client, w, date=(middle + dt.timedelta(days=1)).isoformat()).status_code == 302
    assert Enrolment.objects.count() == 2
    # Enrolled in the programme once; a second enrolment in the same programme is refused, not a server error.
    assert enrol(client, w, programme=w.talks.pk).status_code == 302
    again = enrol(client, w, programme=w.talks.pk, date=(middle + dt.timedelta(days=60)).isoformat())
    assert again.status_code == 400 and Enrolment.objects.count() == 3


def test_enrolment_dates_change_with_audit(client, w):
    client.force_login(w.alice)
    enrol(client, w)
    enrolment = Enrolment.objects.get()
    ended = w.project.start + dt.timedelta(days=20)
    response = client.post(f"/projects/{w.project.pk}/participants/{enrolment.pk}/",
                           {"date": enrolment.date.isoformat(), "ended": ended.isoformat(),
                            "person": w.member.pk})  # who is enrolled cannot be changed here
    assert response.status_code == 302
    enrolment.refresh_from_db()
    assert enrolment.ended == ended and enrolment.person == w.client
    assert Event.objects.filter(object_type="projects.enrolment", action="change").count() == 1


def test_supervisor_reads_and_outsiders_are_refused(client, w):
    Enrolment.objects.create(project=w.project, person=w.client, date=w.project.start)
    enrolment = Enrolment.objects.get()
    client.force_login(w.bob)
    assert w.client.name in client.get(f"/projects/{w.project.pk}/participants/").content.decode()
    client.force_login(w.charlie)
    assert client.get(f"/projects/{w.project.pk}/participants/").status_code == 404
    assert enrol(client, w).status_code == 404
    assert client.post(f"/projects/{w.project.pk}/participants/{enrolment.pk}/",
                       {"date": w.project.start.isoformat()}).status_code == 404
    # charlie's unit's person cannot be enrolled in unit A's project by alice either.
    client.force_login(w.alice)
    assert enrol(client, w, person=w.stranger.pk).status_code == 400
    assert Enrolment.objects.count() == 1


def activity_form(w, **fields):
    return {"kind": "interview", "date": TODAY.isoformat(), "start_time": "10:00", "duration": "60",
            "staff": [w.alice_staff.pk], "people": [w.client.pk], "case": w.case.pk, "note": "", **fields}


def test_activity_is_tagged_to_the_project_on_its_form_and_counts_for_the_project(client, w):
    Enrolment.objects.create(project=w.project, person=w.client, date=w.project.start)
    client.force_login(w.alice)
    page = client.get(f"/activities/new/?person={w.client.pk}").content.decode()
    assert 'name="project"' in page and w.project.title in page
    response = client.post("/activities/new/", activity_form(w, project=w.project.pk))
    assert response.status_code == 302, response.context["form"].errors
    activity = Activity.objects.get()
    assert activity.project == w.project
    assert Event.objects.filter(object_type="activities.activity").latest("pk").changes["project"] == [
        None, w.project.pk]
    detail = client.get(f"/activities/{activity.pk}/").content.decode()
    assert w.project.title in detail
    dashboard = client.get(f"/projects/{w.project.pk}/").content.decode()
    assert 'class="figure-link">1</a>' in dashboard


def test_activity_outside_the_project_period_is_refused(client, w):
    w.project.end = TODAY - dt.timedelta(days=1)
    w.project.save()
    client.force_login(w.alice)
    response = client.post("/activities/new/", activity_form(w, project=w.project.pk))
    assert response.status_code == 200 and "project" in response.context["form"].errors
    assert not Activity.objects.exists()


def test_other_units_project_cannot_be_tagged(client, w):
    other = Project.objects.create(unit=w.other_unit, code="X", title="乙計劃", start=w.project.start,
                                   end=w.project.end)
    client.force_login(w.alice)
    response = client.post("/activities/new/", activity_form(w, project=other.pk))
    assert response.status_code == 200 and "project" in response.context["form"].errors
    assert not Activity.objects.exists()
