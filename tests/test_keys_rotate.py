"""`tongxing keys rotate` (issue 13, finding 6): identity numbers re-encrypted under a new field key, all or
nothing, audited; the old key no longer decrypts them and look-ups work with the new one."""

import pytest
from cryptography.fernet import InvalidToken
from django.core.management import call_command

from tongxing.audit.models import Event
from tongxing.audit.selectors import verify_trail
from tongxing.organisations.models import Organisation, Unit
from tongxing.people.models import Person
from tongxing.privacy import crypto
from tongxing.privacy.models import IdentityKind, IdentityNumber
from tongxing.privacy.services import find_by_identity_number

pytestmark = pytest.mark.django_db

OLD, NEW = "old-field-key-" + "o" * 40, "new-field-key-" + "n" * 40


@pytest.fixture
def numbers(settings):
    settings.TONGXING_FIELD_KEY = OLD
    settings.TONGXING_AUDIT_KEY = ""
    org = Organisation.objects.create(code="O", name="O")
    unit = Unit.objects.create(organisation=org, code="U", name="U")
    people = []
    for i, number in enumerate(["A1234563", "B7654321", "C1111112"]):
        person = Person.objects.create(unit=unit, external_id=f"p{i}", name=f"人{i}", sex="F")
        n = IdentityNumber(person=person, kind=IdentityKind.HKID)
        n.set_number(number)
        n.save()
        people.append(person)
    return people


def _rotate(tmp_path, key=NEW):
    path = tmp_path / "new.key"
    path.write_text(key + "\n")
    call_command("keys", "rotate", "--new-key-file", str(path))


def _found(number):
    return list(find_by_identity_number(number))


def test_rotation_re_encrypts_and_the_old_key_cannot_read_them(numbers, tmp_path, settings, capsys):
    before = {n.pk: n.ciphertext for n in IdentityNumber.objects.all()}
    _rotate(tmp_path)
    assert "3 identity numbers re-encrypted" in capsys.readouterr().out
    stored = list(IdentityNumber.objects.order_by("pk"))
    assert all(n.ciphertext != before[n.pk] for n in stored)
    with pytest.raises(InvalidToken):
        stored[0].number()  # settings still hold the old key
    assert _found("A1234563") == []
    settings.TONGXING_FIELD_KEY = NEW
    assert [n.number() for n in stored] == ["A1234563", "B7654321", "C1111112"]
    assert _found("a123456(3)") == [numbers[0]]
    assert Event.objects.filter(object_type="privacy.fieldkey").count() == 1
    assert verify_trail()[0] == []  # the trail, re-keyed with the field key, verifies under the new one


def test_rotation_is_all_or_nothing(numbers, tmp_path, capsys):
    broken = IdentityNumber.objects.order_by("pk").last()
    broken.ciphertext = crypto.encrypt("X0000000", "some-other-key-" + "x" * 40)
    broken.save()
    before = list(IdentityNumber.objects.order_by("pk").values_list("ciphertext", "lookup"))
    events = Event.objects.count()
    with pytest.raises(SystemExit) as exit_info:
        _rotate(tmp_path)
    assert exit_info.value.code == 2
    assert "cannot be read with the current field key; nothing was changed" in capsys.readouterr().err
    assert list(IdentityNumber.objects.order_by("pk").values_list("ciphertext", "lookup")) == before
    assert Event.objects.count() == events


@pytest.mark.parametrize("key", ["short", OLD, "dev-only-not-secret-set-TONGXING_SECRET_KEY"])
def test_a_weak_or_unchanged_new_key_is_refused(numbers, tmp_path, key, capsys):
    with pytest.raises(SystemExit):
        _rotate(tmp_path, key)
    assert "keys rotate refused" in capsys.readouterr().err
