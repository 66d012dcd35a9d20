"""Optimistic concurrency for edit forms: a save from a page opened before someone else's save is refused.

An edit form carries a signed token: when the page was opened and a short hash of each guarded value as
stored then. Saving compares those hashes with what is stored now; if another person saved meanwhile the
form is refused (nothing written), the user's entries are kept in it, and the message names the values
that changed, what they are now, who saved them and when (from the audit trail). The token is then
renewed, so saving again, after checking, deliberately replaces the other change.

Use: `class PersonForm(EditGuard, forms.ModelForm)` guards the instance's fields that the form edits; a
form over something else passes `guard=Snapshot(...)` (a record and field names, or any subclass).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json

from django import forms
from django.core import signing
from django.db import models
from django.utils import formats, timezone
from django.utils.translation import gettext as _

TOKEN_FIELD = "edit_token"
SALT = "tongxing.edit-guard"


def _hash(value) -> str:
    return hashlib.sha256(json.dumps(value, default=str, sort_keys=True).encode()).hexdigest()[:12]


def shown(value, field=None) -> str:
    """A stored value as the user reads it: the choice's label, a related record's name, a local date."""
    if value is None or value == "":
        return "—"
    if field is not None and field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, dt.datetime):
        return formats.localize(timezone.localtime(value))
    if isinstance(value, dt.date):
        return formats.localize(value)
    return str(value)


class Snapshot:
    """What one edit form guards: a model record's fields by default."""

    def __init__(self, record, names=None):
        self.record = record
        model_fields = {f.name for f in record._meta.get_fields() if isinstance(f, models.Field)}
        self.names = [n for n in (names or ()) if n in model_fields]

    @property
    def exists(self) -> bool:
        return self.record is not None and self.record.pk is not None

    def values(self) -> dict:
        """The guarded values as stored (the record as read for this request)."""
        out = {}
        for name in self.names:
            field = self.record._meta.get_field(name)
            if field.many_to_many:
                out[name] = sorted(o.pk for o in getattr(self.record, name).all())
            else:
                out[name] = field.value_from_object(self.record)
        return out

    def fresh(self) -> Snapshot:
        return type(self)(type(self.record)._default_manager.get(pk=self.record.pk), self.names)

    def describe(self, name) -> tuple[str, str]:
        field = self.record._meta.get_field(name)
        if field.many_to_many:
            return str(field.verbose_name), ", ".join(str(o) for o in getattr(self.record, name).all()) or "—"
        value = getattr(self.record, name)
        return str(field.verbose_name), shown(field.value_from_object(self.record) if field.choices else value,
                                              field)

    def audit_object(self) -> tuple[str, str]:
        return self.record._meta.label_lower, str(self.record.pk)


def stamp(snapshot: Snapshot) -> str:
    return signing.dumps({"t": timezone.now().isoformat(),
                          "h": {n: _hash(v) for n, v in snapshot.values().items()}}, salt=SALT, compress=True)


class Conflict:
    """Someone else's save since the page was opened: which values, what they are now, by whom, when."""

    def __init__(self, snapshot: Snapshot, names):
        from tongxing.audit.models import Action, Event

        self.fields = [snapshot.describe(n) for n in names]
        object_type, object_id = snapshot.audit_object()
        event = (Event.objects.filter(object_type=object_type, object_id=object_id,
                                      action__in=[Action.CHANGE, Action.CREATE, Action.DELETE, Action.IMPORT])
                 .order_by("-pk").first())
        self.by = (event.username or _("the system")) if event else _("someone")
        self.at = timezone.localtime(event.at) if event else None

    def message(self) -> str:
        changed = "; ".join(_("%(field)s is now “%(value)s”") % {"field": f, "value": v} for f, v in self.fields)
        when = formats.date_format(self.at, "Y-m-d H:i") if self.at else _("meanwhile")
        return _("%(who)s saved this record at %(when)s, after you opened this page: %(changes)s. Nothing of "
                 "yours was saved, and your entries are kept below: check them against that change and save "
                 "again to replace it.") % {"who": self.by, "when": when, "changes": changed}


class EditGuard:
    """Mixin for edit forms (before forms.ModelForm or forms.Form in the bases)."""

    guarded: list[str] | None = None  # model fields compared; default: the form's fields that are model fields

    def __init__(self, *args, guard: Snapshot | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.conflict = None
        if guard is None:
            instance = getattr(self, "instance", None)
            guard = Snapshot(instance, self.guarded or list(self.fields)) if instance is not None else None
        self._snapshot = guard if guard is not None and guard.exists else None
        if self._snapshot is None:
            return
        self.fields[TOKEN_FIELD] = forms.CharField(widget=forms.HiddenInput, required=False)
        self.initial[TOKEN_FIELD] = stamp(self._snapshot)

    def full_clean(self):
        # What is stored now, read before a ModelForm copies the entries onto its instance.
        current = self._snapshot.values() if self._snapshot is not None and self.is_bound else None
        super().full_clean()
        sent = self.data.get(self.add_prefix(TOKEN_FIELD)) if current is not None else None
        if not sent:
            return  # not from one of our pages (a script or an older page): nothing to compare with
        try:
            seen = signing.loads(sent, salt=SALT)["h"]
        except (signing.BadSignature, KeyError, TypeError, ValueError):
            self.add_error(None, _("This page is out of date or was altered: open it again."))
            return
        changed = [n for n, v in current.items() if seen.get(n) not in (None, _hash(v))]
        if changed:
            fresh = self._snapshot.fresh()
            self.conflict = Conflict(fresh, changed)
            self.add_error(None, self.conflict.message())
            data = self.data.copy()
            data[self.add_prefix(TOKEN_FIELD)] = stamp(fresh)
            self.data = data
