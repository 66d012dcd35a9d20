"""Keys for sensitive fields: encryption for identity numbers and a keyed hash for exact look-up.

Both are derived from TONGXING_FIELD_KEY (configuration, never code); without it, from SECRET_KEY,
which production also takes from the environment. Rotating the key needs a re-encryption run.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import unicodedata
from functools import cache
from typing import TYPE_CHECKING

from django.conf import settings

if TYPE_CHECKING:
    from cryptography.fernet import Fernet

# cryptography is imported where a key is first derived, not by every process that loads the models (the audit
# models import this module): a web worker starts without it.


def _master(field_key: str | None = None) -> bytes:
    """The configured field key; `tongxing keys rotate` passes the new one explicitly."""
    return (field_key or getattr(settings, "TONGXING_FIELD_KEY", "") or settings.SECRET_KEY).encode()


@cache
def _subkey(purpose: bytes, master: bytes) -> bytes:
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.kdf.hkdf import HKDF

    return HKDF(algorithm=hashes.SHA256(), length=32, salt=b"tongxing", info=purpose).derive(master)


def audit_key(field_key: str | None = None) -> bytes:
    """Keys the audit trail's chain and checkpoints. TONGXING_AUDIT_KEY when set (recommended: the trail then
    never depends on the field key, which `tongxing keys rotate` replaces); otherwise derived like the others."""
    own = getattr(settings, "TONGXING_AUDIT_KEY", "")
    return _subkey(b"audit-chain", own.encode() if own else _master(field_key))


def audit_key_follows_field_key() -> bool:
    return not getattr(settings, "TONGXING_AUDIT_KEY", "")


def fernet(field_key: str | None = None) -> Fernet:
    from cryptography.fernet import Fernet

    return Fernet(base64.urlsafe_b64encode(_subkey(b"field-encryption", _master(field_key))))


def normalise(value: str) -> str:
    """ID numbers as people type them: 'a123456(7)' and 'A 123456 7' are the same number."""
    text = unicodedata.normalize("NFKC", value).upper()
    return "".join(ch for ch in text if ch.isalnum())


def lookup_hash(value: str, field_key: str | None = None) -> str:
    key = _subkey(b"lookup-hash", _master(field_key))
    return hmac.new(key, normalise(value).encode(), hashlib.sha256).hexdigest()


def encrypt(value: str, field_key: str | None = None) -> str:
    return fernet(field_key).encrypt(value.encode()).decode()


def decrypt(token: str) -> str:
    return fernet().decrypt(token.encode()).decode()


def pseudonym(*parts: str, length=10) -> str:
    """A stable pseudonym for de-identified exports: the same record always gets the same one."""
    digest = hmac.new(_subkey(b"pseudonym", _master()), "|".join(parts).encode(), hashlib.sha256).hexdigest()
    return digest[:length]
