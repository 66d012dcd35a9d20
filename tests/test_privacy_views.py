"""The privacy page: consents, printable disclosure history, and who looked at a client (supervisors)."""

import pytest
from django.contrib.auth import get_user_model

from tongxing.accounts.models import Access, Level
from tongxing.audit.models import Action, Event
from tongxing.exchange.schema import parse
from tongxing.exchange.services import import_document
from tongxing.organisations.models import Agency, Staff, Unit
from tongxing.people.models import Person
from tongxing.privacy.models import Consent

from .conftest import verified_login

pytestmark = pytest.mark.django_db


@pytest.fixture
def users(scenario_unit, scenario_doc):
    other = dict(scenario_doc, unit={**scenario_doc["unit"], "code": "U2"})
    import_document(parse(other)[0])
    unit_b = Unit.objects.get(code="U2")
    made = {}
    for name, level, unit in [("alice", Level.WORKER, scenario_unit), ("bob", Level.SUPERVISOR, scenario_unit),
                              ("charlie", Level.WORKER, unit_b)]:
        user = get_user_model().objects.create_user(name)
        Access.objects.create(user=user, level=level, unit=unit, organisation=unit.organisation)
        made[name] = user
    Staff.objects.filter(unit=scenario_unit, external_id="s0").update(user=made["alice"])
    return made


@pytest.fixture
def client_of(client):
    def sign_in(user):
        verified_login(client, user)
        return client
    return sign_in


@pytest.fixture
def alices_client_person(scenario_unit, users):
    return Person.objects.get(unit=scenario_unit, external_id="p0")  # client of c0, worked by s0 (alice)


def test_worker_records_a_consent_and_the_read_is_audited(client_of, users, alices_client_person):
    client = client_of(users["alice"])
    url = f"/privacy/people/{alices_client_person.pk}/"
    page = client.get(url)
    assert page.status_code == 200 and "查閱紀錄" not in page.content.decode()  # workers don't see the access log
    assert Event.objects.filter(action=Action.VIEW, object_id=str(alices_client_person.pk)).count() == 1
    probation = Agency.objects.create(unit=alices_client_person.unit, name="感化辦事處")
    elsewhere = Agency.objects.create(unit=Unit.objects.get(code="U2"), name="感化辦事處")
    refused = client.post(url, {"agency": elsewhere.pk, "information": "出席紀錄", "purpose": "報告",
                                "given_on": "2024-05-01"})  # only the person's unit's agencies are offered
    assert "agency" in refused.context["form"].errors and not Consent.objects.exists()
    response = client.post(url, {"agency": probation.pk, "information": "出席紀錄", "purpose": "報告",
                                 "given_on": "2024-05-01"})
    assert response.status_code == 302
    consent = Consent.objects.get(person=alices_client_person)
    assert (consent.recorded_by, consent.agency, consent.recipient) == (users["alice"], probation, "感化辦事處")
    assert Event.objects.get(object_type="privacy.consent").action == Action.CREATE


def test_supervisor_sees_who_looked_at_the_client(client_of, users, alices_client_person):
    client_of(users["alice"]).get(f"/privacy/people/{alices_client_person.pk}/")
    page = client_of(users["bob"]).get(f"/privacy/people/{alices_client_person.pk}/").content.decode()
    assert "查閱紀錄" in page and "alice" in page


def test_invalid_consent_shows_errors_and_saves_nothing(client_of, users, alices_client_person):
    page = client_of(users["alice"]).post(f"/privacy/people/{alices_client_person.pk}/", {"agency": ""})
    assert page.status_code == 200 and 'role="alert"' in page.content.decode()
    assert not Consent.objects.exists()


def test_disclosure_history_prints(client_of, users, alices_client_person):
    assert client_of(users["bob"]).get(f"/privacy/people/{alices_client_person.pk}/disclosures/").status_code == 200


def test_another_unit_is_refused(client_of, users, alices_client_person):
    client = client_of(users["charlie"])
    assert client.get(f"/privacy/people/{alices_client_person.pk}/").status_code == 404
    assert client.get(f"/privacy/people/{alices_client_person.pk}/disclosures/").status_code == 404


def test_auditor_downloads_the_unit_de_identified(client_of, scenario_unit):
    auditor = get_user_model().objects.create_user("audrey")
    Access.objects.create(user=auditor, level=Level.AUDITOR, organisation=scenario_unit.organisation)
    response = client_of(auditor).get("/reports/deidentified/U1.json")
    assert response.status_code == 200
    body = response.content.decode()
    assert '"deidentified": true' in body and '"p1"' not in body and "birth_date" not in body
    assert Event.objects.filter(action=Action.EXPORT, summary="de-identified export").exists()



def test_a_colleague_without_a_professional_role_is_exported_and_round_trips(client_of, users, scenario_unit):
    """A login made on the users page with no role (a clerk) once made the de-identified export a 500."""
    from tongxing.exchange.selectors import export_unit
    from tongxing.setup.services import save_user

    save_user(users["bob"], scenario_unit, username="clerk", name="文員", level=Level.WORKER, roles=[],
              password="")
    auditor = get_user_model().objects.create_user("audrey")
    Access.objects.create(user=auditor, level=Level.AUDITOR, organisation=scenario_unit.organisation)
    response = client_of(auditor).get("/reports/deidentified/U1.json")
    assert response.status_code == 200
    exported = export_unit(scenario_unit).as_json()
    assert [s["roles"] for s in exported["staff"] if s["id"] == "user-clerk"] == [[]]
    document, problems = parse({**exported, "unit": {**exported["unit"], "code": "U3"}})
    assert not problems
    import_document(document)
    assert not Staff.objects.get(unit__code="U3", external_id="user-clerk").roles.exists()


def test_roles_must_still_be_a_list_of_known_roles(scenario_doc):
    for bad in ("social_worker", ["wizard"], ["nurse", "nurse"], None):
        staff = [{**scenario_doc["staff"][0], "roles": bad}, *scenario_doc["staff"][1:]]
        assert parse({**scenario_doc, "staff": staff})[1], bad
