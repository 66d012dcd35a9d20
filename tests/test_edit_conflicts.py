"""Optimistic concurrency on every edit form (issue 13, finding 7): two people open the same record, the
first saves, the second's save from the stale page is refused with the first change shown, and nothing of
either is lost."""

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tongxing.cases.models import Case, Episode, Referral, ReferralCategory, ReferralStatus
from tongxing.people.models import Person

from . import activities_world
from .casework import PASSWORD, case, person, world

pytestmark = pytest.mark.django_db


def _session(user):
    c = Client()
    assert c.login(username=user.username, password=PASSWORD)
    return c


def _opened(c, url, form="form"):
    """The page's form as the browser would send it back unchanged: its initial values and edit token."""
    response = c.get(url)
    assert response.status_code == 200
    f = response.context[form]
    data = {}
    for name in f.fields:
        value = f[name].value()
        if value is None:
            continue
        if isinstance(value, list | tuple):
            data[f.add_prefix(name)] = [getattr(v, "pk", v) for v in value]
        elif isinstance(value, dt.date | dt.time):
            data[f.add_prefix(name)] = value.isoformat()[:5] if isinstance(value, dt.time) else value.isoformat()
        elif isinstance(value, bool):
            if value:
                data[f.add_prefix(name)] = "on"
        else:
            data[f.add_prefix(name)] = getattr(value, "pk", value)
    assert f.add_prefix("edit_token") in data
    return data


@pytest.fixture
def w():
    return world()


def test_person_edit_from_a_stale_page_is_refused_and_the_first_change_kept(w):
    p = person(w.unit, 1, name="黃小明", phone="9000 0000")
    case(w.unit, p, w.alice_staff, dt.date(2024, 5, 1), 1)
    alice, bob = _session(w.alice), _session(w.bob)
    url = reverse("person-edit", args=[p.pk])
    alice_page, bob_page = _opened(alice, url), _opened(bob, url)
    assert alice.post(url, {**alice_page, "name": "黃大明"}).status_code == 302
    response = bob.post(url, {**bob_page, "phone": "9111 1111"})
    assert response.status_code == 409
    html = response.content.decode()
    assert "alice" in html and "黃大明" in html and "9111 1111" in html  # their change shown, his entry kept
    p.refresh_from_db()
    assert (p.name, p.phone) == ("黃大明", "9000 0000")
    # Saving again from the conflict page, after checking, is his deliberate choice.
    again = {k: v for k, v in response.context["form"].data.items()}
    assert bob.post(url, {**again, "name": "黃大明"}).status_code == 302
    p.refresh_from_db()
    assert (p.name, p.phone) == ("黃大明", "9111 1111")


def test_the_conflict_is_told_in_the_users_language(w):
    p = person(w.unit, 1, name="黃小明")
    case(w.unit, p, w.alice_staff, dt.date(2024, 5, 1), 1)
    alice, bob = _session(w.alice), _session(w.bob)
    url = reverse("person-edit", args=[p.pk])
    alice_page, bob_page = _opened(alice, url), _opened(bob, url)
    alice.post(url, {**alice_page, "name": "黃大明"})
    bob.cookies["django_language"] = "en"
    english = bob.post(url, bob_page, headers={"accept-language": "en"}).content.decode()
    assert "saved this record at" in english
    del bob.cookies["django_language"]
    chinese = bob.post(url, bob_page, headers={"accept-language": "zh-hant"}).content.decode()
    assert "儲存了此紀錄" in chinese


def test_case_next_action_from_a_stale_page_is_refused(w):
    p = person(w.unit, 1)
    c = case(w.unit, p, w.alice_staff, dt.date(2024, 5, 1), 1)
    alice, bob = _session(w.alice), _session(w.bob)
    url, post = reverse("case-detail", args=[c.pk]), reverse("case-next", args=[c.pk])
    alice_page, bob_page = _opened(alice, url, "next_form"), _opened(bob, url, "next_form")
    assert alice.post(post, {**alice_page, "next-next_action": "家訪"}).status_code == 302
    response = bob.post(post, {**bob_page, "next-next_action": "電話跟進"})
    assert response.status_code == 409
    assert "家訪" in response.content.decode()
    assert Case.objects.get(pk=c.pk).next_action == "家訪"


def test_closing_an_episode_from_a_stale_page_is_refused(w):
    p = person(w.unit, 1)
    c = case(w.unit, p, w.alice_staff, dt.date(2024, 5, 1), 1)
    bob = _session(w.bob)
    url, post = reverse("case-detail", args=[c.pk]), reverse("case-close", args=[c.pk])
    bob_page = _opened(bob, url, "close_form")
    Episode.objects.filter(case=c).update(opened=dt.date(2024, 4, 20))  # a correction saved meanwhile
    response = bob.post(post, {**bob_page, "close-closed": "2024-06-01", "close-plan_achieved": "yes",
                               "close-closure_reason": "完成"})
    assert response.status_code == 409
    assert "2024" in response.content.decode() and Episode.objects.get(case=c).closed is None


def test_activity_edit_from_a_stale_page_is_refused():
    world = activities_world.build()
    tz = timezone.get_current_timezone()
    a = activities_world.activity(world.unit, dt.datetime(2024, 7, 1, 10, 0, tzinfo=tz), 60,
                                  staff=[world.alice_staff], people=[world.client], case=world.case, note="面談")
    first, second = Client(), Client()
    first.login(username=world.alice.username, password=activities_world.PASSWORD)
    second.login(username=world.alice.username, password=activities_world.PASSWORD)  # two tabs
    url = reverse("activities:edit", args=[a.pk])
    page1, page2 = _opened(first, url), _opened(second, url)
    assert first.post(url, {**page1, "note": "家訪改為面談"}).status_code == 302
    response = second.post(url, {**page2, "end_time": "11:30"})
    assert response.status_code == 409
    a.refresh_from_db()
    assert a.note == "家訪改為面談" and a.minutes == 60


def test_referral_status_from_a_stale_page_is_refused():
    world = activities_world.build()
    r = Referral.objects.create(unit=world.unit, external_id="r1", person=world.client, direction="out",
                                category=ReferralCategory.choices[0][0], agency="醫院", date=dt.date(2024, 6, 1))
    first, second = Client(), Client()
    first.login(username=world.alice.username, password=activities_world.PASSWORD)
    second.login(username=world.bob.username, password=activities_world.PASSWORD)
    url = reverse("activities:referral", args=[r.pk])
    page1, page2 = _opened(first, url), _opened(second, url)
    today = timezone.localdate().isoformat()
    assert first.post(url, {**page1, "status": ReferralStatus.ACCEPTED, "date": today}).status_code == 302
    response = second.post(url, {**page2, "status": ReferralStatus.ACCEPTED, "date": today})
    assert response.status_code == 409
    assert Referral.objects.get(pk=r.pk).status == ReferralStatus.ACCEPTED
    assert Person.objects.filter(pk=world.client.pk).exists()


def test_agreed_levels_from_a_stale_page_are_refused():
    from tongxing.accounts.models import Access, Level
    from tongxing.reports.views import current_fy
    from tongxing.standards.models import AgreedLevel

    from .conftest import verified_login

    w = world()
    fy = current_fy()
    AgreedLevel.objects.create(unit=w.unit, fy=fy, standard="OS1", value=70)
    carol = get_user_model().objects.create_user("carol", password=PASSWORD)
    Access.objects.create(user=carol, level=Level.SUPERVISOR, unit=w.unit, organisation=w.unit.organisation)
    first, second = Client(), Client()
    verified_login(first, w.bob)
    verified_login(second, carol)
    url = f"/setup/{w.unit.code}/levels/{fy}/"
    page1, page2 = _opened(first, url), _opened(second, url)
    assert first.post(url, {**page1, "OS1": "72"}).status_code == 302
    response = second.post(url, {**page2, "OS1": "75", "OS2": "10"})
    assert response.status_code == 409
    html = response.content.decode()
    assert "bob" in html and "72" in html and 'value="75"' in html
    assert dict(AgreedLevel.objects.filter(unit=w.unit, fy=fy).values_list("standard", "value")) == {"OS1": 72}


def test_a_set_up_form_from_a_stale_page_is_refused():
    from tongxing.accounts.models import Access, Level
    from tongxing.organisations.models import Unit

    from .conftest import verified_login

    w = world()
    carol = get_user_model().objects.create_user("carol", password=PASSWORD)
    Access.objects.create(user=carol, level=Level.SUPERVISOR, unit=w.unit, organisation=w.unit.organisation)
    first, second = Client(), Client()
    verified_login(first, w.bob)
    verified_login(second, carol)
    url = f"/setup/{w.unit.code}/unit/"
    page1, page2 = _opened(first, url), _opened(second, url)
    assert first.post(url, {**page1, "name": "葵涌綜合中心"}).status_code == 302
    response = second.post(url, {**page2, "name": "葵涌中心"})
    assert response.status_code == 409 and "葵涌綜合中心" in response.content.decode()
    assert Unit.objects.get(pk=w.unit.pk).name == "葵涌綜合中心"
