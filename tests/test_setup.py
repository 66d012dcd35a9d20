"""Set-up pages: alice (supervisor of A) sets her unit up; bob (worker of A) and charlie (supervisor of B) are
refused; every change is audited and checked as the funder reads it."""

import datetime as dt
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model

from tongxing.accounts.models import Access, Level
from tongxing.audit.models import Event
from tongxing.organisations.models import OpeningHours, Organisation, Staff, Unit
from tongxing.prevention.models import Institution, Kpi, PreReleaseSession
from tongxing.projects.models import OutputIndicator, Programme, Project
from tongxing.reports.views import current_fy
from tongxing.standards.models import AgreedLevel

from .conftest import verified_login

PASSWORD = "correct-horse-battery"


@pytest.fixture
def units(db):
    organisation = Organisation.objects.create(code="ORG", name="機構")
    a = Unit.objects.create(organisation=organisation, code="A", name="葵涌中心")
    b = Unit.objects.create(organisation=organisation, code="B", name="元朗中心")
    return a, b


def _user(name, unit, level):
    user = get_user_model().objects.create_user(name, password=PASSWORD)
    Access.objects.create(user=user, level=level, unit=unit, organisation=unit.organisation)
    return user


@pytest.fixture
def alice(units):
    return _user("alice", units[0], Level.SUPERVISOR)


@pytest.fixture
def bob(units):
    return _user("bob", units[0], Level.WORKER)


@pytest.fixture
def charlie(units):
    return _user("charlie", units[1], Level.SUPERVISOR)


def _levels_url(fy):
    return f"/setup/A/levels/{fy}/"


def test_alice_sets_next_years_levels_as_counts_and_percentages(client, alice):
    verified_login(client, alice)
    fy = current_fy() + 1
    response = client.post(_levels_url(fy), {"OS1": "72", "OS17": "120.5", "OS11": "80", "OC1": "55", "OC10": "150"})
    assert response.status_code == 302
    stored = dict(AgreedLevel.objects.filter(unit__code="A", fy=fy).values_list("standard", "value"))
    assert stored == {"OS1": Decimal(72), "OS17": Decimal("120.5"), "OS11": Decimal("0.8"), "OC1": Decimal("0.55"),
                      "OC10": Decimal("1.5")}
    event = Event.objects.get(object_type="standards.agreedlevel")
    assert event.username == "alice" and event.unit_code == "A" and event.changes["OC1"] == [None, "0.55"]
    # Shown back as entered, with the change history.
    page = client.get(_levels_url(fy)).content.decode()
    assert 'value="55"' in page and 'value="72"' in page and "alice" in page
    # Clearing one and changing another is one more audited change.
    client.post(_levels_url(fy), {"OS1": "70", "OS17": "120.5", "OS11": "80", "OC1": "", "OC10": "150"})
    assert not AgreedLevel.objects.filter(unit__code="A", fy=fy, standard="OC1").exists()
    last = Event.objects.filter(object_type="standards.agreedlevel").order_by("pk").last()
    assert set(last.changes) == {"OS1", "OC1"} and last.changes["OC1"][1] is None and last.changes["OS1"][1] == "70"


@pytest.mark.parametrize(("field", "value", "message"), [
    ("OS1", "-5", "協定水平不可為負數"),
    ("OC1", "120", "百分比不可超過100"),
    ("OS4", "2.5", "請輸入整數"),
    ("OS2", "abc", "請輸入數字"),
])
def test_a_wrong_level_is_refused_next_to_its_field_and_nothing_is_saved(client, alice, field, value, message):
    verified_login(client, alice)
    response = client.post(_levels_url(2030), {"OS1": "72", field: value})
    assert response.status_code == 400
    page = response.content.decode()
    assert f'id="id_{field}-error"' in page and message in page
    assert not AgreedLevel.objects.exists() and not Event.objects.exists()


def test_last_years_levels_are_a_start_not_a_save(client, alice, units):
    AgreedLevel.objects.create(unit=units[0], fy=2029, standard="OS1", value=72)
    AgreedLevel.objects.create(unit=units[0], fy=2029, standard="OC2", value=Decimal("0.6"))
    verified_login(client, alice)
    page = client.get(_levels_url(2030) + "?copy=1").content.decode()
    assert 'name="OS1" value="72"' in page and 'name="OC2" value="60"' in page
    assert not AgreedLevel.objects.filter(fy=2030).exists()


def test_a_worker_and_another_units_supervisor_are_refused(client, bob, charlie):
    verified_login(client, bob)
    assert client.get(_levels_url(2030)).status_code == 403
    assert client.post(_levels_url(2030), {"OS1": "1"}).status_code == 403
    assert client.get("/setup/").status_code == 403
    verified_login(client, charlie)
    assert client.get(_levels_url(2030)).status_code == 404
    assert client.post("/setup/A/projects/new/", {"code": "X"}).status_code == 404
    assert not AgreedLevel.objects.exists() and not Project.objects.exists()


def test_a_project_with_a_programme_and_an_output_indicator(client, alice, units):
    verified_login(client, alice)
    response = client.post("/setup/A/projects/new/", {"code": "BDF-1", "title": "親子同行", "funder": "禁毒基金",
                                                      "start": "2026-04-01", "end": "2026-03-01"})
    assert response.status_code == 400 and "結束日期不可早於開始日期" in response.content.decode()
    response = client.post("/setup/A/projects/new/", {"code": "BDF-1", "title": "親子同行", "funder": "禁毒基金",
                                                      "start": "2026-04-01", "end": "2028-03-31"})
    project = Project.objects.get(unit=units[0], code="BDF-1")
    assert response.status_code == 302 and response["Location"] == f"/setup/projects/{project.pk}/"
    client.post(f"/setup/projects/{project.pk}/programmes/new/",
                {"name": "講座", "activity_kinds": ["education"], "activity_format": "talk"})
    programme = Programme.objects.get(project=project)
    assert programme.activity_kinds == ["education"]
    # An indicator that counts sessions needs its programme; a target must be positive.
    response = client.post(f"/setup/projects/{project.pk}/outputs/new/",
                           {"number": "1", "order": 0, "description": "講座節數", "kind": "sessions", "target": "0"})
    assert response.status_code == 400 and not OutputIndicator.objects.exists()
    client.post(f"/setup/projects/{project.pk}/outputs/new/",
                {"number": "1", "order": 0, "description": "講座節數", "kind": "sessions", "target": "12",
                 "programme": programme.pk})
    output = OutputIndicator.objects.get(project=project)
    assert output.target == 12 and output.programme == programme
    assert set(Event.objects.values_list("object_type", "action")) >= {
        ("projects.project", "create"), ("projects.programme", "create"), ("projects.outputindicator", "create")}
    assert "講座節數" in client.get(f"/setup/projects/{project.pk}/").content.decode()


def test_another_units_project_is_not_found(client, charlie, units):
    project = Project.objects.create(unit=units[0], code="P", title="P", start=dt.date(2026, 4, 1),
                                     end=dt.date(2027, 3, 31))
    verified_login(client, charlie)
    assert client.get(f"/setup/projects/{project.pk}/").status_code == 404
    assert client.post(f"/setup/projects/{project.pk}/outputs/new/", {}).status_code == 404


def test_a_kpi_formula_is_checked(client, alice):
    verified_login(client, alice)
    data = {"name": "講習出席率", "formula": "__import__('os')", "target": "70", "as_percent": "on",
            "comparison": "at_least", "starts": "2026-01-01", "ends": "2026-12-31"}
    assert client.post("/setup/A/kpis/new/", data).status_code == 400 and not Kpi.objects.exists()
    data["formula"] = "lecture_attended / lecture_required"
    assert client.post("/setup/A/kpis/new/", data).status_code == 302
    assert Kpi.objects.get().unit.code == "A"
    assert Event.objects.filter(object_type="prevention.kpi", action="create").exists()


def test_prerelease_sessions_are_in_the_past(client, alice, units):
    verified_login(client, alice)
    client.post("/setup/A/institutions/new/", {"name": "高雄監獄"})
    institution = Institution.objects.get(unit=units[0])
    tomorrow = dt.date.today() + dt.timedelta(days=2)
    response = client.post("/setup/A/prerelease/new/", {"institution": institution.pk, "kind": "group",
                                                        "date": tomorrow.isoformat(), "participants": 12})
    assert response.status_code == 400 and "日期不可遲於今天" in response.content.decode()
    client.post("/setup/A/prerelease/new/", {"institution": institution.pk, "kind": "group",
                                             "date": "2026-05-02", "participants": 12})
    assert PreReleaseSession.objects.get().participants == 12


def test_opening_hours(client, alice, units):
    verified_login(client, alice)
    data = {"name": "葵涌中心", "timezone": "Asia/Hong_Kong", "mon_opens": "09:00", "mon_closes": "18:00",
            "wed_opens": "09:00", "wed_closes": "22:00", "sat_opens": "10:00", "sat_closes": "09:00"}
    response = client.post("/setup/A/unit/", data)
    assert response.status_code == 400 and not OpeningHours.objects.exists()
    data["sat_closes"] = "13:00"
    assert client.post("/setup/A/unit/", data).status_code == 302
    hours = {h.weekday: (f"{h.opens:%H:%M}", f"{h.closes:%H:%M}") for h in OpeningHours.objects.filter(unit=units[0])}
    assert hours == {1: ("09:00", "18:00"), 3: ("09:00", "22:00"), 6: ("10:00", "13:00")}
    assert Event.objects.filter(object_type="organisations.unit", action="change").exists()


def test_users_with_roles_and_the_levels_a_supervisor_may_give(client, alice, units):
    verified_login(client, alice)
    data = {"username": "dora", "name": "陳社工", "level": "org_admin", "roles": ["social_worker"],
            "password": "a-long-first-password-9"}
    response = client.post("/setup/A/users/new/", data)
    assert response.status_code == 400 and not get_user_model().objects.filter(username="dora").exists()
    data["level"] = "worker"
    assert client.post("/setup/A/users/new/", data).status_code == 302
    dora = get_user_model().objects.get(username="dora")
    assert dora.check_password("a-long-first-password-9") and dora.access.level == "worker"
    assert dora.access.unit == units[0]
    assert list(Staff.objects.get(user=dora).roles.values_list("role", flat=True)) == ["social_worker"]
    event = Event.objects.get(object_type="auth.user", action="create")
    assert "password" not in str(event.changes) or "a-long" not in str(event.changes)
    client.post(f"/setup/A/users/{dora.pk}/", {"name": "陳社工", "level": "worker", "roles": ["nurse"],
                                               "password": ""})
    assert list(Staff.objects.get(user=dora).roles.values_list("role", flat=True)) == ["nurse"]
    assert get_user_model().objects.get(username="dora").check_password("a-long-first-password-9")


def test_the_set_up_pages_open_in_both_languages(client, alice, units):
    verified_login(client, alice)
    for url in ("/setup/", _levels_url(2030), "/setup/A/projects/", "/setup/A/projects/new/", "/setup/A/kpis/",
                "/setup/A/kpis/new/", "/setup/A/prerelease/", "/setup/A/institutions/new/", "/setup/A/unit/",
                "/setup/A/users/", "/setup/A/users/new/"):
        for language in ("zh-hant", "en"):
            client.cookies["django_language"] = language
            response = client.get(url)
            assert response.status_code == 200, (url, language)
            assert (">設定<" if language == "zh-hant" else ">Set-up<") in response.content.decode()
