"""`tongxing keys rotate`: re-encrypt identity numbers and attached files and recompute the numbers' look-up
hashes under a new field key.

All or nothing, in one transaction: every number and file is decrypted with the current key and written again
under the new one; one the current key cannot read stops the rotation with nothing changed. Files are re-encrypted
one at a time, so a large store never sits in memory at once. While the audit
key follows the field key (no TONGXING_AUDIT_KEY), the audit trail is verified under the old key first and
then re-keyed, and its checkpoint file is set aside and restarted under the new key.
"""

from __future__ import annotations

from dataclasses import dataclass

from cryptography.fernet import InvalidToken
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from tongxing.attachments.models import Attachment
from tongxing.audit import checkpoints
from tongxing.audit.models import Action, Event
from tongxing.audit.selectors import verify_trail
from tongxing.audit.services import record
from tongxing.server.guard import production_problems

from . import crypto
from .models import IdentityNumber


class RotationRefused(Exception):
    pass


@dataclass
class Rotation:
    identity_numbers: int
    audit_events_rekeyed: int
    attachments: int = 0


def new_key_problems(new_key: str) -> list[str]:
    """The production rules for a field key (tongxing/server/guard.py), and a key that differs from today's."""
    problems = [p for p in production_problems("production", secret_key=settings.SECRET_KEY, field_key=new_key,
                                               debug=False, allowed_hosts=["-"])
                if p.startswith("TONGXING_FIELD_KEY")]
    if crypto._master(new_key) == crypto._master():
        problems.append("the new field key is the key in use now")
    return problems


def rotate(new_key: str, *, user=None) -> Rotation:
    problems = new_key_problems(new_key)
    if problems:
        raise RotationRefused("; ".join(problems))
    rekey_trail = crypto.audit_key_follows_field_key()
    with transaction.atomic():
        numbers = list(IdentityNumber.objects.select_for_update().order_by("pk"))
        for n in numbers:
            try:
                plain = n.number()
            except InvalidToken:
                raise RotationRefused(f"identity number {n.pk} cannot be read with the current field key; "
                                      "nothing was changed") from None
            n.ciphertext = crypto.encrypt(plain, new_key)
            n.lookup = crypto.lookup_hash(plain, new_key)
        IdentityNumber.objects.bulk_update(numbers, ["ciphertext", "lookup"], batch_size=1000)
        files = _reencrypt_attachments(new_key)
        record(Action.CHANGE, user=user, object_type="privacy.fieldkey",
               summary=f"field key rotated: {len(numbers)} identity numbers and {files} attachments re-encrypted"
                       + ("; audit trail re-keyed" if rekey_trail else ""))
        rekeyed = _rekey_trail(crypto.audit_key(new_key)) if rekey_trail else 0
    if rekey_trail:
        checkpoints.set_aside(f"before-rotation-{timezone.now():%Y%m%dT%H%M%S}")
        checkpoints.take(crypto.audit_key(new_key))
    return Rotation(len(numbers), rekeyed, files)


def _reencrypt_attachments(new_key: str) -> int:
    """Every attached file, removed ones too (they are kept), under the new key; one row in memory at a time."""
    old, new = crypto.fernet(), crypto.fernet(new_key)
    pks = list(Attachment.objects.select_for_update().order_by("pk").values_list("pk", flat=True))
    for pk in pks:
        token = Attachment.objects.filter(pk=pk).values_list("ciphertext", flat=True).get()
        try:
            data = old.decrypt(bytes(token))
        except InvalidToken:
            raise RotationRefused(f"attachment {pk} cannot be read with the current field key; "
                                  "nothing was changed") from None
        Attachment.objects.filter(pk=pk).update(ciphertext=new.encrypt(data))
    return len(pks)


def _rekey_trail(new_audit_key: bytes) -> int:
    """Verify the whole trail under the old key, then recompute its keyed digests under the new one."""
    problems, _ = verify_trail()
    if problems:
        raise RotationRefused("the audit trail does not verify under the current key ("
                              + "; ".join(p.problem for p in problems[:3])
                              + "): see `tongxing audit verify`; nothing was changed")
    previous, changed = None, []
    for event in Event.objects.select_for_update().order_by("pk"):
        if event.keyed:
            event.previous_digest = previous if previous is not None else event.previous_digest
            event.digest = event.compute_digest(new_audit_key)
            changed.append(event)
        previous = event.digest
    Event.objects.bulk_update(changed, ["previous_digest", "digest"], batch_size=1000)
    return len(changed)
