"""Questionnaire pages: library, custom Likert instruments, fast entry, form list; alice (worker, unit A),
bob (A's supervisor), charlie (unit B: refused)."""

import datetime as dt

import pytest
from django.contrib.auth import get_user_model

from tongxing.accounts.models import Access, Level
from tongxing.audit.models import Event
from tongxing.organisations.models import Organisation, Unit
from tongxing.outcomes.library import ensure_library
from tongxing.outcomes.models import Administration, Instrument
from tongxing.people.models import Person


@pytest.fixture
def world(db):
    ensure_library()
    org = Organisation.objects.create(code="O", name="機構")
    other_org = Organisation.objects.create(code="O2", name="另一機構")
    a = Unit.objects.create(organisation=org, code="UA", name="甲中心")
    b = Unit.objects.create(organisation=other_org, code="UB", name="乙中心")
    users = {}
    for name, level, unit in [("alice", Level.WORKER, a), ("bob", Level.SUPERVISOR, a), ("charlie", Level.SUPERVISOR, b)]:
        users[name] = get_user_model().objects.create_user(name)
        Access.objects.create(user=users[name], level=level, organisation=unit.organisation, unit=unit)
    person = Person.objects.create(unit=a, external_id="A-001", name="陳大文", sex="M")
    return {"a": a, "b": b, "person": person, "phq9": Instrument.objects.get(code="phq9"), **users}


def phq9_post(world, **overrides):
    data = {"person": world["person"].pk, "instrument": world["phq9"].pk, "time_point": "pre",
            "date": "2024-01-10", **{f"item-{n}": "2" for n in range(1, 10)}}
    data.update(overrides)
    return data


def test_library_lists_shipped_instruments(client, world):
    client.force_login(world["alice"])
    body = client.get("/outcomes/instruments/").content.decode()
    assert "PHQ-9" in body and "思動階梯" in body
    assert "新增李克特問卷" not in body  # workers fill forms in; supervisors define them
    detail = client.get(f"/outcomes/instruments/{world['phq9'].pk}/").content.decode()
    assert "幾乎每天" in detail and "中重度" in detail


def test_bob_adds_a_likert_instrument_charlie_cannot_see_it(client, world):
    client.force_login(world["bob"])
    response = client.post("/outcomes/instruments/new/", {
        "name": "禁毒基金20號問卷", "name_en": "BDF No.20", "better": "higher", "use": "pre_post", "low": 1, "high": 5,
        "labels": "非常不同意\n不同意\n一般\n同意\n非常同意", "items": "我能支援家人\n我感到無助 (R)\n我知道求助途徑"})
    assert response.status_code == 302
    instrument = Instrument.objects.get(name="禁毒基金20號問卷")
    assert list(instrument.items.values_list("reverse", flat=True)) == [False, True, False]
    assert Event.objects.filter(action="create", object_type="outcomes.instrument").count() == 1
    client.force_login(world["charlie"])
    assert client.get(f"/outcomes/instruments/{instrument.pk}/").status_code == 404
    assert "禁毒基金20號問卷" not in client.get("/outcomes/instruments/").content.decode()


def test_likert_form_errors_are_next_to_the_fields(client, world):
    client.force_login(world["bob"])
    response = client.post("/outcomes/instruments/new/", {
        "name": "X", "better": "higher", "use": "post_only", "low": 3, "high": 2, "items": ""})
    body = response.content.decode()
    assert response.status_code == 200
    assert "最高分必須大於最低分" in body and "最少要有一條題目" in body and "需要同意分數" in body
    assert not Instrument.objects.filter(name="X").exists()


def test_worker_cannot_define_instruments(client, world):
    client.force_login(world["alice"])
    assert client.get("/outcomes/instruments/new/").status_code == 403


def test_entry_saves_scores_and_audits(client, world):
    client.force_login(world["alice"])
    response = client.post("/outcomes/forms/new/", phq9_post(world))
    assert response.status_code == 302
    assert "time_point=pre" in response["Location"] and "date=2024-01-10" in response["Location"]
    saved = Administration.objects.get()
    assert (saved.total, saved.band, saved.flagged, saved.unit) == (18, "中重度", True, world["a"])
    assert saved.answers.count() == 9
    assert Event.objects.filter(action="create", object_type="outcomes.administration").count() == 1


def test_entry_with_a_missing_answer_saves_nothing(client, world):
    client.force_login(world["alice"])
    data = phq9_post(world)
    del data["item-4"]
    response = client.post("/outcomes/forms/new/", data)
    assert response.status_code == 200
    assert "未回答" in response.content.decode()
    assert 'value="2" checked' in response.content.decode()  # the typed answers are kept
    assert not Administration.objects.exists()
    assert not Event.objects.exists()


def test_entry_refuses_future_dates_and_people_out_of_scope(client, world):
    client.force_login(world["alice"])
    future = (dt.date.today() + dt.timedelta(days=2)).isoformat()
    assert "將來" in client.post("/outcomes/forms/new/", phq9_post(world, date=future)).content.decode()
    stranger = Person.objects.create(unit=world["b"], external_id="B-1", sex="F")
    response = client.post("/outcomes/forms/new/", phq9_post(world, person=stranger.pk))
    assert response.status_code == 200
    assert not Administration.objects.exists()


def test_people_search_is_scoped(client, world):
    Person.objects.create(unit=world["b"], external_id="B-1", name="陳小明", sex="F")
    client.force_login(world["alice"])
    body = client.get("/outcomes/forms/new/people/", {"q": "陳"}).content.decode()
    assert "陳大文" in body and "陳小明" not in body


def test_grid_for_the_chosen_instrument(client, world):
    client.force_login(world["alice"])
    body = client.get("/outcomes/forms/new/grid/", {"instrument": world["phq9"].pk}).content.decode()
    assert body.count('name="item-9"') == 4
    client.force_login(world["charlie"])
    custom = Instrument.objects.create(code="own", name="Own", better="higher", organisation=world["a"].organisation)
    assert client.get("/outcomes/forms/new/grid/", {"instrument": custom.pk}).status_code == 404


def test_auditor_cannot_enter_forms(client, world):
    auditor = get_user_model().objects.create_user("audrey")
    Access.objects.create(user=auditor, level=Level.AUDITOR, organisation=world["a"].organisation)
    client.force_login(auditor)
    assert client.post("/outcomes/forms/new/", phq9_post(world)).status_code == 403


def test_form_detail_refuses_charlie(client, world):
    client.force_login(world["alice"])
    client.post("/outcomes/forms/new/", phq9_post(world))
    pk = Administration.objects.get().pk
    assert client.get(f"/outcomes/forms/{pk}/").status_code == 200
    client.force_login(world["charlie"])
    assert client.get(f"/outcomes/forms/{pk}/").status_code == 404


@pytest.mark.parametrize("n", [10, 200])
def test_form_list_query_count(client, world, django_assert_num_queries, n):
    people = Person.objects.bulk_create(Person(unit=world["a"], external_id=f"P{i}", sex="M") for i in range(n))
    Administration.objects.bulk_create(Administration(unit=world["a"], instrument=world["phq9"], person=p,
                                                      date=dt.date(2024, 1, 1), time_point="pre", total=3)
                                       for p in people)
    client.force_login(world["bob"])
    with django_assert_num_queries(8):  # the same at 10 and 200 forms
        response = client.get("/outcomes/forms/")
    assert response.status_code == 200
    client.force_login(world["charlie"])
    assert "P1<" not in client.get("/outcomes/forms/").content.decode()
