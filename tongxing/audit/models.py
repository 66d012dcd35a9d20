import hashlib
import hmac
import json

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from tongxing.privacy.crypto import audit_key


class Action(models.TextChoices):
    VIEW = "view", _("view")
    CREATE = "create", _("create")
    CHANGE = "change", _("change")
    DELETE = "delete", _("delete")
    EXPORT = "export", _("export")
    IMPORT = "import", _("import")
    LOGIN = "login", _("login")
    LOGIN_FAILED = "login_failed", _("failed login")
    DISCLOSE = "disclose", _("disclosure")


class Event(models.Model):
    """One audited event. `digest` chains each event to the one before it, so changing, deleting or
    reordering a stored event breaks the chain from that event on (`tongxing audit verify`).

    The digest is an HMAC-SHA256 under the audit key, which is configuration and never in the database,
    so someone who can write the database cannot forge or re-chain events. Events written before the
    chain was keyed (`keyed` false) keep their plain SHA-256 digests: they may only form the trail's
    first part, and the signed checkpoints (checkpoints.py) pin them."""

    at = models.DateTimeField(_("when"))
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="+", verbose_name=_("who"))
    username = models.CharField(_("username"), max_length=150, blank=True)
    action = models.CharField(_("action"), max_length=16, choices=Action.choices)
    object_type = models.CharField(_("object type"), max_length=64, blank=True)
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    unit_code = models.CharField(_("unit"), max_length=32, blank=True)
    summary = models.CharField(_("summary"), max_length=300, blank=True)
    changes = models.JSONField(_("changes (old → new)"), default=dict, blank=True)
    ip = models.GenericIPAddressField(_("source"), null=True, blank=True)
    previous_digest = models.CharField(max_length=64)
    digest = models.CharField(max_length=64, unique=True)
    position = models.PositiveBigIntegerField(_("Position in the trail"), null=True, editable=False)
    keyed = models.BooleanField(default=False, editable=False)

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["pk"]
        indexes = [models.Index(fields=["object_type", "object_id"], name="audit_object")]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.username} {self.action} {self.object_type} {self.object_id}"

    def payload(self) -> str:
        """The event's content in a fixed form: what the digest covers."""
        content = {
            "at": self.at.isoformat(), "user": self.user_id, "username": self.username, "action": self.action,
            "object_type": self.object_type, "object_id": self.object_id, "unit": self.unit_code,
            "summary": self.summary, "changes": self.changes, "ip": self.ip,
        }
        if self.keyed:
            content["position"] = self.position
        return json.dumps(content, sort_keys=True, ensure_ascii=False, default=str)

    def compute_digest(self, key: bytes | None = None) -> str:
        message = f"{self.previous_digest}|{self.payload()}".encode()
        if self.keyed:
            return hmac.new(key or audit_key(), message, hashlib.sha256).hexdigest()
        return hashlib.sha256(message).hexdigest()


class DataVersion(models.Model):
    """A token that every audited change to the records replaces (`services.record`), in the change's own
    transaction: a figure remembered with the token it was computed at is current while the token stands.
    A fresh random token, not a count, so a change rolled back can never hand its token to a later one."""

    token = models.CharField(_("data version"), max_length=32)

    class Meta:
        verbose_name = _("data version")
        verbose_name_plural = _("data versions")

    def __str__(self):
        return self.token
