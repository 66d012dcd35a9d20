"""Every read of personal data is audited (issue 13, finding 4): the person edit form, the merge pages, an
activity's record and edit form, a questionnaire's answers (PHQ-9)."""

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tongxing.audit.models import Action, Event
from tongxing.audit.selectors import who_viewed
from tongxing.outcomes.library import ensure_library
from tongxing.outcomes.models import Administration, Instrument

from . import activities_world
from .casework import PASSWORD, case, person, world

pytestmark = pytest.mark.django_db


def _views(**filters):
    return list(Event.objects.filter(action=Action.VIEW, **filters).values_list("username", "summary"))


@pytest.fixture
def w():
    return world()


def _bob(w):
    c = Client()
    assert c.login(username=w.bob.username, password=PASSWORD)
    return c


def test_the_person_edit_form_is_audited(w):
    p = person(w.unit, 1)
    assert _bob(w).get(reverse("person-edit", args=[p.pk])).status_code == 200
    assert [e.summary for e in who_viewed("people.person", p.pk)] == ["person edit form"]


def test_the_merge_pages_are_audited_for_both_people(w):
    p, q = person(w.unit, 1, name="黃小明"), person(w.unit, 2, name="黃小明")
    c = _bob(w)
    assert c.get(reverse("person-merge", args=[p.pk])).status_code == 200
    assert c.get(reverse("person-merge", args=[p.pk]), {"other": q.pk}).status_code == 200
    assert [e.summary for e in who_viewed("people.person", p.pk)] == [
        "merge page: two records side by side", "merge: choosing the other record"]
    assert [e.summary for e in who_viewed("people.person", q.pk)] == ["merge page: two records side by side"]


def test_an_activity_record_and_its_edit_form_are_audited():
    world = activities_world.build()
    a = activities_world.activity(world.unit, dt.datetime(2024, 7, 1, 10, tzinfo=timezone.get_current_timezone()),
                                  staff=[world.alice_staff], people=[world.client], case=world.case)
    c = Client()
    c.login(username=world.alice.username, password=activities_world.PASSWORD)
    assert c.get(reverse("activities:detail", args=[a.pk])).status_code == 200
    assert c.get(reverse("activities:edit", args=[a.pk])).status_code == 200
    assert [e.summary for e in who_viewed("activities.activity", a.pk)] == [
        f"activity edit form; people: {world.client.pk}", f"activity record; people: {world.client.pk}"]


def test_questionnaire_answers_are_audited_as_a_read_of_the_person(w):
    ensure_library()
    p = person(w.unit, 1)
    case(w.unit, p, w.alice_staff, dt.date(2024, 5, 1), 1)
    c = _bob(w)
    data = {"person": p.pk, "instrument": Instrument.objects.get(code="phq9").pk, "time_point": "pre",
            "date": "2024-06-10", **{f"item-{n}": "1" for n in range(1, 10)}}
    assert c.post(reverse("outcomes-entry"), data).status_code == 302
    administration = Administration.objects.get()
    assert c.get(reverse("outcomes-form", args=[administration.pk])).status_code == 200
    [event] = who_viewed("people.person", p.pk)
    assert event.username == "bob" and event.summary.startswith("questionnaire answers:")
    assert event.unit_code == w.unit.code
