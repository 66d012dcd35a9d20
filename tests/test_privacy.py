"""Identity numbers encrypted with a keyed look-up hash; consent and disclosure accounting; de-identified
export; backup → restore → export equals the original export."""

import datetime as dt
import json
import os
import subprocess
import sys

import pytest
from django.db import connection
from django.test import override_settings

from tongxing.audit.models import Action, Event
from tongxing.exchange.selectors import export_unit
from tongxing.people.models import Person
from tongxing.privacy import crypto
from tongxing.privacy.deidentify import deidentify
from tongxing.privacy.models import Consent, Disclosure, IdentityNumber
from tongxing.privacy.services import NoConsent, disclose, find_by_identity_number, set_identity_number

from .conftest import SCENARIO

pytestmark = pytest.mark.django_db


@pytest.fixture
def person(scenario_unit):
    return Person.objects.get(unit=scenario_unit, external_id="p1")


def test_identity_number_is_stored_encrypted_and_found_by_exact_number(person):
    set_identity_number(person, "hkid", "A123456(7)")
    stored = IdentityNumber.objects.get(person=person)
    assert "A1234567" not in stored.ciphertext and "A1234567" not in stored.lookup
    assert stored.number() == "A1234567" and stored.hint == "67"
    assert list(find_by_identity_number("a 123456 7")) == [person]
    assert not find_by_identity_number("A1234568").exists()
    with connection.cursor() as cursor:
        cursor.execute("SELECT ciphertext, lookup FROM privacy_identitynumber")
        assert all("A123456" not in value for value in cursor.fetchone())


def test_the_key_is_configuration(person):
    set_identity_number(person, "hkid", "A1234567")
    with override_settings(TONGXING_FIELD_KEY="another-key"):
        assert not find_by_identity_number("A1234567").exists()
        assert crypto.lookup_hash("A1234567") != IdentityNumber.objects.get().lookup


def test_disclosure_relies_on_a_valid_consent_and_is_audited(person):
    today = dt.date.today()
    with pytest.raises(NoConsent):
        disclose(person, recipient="感化辦事處", information="出席紀錄", purpose="感化報告", channel="report")
    Consent.objects.create(person=person, recipient="感化辦事處", information="出席紀錄", purpose="感化報告",
                           given_on=today - dt.timedelta(days=10), expires_on=today + dt.timedelta(days=10))
    disclosure = disclose(person, recipient="感化辦事處", information="出席紀錄", purpose="感化報告",
                          channel="report")
    assert disclosure.consent is not None
    assert Event.objects.filter(action=Action.DISCLOSE, object_id=str(person.pk)).count() == 1


def test_revoked_or_expired_consent_is_not_relied_on(person):
    today = dt.date.today()
    Consent.objects.create(person=person, recipient="醫院", information="x", purpose="y",
                           given_on=today - dt.timedelta(days=30), revoked_on=today - dt.timedelta(days=1))
    Consent.objects.create(person=person, recipient="醫院", information="x", purpose="y",
                           given_on=today - dt.timedelta(days=30), expires_on=today - dt.timedelta(days=2))
    with pytest.raises(NoConsent):
        disclose(person, recipient="醫院", information="x", purpose="y", channel="referral")
    legal = disclose(person, recipient="醫院", information="x", purpose="y", channel="referral",
                     legal_basis="法庭命令 court order")
    assert legal.consent is None and Disclosure.objects.filter(person=person).count() == 1


def test_deidentified_export_has_no_names_and_stable_pseudonyms(scenario_unit):
    document = export_unit(scenario_unit)
    first = deidentify(document, dt.date(2025, 3, 31))
    again = deidentify(export_unit(scenario_unit), dt.date(2025, 3, 31))
    assert first == again
    text = json.dumps(first, ensure_ascii=False)
    for staff in document.records["staff"]:
        assert staff["name"] not in text
    assert '"p1"' not in text and "birth_date" not in text
    person = first["people"][1]
    assert person["age_band"] in {"≤19", "20–29", "30–39", "40–49", "50–59", "60–69", "≥70"}
    case = first["cases"][0]
    assert case["client"] == first["people"][0]["id"]
    assert set(case["episodes"][0]["plan"]) == {"date", "direction", "timetable", "actions", "goals"}


def _cli(database_url, *args):
    env = {**os.environ, "DATABASE_URL": database_url}
    result = subprocess.run([sys.executable, "-m", "tongxing.cli", *args], env=env, capture_output=True, text=True,
                            check=False)
    assert result.returncode == 0, result.stderr
    return result.stdout


def _databases(tmp_path):
    if connection.vendor == "postgresql":
        import psycopg

        settings = connection.settings_dict
        base = f"postgresql://{settings['USER']}@{settings['HOST'] or '127.0.0.1'}:{settings['PORT'] or 5432}"
        with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
            for name in ("tx_backup_a", "tx_backup_b"):
                conn.execute(f"DROP DATABASE IF EXISTS {name}")
                conn.execute(f"CREATE DATABASE {name}")
        return f"{base}/tx_backup_a", f"{base}/tx_backup_b", tmp_path / "backup.dump"
    return f"sqlite:///{tmp_path / 'a.db'}", f"sqlite:///{tmp_path / 'b.db'}", tmp_path / "backup.sqlite3"


def test_backup_restore_export_equals_the_original_export(tmp_path):
    original, restored, backup = _databases(tmp_path)
    _cli(original, "import", str(SCENARIO))
    before = _cli(original, "export", "--unit", "U1")
    backup.write_bytes(b"")
    backup.chmod(0o644)  # a file left world-readable is closed before the copy goes in (issue 13 finding 10)
    _cli(original, "backup", str(backup))
    assert backup.stat().st_mode & 0o777 == 0o600
    _cli(restored, "migrate", "-v", "0")
    _cli(restored, "restore", "--yes", str(backup))
    assert _cli(restored, "export", "--unit", "U1") == before
    assert "intact" in _cli(restored, "audit", "verify")
