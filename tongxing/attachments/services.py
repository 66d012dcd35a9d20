"""Attaching, reading and removing files; each writes its audit event in the same transaction. The bytes are
checked (content.py) before anything is written, and stored only encrypted."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tongxing.audit.models import Action
from tongxing.audit.services import record
from tongxing.cases.models import Case, Referral
from tongxing.people.models import Person
from tongxing.privacy import crypto

from . import content
from .models import Attachment

OWNER_FIELD = {Person: "person", Case: "case", Referral: "referral"}


def read_upload(upload) -> bytes:
    """An uploaded file's bytes, refusing one over the limit before reading it into memory."""
    if upload.size > content.max_bytes():
        raise content.too_large(upload.size)
    return upload.read()


@transaction.atomic
def attach(record_on, *, name: str, data: bytes, description: str = "", user, request=None) -> Attachment:
    filename, kind = content.check(name, data)
    attachment = Attachment(unit_id=record_on.unit_id, **{OWNER_FIELD[type(record_on)]: record_on},
                            description=description.strip()[:200], filename=filename, content_type=kind.content_type,
                            size=len(data), ciphertext=crypto.fernet().encrypt(data), uploaded_by=user,
                            uploaded_at=timezone.now())
    attachment.save()
    record(Action.CREATE, user=user, obj=attachment, summary=f"attachment added to {OWNER_FIELD[type(record_on)]} "
           f"{record_on.pk}: {kind.label}, {len(data)} bytes", request=request)
    return attachment


def plaintext(attachment: Attachment, field_key: str | None = None) -> bytes:
    return crypto.fernet(field_key).decrypt(bytes(attachment.ciphertext))


@transaction.atomic
def download(attachment: Attachment, *, user, request=None) -> bytes:
    """The file's bytes for someone scope.py lets read it; the read is audited."""
    data = plaintext(attachment)
    record(Action.VIEW, user=user, obj=attachment, summary=f"attachment downloaded from "
           f"{attachment_owner_label(attachment)}", request=request)
    return data


def attachment_owner_label(attachment: Attachment) -> str:
    for field in OWNER_FIELD.values():
        if getattr(attachment, f"{field}_id"):
            return f"{field} {getattr(attachment, f'{field}_id')}"
    return ""


@transaction.atomic
def remove(attachment: Attachment, *, reason: str, user, request=None) -> Attachment:
    """Removed, not deleted: the row stays with who removed it, when and why; nobody can download it again."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Say why the file is removed."))
    attachment = Attachment.objects.select_for_update().get(pk=attachment.pk)
    if attachment.removed_at is not None:
        raise ValidationError(_("This file was already removed."))
    attachment.removed_by, attachment.removed_at, attachment.removal_reason = user, timezone.now(), reason[:300]
    attachment.save(update_fields=["removed_by", "removed_at", "removal_reason"])
    record(Action.DELETE, user=user, obj=attachment, summary=f"attachment removed from "
           f"{attachment_owner_label(attachment)}: {reason}", request=request)
    return attachment
