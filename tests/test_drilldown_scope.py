"""Issue 13 finding 2: drill-downs (page and API) name people only within the reader's person scope, keep
every record on the list and the figure as it is, and audit each read with the people it named."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from tongxing.accounts.models import Access, Level
from tongxing.accounts.scope import people_for
from tongxing.audit.models import Event
from tongxing.cases.models import Case
from tongxing.people.models import Person
from tongxing.standards.codes import OUTCOME_STANDARDS, OUTPUT_STANDARDS

from .conftest import verified_login

pytestmark = pytest.mark.django_db
CODES = [*OUTPUT_STANDARDS, *OUTCOME_STANDARDS]


def _reads(client, code):
    page = client.get(f"/reports/fsa/U1/2024/{code}/")
    api = client.get(f"/api/units/U1/fsa/2024/{code}")
    assert page.status_code == 200 and api.status_code == 200, code
    return page.content.decode() + api.content.decode(), api.json()


def _named(text, people):
    return {p.pk for p in people if len(p.name) >= 2 and p.name in text}


def test_drilldowns_name_only_people_in_the_readers_scope(client, scenario_unit, scenario_bob):
    users = get_user_model().objects
    org = scenario_unit.organisation
    audrey = users.create_user("audrey")
    Access.objects.create(user=audrey, level=Level.AUDITOR, organisation=org)
    olga = users.create_user("olga")
    Access.objects.create(user=olga, level=Level.ORG_ADMIN, organisation=org)
    # a worker holding one colleague's worth of the scenario's cases
    case = Case.objects.filter(unit=scenario_unit, worker__isnull=False).order_by("pk").first()
    worker = case.worker
    alice = users.create_user("alice")
    worker.user = alice
    worker.save(update_fields=["user"])
    Access.objects.create(user=alice, level=Level.WORKER, organisation=org, unit=scenario_unit)
    everyone = list(Person.objects.filter(unit=scenario_unit))
    for person in everyone:  # the scenario's people are unnamed: give each a name found nowhere else
        person.name = f"受助人{person.pk:05d}號"
    Person.objects.bulk_update(everyone, ["name"])
    alices = set(people_for(alice).values_list("pk", flat=True))
    assert 0 < len(alices) < len(everyone)

    seen = {}
    for user in (scenario_bob, audrey, olga, alice):
        client.logout()
        verified_login(client, user)
        named, records = set(), {}
        for code in CODES:
            text, rows = _reads(client, code)
            named |= _named(text, everyone)
            records[code] = (len(rows), sum(r["counted"] for r in rows))
        seen[user.username] = (named, records)
    bob_named, bob_records = seen["bob"]
    assert len(bob_named) > 20  # the supervisor sees the unit's people in OS2, OS3, OS9…
    for name in ("audrey", "olga"):
        named, records = seen[name]
        assert named == set(), f"{name} was shown {len(named)} names"
        assert records == bob_records  # the same records, counted the same: only the names are withheld
    named, records = seen["alice"]
    assert named <= alices and records == bob_records, f"alice saw {len(named - alices)} names outside her caseload"
    reads = Event.objects.filter(action="view", summary__startswith="drill-down", unit_code="U1")
    assert reads.count() == 4 * 2 * len(CODES)
    assert reads.filter(user=audrey).exclude(changes__shown__person=[]).filter(changes__has_key="shown").count() == 0
