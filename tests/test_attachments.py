"""Attachments (issue 19): files on a person, case or referral, checked by content, stored encrypted, served only
through scope.py, every upload, download and removal audited, re-encrypted by `tongxing keys rotate`, carried by
`tongxing backup` and `restore`. alice owns the case; bob supervises unit A; charlie works in unit B; nina is the
nurse on alice's case team; gina is a colleague in unit A with no part in the case."""

from __future__ import annotations

import hashlib
import io
import os
import subprocess
import sys

import pytest
from cryptography.fernet import InvalidToken
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from tongxing.accounts.models import Access, Level
from tongxing.attachments import services
from tongxing.attachments.models import Attachment
from tongxing.audit.models import Action, Event
from tongxing.cases.models import Referral
from tongxing.organisations.models import Role, Staff, StaffRole
from tongxing.people.models import Person
from tongxing.people.services import merge_people
from tongxing.privacy import crypto
from tongxing.teams.models import MedicalAccess, TeamMember, TeamRole

from .activities_world import build
from .conftest import verified_login

pytestmark = pytest.mark.django_db

SECRET_TEXT = b"SIGNED-CONSENT-ZHOU-XIAOMING"


def pdf(body: bytes = SECRET_TEXT) -> bytes:
    return b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n% " + body + b"\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def png() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (4, 4), (200, 30, 30)).save(out, format="PNG")
    return out.getvalue()


def _login(user, client, language="en"):
    verified_login(client, user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


def _worker(world, name, staff=None):
    user = get_user_model().objects.create_user(name)
    Access.objects.create(user=user, level=Level.WORKER, organisation=world.unit.organisation, unit=world.unit)
    if staff is None:
        staff = Staff.objects.create(unit=world.unit, external_id=f"s-{name}", name=f"{name}同事")
        StaffRole.objects.create(staff=staff, role=Role.SOCIAL_WORKER)
    staff.user = user
    staff.save()
    return user


@pytest.fixture
def world():
    w = build()
    w.nina = _worker(w, "nina", w.nurse)
    TeamMember.objects.create(case=w.case, staff=w.nurse, role=TeamRole.NURSE, added_on=timezone.localdate())
    w.gina = _worker(w, "gina")
    w.mona = _worker(w, "mona", w.doctor)
    MedicalAccess.objects.create(staff=w.doctor, unit=w.unit, granted_on=timezone.localdate())
    return w


def _upload(client, url, name, data, description=""):
    return client.post(url, {"file": SimpleUploadedFile(name, data, content_type="application/pdf"),
                             "description": description})


def _messages(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_a_team_member_downloads_what_the_worker_attached_and_a_non_member_is_refused(world, client):
    alice = _login(world.alice, client)
    response = _upload(alice, reverse("case-attach", args=[world.case.pk]), "同意書.pdf", pdf(), "簽署的轉介同意書")
    assert response.status_code == 302 and response["Location"].endswith("#attachments")
    attachment = Attachment.objects.get()
    assert (attachment.case, attachment.filename, attachment.content_type) == (world.case, "同意書.pdf",
                                                                                "application/pdf")
    assert Event.objects.filter(action=Action.CREATE, object_type="attachments.attachment",
                                object_id=str(attachment.pk), username="alice").exists()
    page = alice.get(reverse("case-detail", args=[world.case.pk])).content.decode()
    assert "同意書.pdf" in page and reverse("attachment-download", args=[attachment.pk]) in page

    for user in (world.alice, world.bob, world.nina):
        response = _login(user, client).get(reverse("attachment-download", args=[attachment.pk]))
        assert response.status_code == 200, user
        assert response.content == pdf()
        assert response["Content-Type"] == "application/pdf"
        assert response["Content-Disposition"].startswith("attachment;")
        assert response["X-Content-Type-Options"] == "nosniff"
        assert "sandbox" in response["Content-Security-Policy"]
        assert Event.objects.filter(action=Action.VIEW, object_type="attachments.attachment",
                                    object_id=str(attachment.pk), username=user.username).count() == 1
    # Outside the team: a colleague of the unit, a worker of another unit, a doctor with medical access (the
    # client for medical work, never the case's files) — refused, and nothing read is audited as read.
    for user in (world.gina, world.charlie, world.mona):
        response = _login(user, client).get(reverse("attachment-download", args=[attachment.pk]))
        assert response.status_code == 404, user
        page = client.get(reverse("person-detail", args=[world.client.pk])).content.decode()
        assert "同意書.pdf" not in page
        assert not Event.objects.filter(action=Action.VIEW, object_type="attachments.attachment",
                                        username=user.username).exists()


def test_the_file_is_stored_encrypted(world):
    attachment = services.attach(world.case, name="letter.pdf", data=pdf(), user=world.alice)
    with connection.cursor() as cursor:
        cursor.execute("SELECT ciphertext FROM attachments_attachment WHERE id = %s", [attachment.pk])
        stored = bytes(cursor.fetchone()[0])
    assert SECRET_TEXT not in stored and b"%PDF" not in stored
    assert services.plaintext(Attachment.objects.get()) == pdf()


def test_person_and_referral_files_follow_their_record(world, client):
    referral = Referral.objects.create(unit=world.unit, external_id="r1", person=world.client, case=world.case,
                                       direction="out", category="ngo", date=timezone.localdate())
    alice = _login(world.alice, client)
    _upload(alice, reverse("person-attach", args=[world.client.pk]), "hkid-scan.png", png())
    _upload(alice, reverse("referral-attach", args=[referral.pk]), "reply.pdf", pdf())
    on_person, on_referral = Attachment.objects.get(person=world.client), Attachment.objects.get(referral=referral)
    assert on_person.content_type == "image/png"
    assert "reply.pdf" in alice.get(reverse("activities:referral", args=[referral.pk])).content.decode()
    mona = _login(world.mona, client)  # the client for medical work: the person's and referral's files
    assert mona.get(reverse("attachment-download", args=[on_person.pk])).status_code == 200
    charlie = _login(world.charlie, client)
    for a in (on_person, on_referral):
        assert charlie.get(reverse("attachment-download", args=[a.pk])).status_code == 404
    assert charlie.post(reverse("person-attach", args=[world.client.pk]),
                        {"file": SimpleUploadedFile("x.pdf", pdf())}).status_code == 404
    assert Attachment.objects.count() == 2


HOSTILE = {
    "text renamed .pdf": ("report.pdf", b"just some words, not a PDF at all\n", "none of these"),
    "program renamed .pdf": ("invoice.pdf", b"MZ\x90\x00\x03" + b"\x00" * 200, "none of these"),
    "truncated PDF": ("cut.pdf", b"%PDF-1.4\n1 0 obj << >> endobj\n", "none of these"),
    "HTML renamed .pdf": ("letter.pdf", b"<!DOCTYPE html><html><script>alert(1)</script></html>", "web page"),
    "SVG": ("drawing.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', "SVG"),
    "SVG renamed .png": ("photo.png", b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg"/>', "SVG"),
    "PNG header on junk": ("photo.png", b"\x89PNG\r\n\x1a\n" + b"<script>alert(1)</script>" * 4, "none of these"),
    "image named .pdf": ("consent.pdf", None, "its content is a PNG"),
    "empty": ("empty.pdf", b"", "empty"),
    "dot-dot name": ("..pdf", pdf(), "folder"),
}
# Django's upload parser already cuts a folder and control characters off the name a browser sends (and the test
# client sends only the base name), so these reach the service only from other callers; it refuses them itself.
HOSTILE_NAMES = {
    "parent folder": ("../../etc/passwd.pdf", "folder"),
    "windows folder": ("..\\..\\boot.pdf", "folder"),
    "absolute path": ("/etc/passwd.pdf", "folder"),
    "control characters": ("consent\u202egpj.pdf", "control characters"),
    "nul byte": ("consent\x00.pdf", "control characters"),
    "too long": ("x" * 300 + ".pdf", "longer than"),
}


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_hostile_files_are_refused_with_a_message_and_nothing_written(world, client, case):
    name, data, says = HOSTILE[case]
    events = Event.objects.count()
    response = _upload(_login(world.alice, client), reverse("case-attach", args=[world.case.pk]), name,
                       png() if data is None else data)
    assert response.status_code == 302
    (message,) = _messages(response)
    assert says in message and "not attached" in message
    assert Attachment.objects.count() == 0
    assert Event.objects.count() == events


@pytest.mark.parametrize("case", sorted(HOSTILE_NAMES))
def test_hostile_names_are_refused_by_the_service(world, case):
    name, says = HOSTILE_NAMES[case]
    with pytest.raises(ValidationError) as refused, translation.override("en"):
        services.attach(world.case, name=name, data=pdf(), user=world.alice)
    assert says in " ".join(refused.value.messages)
    assert Attachment.objects.count() == 0 and not Event.objects.filter(object_type="attachments.attachment").exists()


def test_files_follow_a_merged_person_to_the_record_kept(world):
    duplicate = Person.objects.create(unit=world.unit, external_id="p1b", name="周小明", sex="M")
    services.attach(duplicate, name="letter.pdf", data=pdf(), user=world.alice)
    merge_people(world.client, duplicate, user=world.bob)
    assert Attachment.objects.get().person == world.client


def test_the_size_limit_is_a_setting_and_its_message_is_in_the_users_language(world, client, settings):
    settings.TONGXING_ATTACHMENT_MAX_BYTES = 1024
    alice = _login(world.alice, client)
    response = _upload(alice, reverse("case-attach", args=[world.case.pk]), "big.pdf", pdf(b"x" * 2000))
    (message,) = _messages(response)
    assert "is 2.0\xa0KB" in message and "up to 1.0\xa0KB" in message  # how big it is, and the limit
    assert Attachment.objects.count() == 0
    alice.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hant"
    response = _upload(alice, reverse("case-attach", args=[world.case.pk]), "big.pdf", pdf(b"x" * 2000))
    message = _messages(response)[-1]
    assert "未能附加" in message and "上限" in message
    _upload(alice, reverse("case-attach", args=[world.case.pk]), "small.pdf", pdf(b"x" * 100))
    assert Attachment.objects.count() == 1


def test_removing_keeps_the_row_audits_it_and_refuses_downloads(world, client):
    attachment = services.attach(world.case, name="letter.pdf", data=pdf(), user=world.alice)
    url = reverse("attachment-remove", args=[attachment.pk])
    nina = _login(world.nina, client)  # on the team, but did not attach it and supervises nobody
    assert nina.post(url, {"reason": "wrong client"}).status_code == 403
    assert _login(world.charlie, client).post(url, {"reason": "x"}).status_code == 404
    alice = _login(world.alice, client)
    response = alice.post(url, {"reason": ""})
    assert "Say why" in _messages(response)[0] and Attachment.objects.get().removed_at is None
    alice.post(url, {"reason": "放錯個案 filed on the wrong case"})
    removed = Attachment.objects.get()
    assert removed.removed_at is not None and removed.removed_by == world.alice and removed.ciphertext
    assert Event.objects.filter(action=Action.DELETE, object_id=str(removed.pk), username="alice").exists()
    for user in (world.alice, world.bob):
        assert _login(user, client).get(reverse("attachment-download", args=[removed.pk])).status_code == 404
    page = client.get(reverse("case-detail", args=[world.case.pk])).content.decode()
    assert "filed on the wrong case" in page and reverse("attachment-download", args=[removed.pk]) not in page


def test_a_supervisor_removes_a_workers_file(world, client):
    attachment = services.attach(world.client, name="letter.pdf", data=pdf(), user=world.alice)
    _login(world.bob, client).post(reverse("attachment-remove", args=[attachment.pk]), {"reason": "duplicate"})
    assert Attachment.objects.get().removed_by == world.bob


def test_query_counts_do_not_grow_with_the_files(world, client, django_assert_num_queries):
    alice = _login(world.alice, client)
    services.attach(world.case, name="one.pdf", data=pdf(), user=world.alice)
    url = reverse("case-detail", args=[world.case.pk])
    alice.get(url)  # the first page after signing in writes the session once
    with CaptureQueriesContext(connection) as one:
        alice.get(url)
    for i in range(5):
        services.attach(world.case, name=f"more{i}.pdf", data=pdf(), user=world.bob if i % 2 else world.alice)
    with django_assert_num_queries(len(one.captured_queries)):
        alice.get(url)
    download = reverse("attachment-download", args=[Attachment.objects.first().pk])
    alice.get(download)
    with CaptureQueriesContext(connection) as once:
        alice.get(download)
    assert len(once.captured_queries) <= 12


OLD, NEW = "old-field-key-" + "o" * 40, "new-field-key-" + "n" * 40


def test_key_rotation_re_encrypts_attachments_too(world, tmp_path, settings, capsys):
    settings.TONGXING_FIELD_KEY, settings.TONGXING_AUDIT_KEY = OLD, ""
    kept = services.attach(world.case, name="a.pdf", data=pdf(), user=world.alice)
    removed = services.attach(world.client, name="b.png", data=png(), user=world.alice)
    services.remove(removed, reason="duplicate", user=world.alice)
    before = {a.pk: bytes(a.ciphertext) for a in Attachment.objects.all()}
    key_file = tmp_path / "new.key"
    key_file.write_text(NEW)
    call_command("keys", "rotate", "--new-key-file", str(key_file))
    assert "2 attached files re-encrypted" in capsys.readouterr().out
    after = {a.pk: a for a in Attachment.objects.all()}
    assert all(bytes(after[pk].ciphertext) != token for pk, token in before.items())
    with pytest.raises(InvalidToken):
        services.plaintext(after[kept.pk])  # settings still hold the old key
    settings.TONGXING_FIELD_KEY = NEW
    assert services.plaintext(after[kept.pk]) == pdf() and services.plaintext(after[removed.pk]) == png()


def test_key_rotation_stops_with_nothing_changed_on_an_unreadable_file(world, tmp_path, settings, capsys):
    settings.TONGXING_FIELD_KEY, settings.TONGXING_AUDIT_KEY = OLD, ""
    services.attach(world.case, name="a.pdf", data=pdf(), user=world.alice)
    broken = services.attach(world.case, name="b.pdf", data=pdf(), user=world.alice)
    Attachment.objects.filter(pk=broken.pk).update(ciphertext=crypto.fernet("another-key-" + "x" * 40).encrypt(b"x"))
    before = list(Attachment.objects.order_by("pk").values_list("ciphertext", flat=True))
    key_file = tmp_path / "new.key"
    key_file.write_text(NEW)
    with pytest.raises(SystemExit):
        call_command("keys", "rotate", "--new-key-file", str(key_file))
    assert f"attachment {broken.pk} cannot be read" in capsys.readouterr().err
    assert [bytes(t) for t in Attachment.objects.order_by("pk").values_list("ciphertext", flat=True)] == [
        bytes(t) for t in before]


def _cli(database_url, *args):
    env = {**os.environ, "DATABASE_URL": database_url}
    result = subprocess.run([sys.executable, "-m", "tongxing.cli", *args], env=env, capture_output=True, text=True,
                            check=False)
    assert result.returncode == 0, result.stderr
    return result.stdout


ATTACH = """
from tongxing.attachments.services import attach
from tongxing.organisations.models import Organisation, Unit
from tongxing.people.models import Person
org = Organisation.objects.create(code="O", name="O")
unit = Unit.objects.create(organisation=org, code="U", name="U")
person = Person.objects.create(unit=unit, external_id="p1", name="周小明", sex="M")
attach(person, name="consent.pdf", data=bytes.fromhex("{hex}"), user=None)
"""
READ = """
import hashlib
from tongxing.attachments.models import Attachment
from tongxing.attachments.services import plaintext
a = Attachment.objects.get()
print(a.filename, a.person.name, hashlib.sha256(plaintext(a)).hexdigest())
"""


def test_backup_and_restore_carry_the_files(tmp_path):
    from .test_privacy import _databases

    original, restored, backup = _databases(tmp_path)
    data = pdf(b"x" * 5000)
    _cli(original, "migrate", "-v", "0")
    _cli(original, "shell", "-v", "0", "-c", ATTACH.replace("{hex}", data.hex()))
    _cli(original, "backup", str(backup))
    _cli(restored, "migrate", "-v", "0")
    _cli(restored, "restore", "--yes", str(backup))
    assert _cli(restored, "shell", "-v", "0", "-c", READ).split() == ["consent.pdf", "周小明", hashlib.sha256(data).hexdigest()]
