"""Issue 16: a mandatory drug-harm lecture kept by name in the web. The people fined and required to attend are
listed, those who came are ticked, the attendance rate comes from the names and the absentees are listed to
follow up; a lecture run without a list keeps its counts. alice works in unit A, bob supervises it, charlie works
in unit B and is refused."""

import datetime as dt
from decimal import Decimal

import pytest

from tongxing.audit.models import Event
from tongxing.people.models import Person, Sex
from tongxing.prevention.models import Lecture, LectureRegistrant
from tongxing.prevention.statistics import Span, report

from .conftest import verified_login
from .test_prevention_views import alice, bob, charlie, units  # noqa: F401 (fixtures)

DAY = dt.date(2018, 1, 20)


@pytest.fixture
def fined(units):  # noqa: F811
    return [Person.objects.create(unit=units[0], external_id=f"L{i}", name=name, sex=Sex.MALE, phone="0912345678")
            for i, name in enumerate(("林一", "林二", "林三"))]


def new_lecture(client):
    response = client.post("/prevention/A/lectures/", {"date": DAY.isoformat(), "title": "第三、四級毒品危害講習",
                                                       "required": "", "attended": ""})
    lecture = Lecture.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/prevention/A/lectures/{lecture.pk}/"
    return lecture


def test_a_lecture_by_name_gives_its_rate_from_the_names_and_lists_the_absentees(client, alice, fined):  # noqa: F811
    verified_login(client, alice)
    lecture = new_lecture(client)
    url = f"/prevention/A/lectures/{lecture.pk}/"
    response = client.post(url, {"action": "registrants", "people": [p.pk for p in fined]})
    assert response.status_code == 302
    lecture.refresh_from_db()
    assert (lecture.required, lecture.attended, lecture.registrants.count()) == (3, 0, 3)
    response = client.post(url, {"action": "attendance", "present": [fined[0].pk, fined[1].pk]})
    assert response.status_code == 302
    lecture.refresh_from_db()
    assert (lecture.required, lecture.attended) == (3, 2)
    page = client.get(url).content.decode()
    absentees = page[page.index('id="absentees"'):]
    assert "林三" in absentees and "林一" not in absentees and "林二" not in absentees
    assert "66.7%" in page
    figures = report(lecture.unit, Span.month(2018, 1))
    assert (figures["lecture"]["required"], figures["lecture"]["attended"], figures["lecture"]["rate"]) == (
        3, 2, Decimal("66.7"))
    changes = [e.changes for e in Event.objects.filter(object_type="prevention.lecture", action="change")
               .order_by("pk")]
    assert changes[0]["registrants_added"] == sorted(p.pk for p in fined)
    assert changes[1]["absent"] == [fined[2].pk] and changes[1]["attended"] == 2
    # Unticking someone marks them absent again.
    client.post(url, {"action": "attendance", "present": [fined[0].pk]})
    assert LectureRegistrant.objects.filter(lecture=lecture, attended=True).count() == 1


def test_a_person_already_listed_or_of_another_unit_is_refused(client, bob, fined, units):  # noqa: F811
    verified_login(client, bob)
    lecture = new_lecture(client)
    url = f"/prevention/A/lectures/{lecture.pk}/"
    client.post(url, {"action": "registrants", "people": [fined[0].pk]})
    again = client.post(url, {"action": "registrants", "people": [fined[0].pk, fined[1].pk]})
    assert again.status_code == 400 and "林一" in str(again.context["registrant_form"].errors["people"])
    stranger = Person.objects.create(unit=units[1], external_id="X", name="外人", sex=Sex.MALE)
    assert client.post(url, {"action": "registrants", "people": [stranger.pk]}).status_code == 400
    assert client.post(url, {"action": "registrants"}).status_code == 400
    # Only people on the list can be ticked as come.
    assert client.post(url, {"action": "attendance", "present": [fined[2].pk]}).status_code == 400
    assert client.post(url, {"action": "nonsense"}).status_code == 400
    assert list(lecture.registrants.values_list("person", flat=True)) == [fined[0].pk]
    lecture.refresh_from_db()
    assert (lecture.required, lecture.attended) == (1, 0)


def test_counts_only_entry_stays_and_half_counts_are_refused(client, bob):  # noqa: F811
    verified_login(client, bob)
    response = client.post("/prevention/A/lectures/", {"date": DAY.isoformat(), "required": 118, "attended": ""})
    assert response.status_code == 400 and not Lecture.objects.exists()
    assert client.post("/prevention/A/lectures/", {"date": DAY.isoformat(), "required": 118,
                                                   "attended": 94}).status_code == 302
    lecture = Lecture.objects.get()
    page = client.get(f"/prevention/A/lectures/{lecture.pk}/").content.decode()
    assert "79.7%" in page and not lecture.registrants.exists()


def test_other_units_and_readers_are_refused(client, charlie, bob, units, fined):  # noqa: F811
    lecture = Lecture.objects.create(unit=units[0], date=DAY, required=0, attended=0)
    other = Lecture.objects.create(unit=units[1], date=DAY, required=0, attended=0)
    verified_login(client, charlie)
    assert client.get(f"/prevention/A/lectures/{lecture.pk}/").status_code == 404
    assert client.post(f"/prevention/A/lectures/{lecture.pk}/",
                       {"action": "registrants", "people": [fined[0].pk]}).status_code == 404
    verified_login(client, bob)
    assert client.get(f"/prevention/A/lectures/{other.pk}/").status_code == 404
    assert not LectureRegistrant.objects.exists()
