"""Project pages: list, dashboard, manual figure, exports; alice (worker, unit A), bob (A's supervisor),
charlie (unit B: refused)."""

import datetime as dt
import io

import pytest
from django.contrib.auth import get_user_model
from openpyxl import load_workbook

from tongxing.accounts.models import Access, Level
from tongxing.audit.models import Event
from tongxing.organisations.models import Organisation, Unit
from tongxing.outcomes.library import ensure_library
from tongxing.outcomes.models import Administration, Instrument
from tongxing.people.models import Person
from tongxing.projects.models import Enrolment, OutcomeIndicator, OutputIndicator, Programme, Project

PASSWORD = "correct-horse-battery"


@pytest.fixture
def world(db):
    ensure_library()
    org = Organisation.objects.create(code="O", name="機構")
    a = Unit.objects.create(organisation=org, code="UA", name="甲中心")
    b = Unit.objects.create(organisation=org, code="UB", name="乙中心")
    users = {}
    for name, level, unit in [("alice", Level.WORKER, a), ("bob", Level.SUPERVISOR, a), ("charlie", Level.SUPERVISOR, b)]:
        users[name] = get_user_model().objects.create_user(name, password=PASSWORD)
        Access.objects.create(user=users[name], level=level, organisation=org, unit=unit)
    project = Project.objects.create(unit=a, code="BDF 1", title="社區網隱行動", start=dt.date(2020, 7, 1),
                                     end=dt.date(2022, 6, 30))
    talks = Programme.objects.create(project=project, name="講座", activity_kinds=["education"])
    OutputIndicator.objects.create(project=project, number="1", description="講座", kind="sessions", programme=talks,
                                   target=12)
    OutputIndicator.objects.create(project=project, number="1B", description="面書專頁", kind="manual", target=2000)
    OutcomeIndicator.objects.create(project=project, number="1", description="抑鬱", instrument=Instrument.objects.get(
        code="phq9"))
    OutcomeIndicator.objects.create(project=project, number="2", description="滿意", criterion="agree_pct",
                                    instrument=Instrument.objects.get(code="satisfaction"))
    return {"a": a, "b": b, "project": project, **users}


def client_for(client, user):
    client.force_login(user)
    return client


def add_forms(unit, n, start=0):
    phq9 = Instrument.objects.get(code="phq9")
    people = Person.objects.bulk_create(Person(unit=unit, external_id=f"P{start + i}", sex="M") for i in range(n))
    Administration.objects.bulk_create(
        Administration(unit=unit, instrument=phq9, person=p, date=dt.date(2021, 1, 1), time_point=tp, total=t)
        for p in people for tp, t in (("pre", 15), ("post", 8)))
    # The project's participants (only theirs count in its outcomes).
    Enrolment.objects.bulk_create(Enrolment(project=project, person=p, date=project.start)
                                  for project in Project.objects.filter(unit=unit) for p in people)


def test_list_shows_own_units_projects(client, world):
    response = client_for(client, world["alice"]).get("/projects/")
    assert response.status_code == 200
    assert "社區網隱行動" in response.content.decode()
    client.force_login(world["charlie"])
    assert "社區網隱行動" not in client.get("/projects/").content.decode()


@pytest.mark.parametrize("path", ["/projects/{pk}/", "/projects/{pk}/report.xlsx", "/projects/{pk}/report.pdf"])
def test_charlie_is_refused(client, world, path):
    response = client_for(client, world["charlie"]).get(path.format(pk=world["project"].pk))
    assert response.status_code == 404


def test_dashboard_shows_outputs_and_outcomes(client, world):
    add_forms(world["a"], 5)
    body = client_for(client, world["bob"]).get(f"/projects/{world['project'].pk}/").content.decode()
    assert 'id="outputs"' in body and 'id="outcomes"' in body
    assert "<strong class=\"headline\">100.0%</strong>" in body  # 5 of 5 improved
    assert "pie-" in body


def test_manual_figure_needs_evidence_and_is_audited(client, world):
    indicator = world["project"].outputs.get(number="1B")
    url = f"/projects/{world['project'].pk}/outputs/{indicator.pk}/manual/"
    assert client_for(client, world["alice"]).post(url, {"value": "1", "evidence": "x"}).status_code == 403
    c = client_for(client, world["bob"])  # supervisors and coordinators set figures entered by hand
    response = c.post(url, {"value": "5541", "evidence": ""})
    assert response.status_code == 200
    assert "請註明證明" in response.content.decode()
    indicator.refresh_from_db()
    assert indicator.manual_value is None
    assert c.post(url, {"value": "5541", "evidence": "Facebook Insights"}).status_code == 302
    indicator.refresh_from_db()
    assert indicator.manual_value == 5541
    assert Event.objects.filter(action="change", object_type="projects.outputindicator").count() == 1
    client.force_login(world["charlie"])
    assert client.post(url, {"value": "1", "evidence": "x"}).status_code == 404


def test_auditor_cannot_enter_a_figure(client, world):
    auditor = get_user_model().objects.create_user("audrey")
    Access.objects.create(user=auditor, level=Level.AUDITOR, organisation=world["a"].organisation)
    indicator = world["project"].outputs.get(number="1B")
    client.force_login(auditor)
    url = f"/projects/{world['project'].pk}/outputs/{indicator.pk}/manual/"
    assert client.post(url, {"value": "1", "evidence": "x"}).status_code == 403


def test_xlsx_export_lays_out_both_tables(client, world):
    add_forms(world["a"], 4)
    response = client_for(client, world["bob"]).get(f"/projects/{world['project'].pk}/report.xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    text = [str(c.value) for row in sheet.iter_rows() for c in row if c.value is not None]
    assert "輸出及成效總表 Output and outcome summary" in text
    assert any("輸出指標" in t for t in text) and any("成效指標" in t for t in text)
    assert "100.0% (4)" in text
    assert Event.objects.filter(action="export", object_type="projects.project").count() == 1


def test_pdf_export(client, world):
    add_forms(world["a"], 4)
    response = client_for(client, world["bob"]).get(f"/projects/{world['project'].pk}/report.pdf")
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF")


def test_unknown_export_format(client, world):
    assert client_for(client, world["bob"]).get(f"/projects/{world['project'].pk}/report.doc").status_code == 404


@pytest.mark.parametrize("n", [10, 200])
def test_project_list_query_count(client, world, django_assert_num_queries, n):
    Project.objects.bulk_create(Project(unit=world["a"], code=f"X{i}", title=f"計劃{i}", start=dt.date(2020, 1, 1),
                                        end=dt.date(2021, 1, 1)) for i in range(n))
    c = client_for(client, world["bob"])
    with django_assert_num_queries(8):  # the same at 10 and 200 projects
        assert c.get("/projects/").status_code == 200


@pytest.mark.parametrize("n", [10, 200])
def test_dashboard_query_count_does_not_grow_with_records(client, world, django_assert_num_queries, n):
    add_forms(world["a"], n)
    c = client_for(client, world["bob"])
    with django_assert_num_queries(14):  # per indicator, never per record
        assert c.get(f"/projects/{world['project'].pk}/").status_code == 200
