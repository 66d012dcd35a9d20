"""Optimistic concurrency for edit forms: a save from a page opened before someone else's save is refused.

An edit form carries a signed token: when the page was opened and a short hash of each field's stored
value. Saving compares those hashes with the record as stored now; if another person saved meanwhile the
form is refused (nothing written), the user's entries are kept in it, and the message names the fields
that changed, their stored values, who saved them and when (from the audit trail). The token is then
renewed, so saving again, after checking, deliberately replaces the other change.

Use: `class PersonForm(EditGuard, forms.ModelForm)`; a plain Form passes `guard=(record, field names)`.
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


def _stored(record, name):
    field = record._meta.get_field(name)
    if field.many_to_many:
        return sorted(o.pk for o in getattr(record, name).all()) if record.pk else []
    return field.value_from_object(record)


def _hash(value) -> str:
    return hashlib.sha256(json.dumps(value, default=str, sort_keys=True).encode()).hexdigest()[:12]


def stamp(record, names) -> str:
    return signing.dumps({"t": timezone.now().isoformat(), "h": {n: _hash(_stored(record, n)) for n in names}},
                         salt=SALT, compress=True)


def _shown(record, name):
    """A stored value as the user reads it: the choice's label, the related record's name, a local date."""
    field = record._meta.get_field(name)
    if field.many_to_many:
        return ", ".join(str(o) for o in getattr(record, name).all()) or "—"
    value = getattr(record, name)
    if value is None or value == "":
        return "—"
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, dt.date | dt.datetime):
        return formats.localize(timezone.localtime(value) if isinstance(value, dt.datetime) else value)
    return str(value)


class Conflict:
    """Someone else's save since the page was opened: which fields, their values now, by whom, when."""

    def __init__(self, record, names, opened_at):
        from tongxing.audit.models import Action, Event

        self.fields = [(str(record._meta.get_field(n).verbose_name), _shown(record, n)) for n in names]
        event = (Event.objects.filter(object_type=record._meta.label_lower, object_id=str(record.pk),
                                      action__in=[Action.CHANGE, Action.CREATE, Action.IMPORT])
                 .order_by("-pk").first())
        if event is None:  # changes made outside the application's services
            event = (Event.objects.filter(action__in=[Action.CHANGE, Action.IMPORT], at__gte=opened_at)
                     .filter(object_type=record._meta.label_lower).order_by("-pk").first())
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

    def __init__(self, *args, guard=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.conflict = None
        if guard is not None:
            self._record, names = guard
        else:
            self._record, names = getattr(self, "instance", None), self.guarded
        if self._record is None or self._record.pk is None:
            self._names = []
            return
        model_fields = {f.name for f in self._record._meta.get_fields() if isinstance(f, models.Field)}
        self._names = [n for n in (names or self.fields) if n in model_fields]
        self.fields[TOKEN_FIELD] = forms.CharField(widget=forms.HiddenInput, required=False)
        self.initial[TOKEN_FIELD] = stamp(self._record, self._names)

    def full_clean(self):
        # The record as stored now, read before a ModelForm copies the entries onto its instance.
        current = {n: _hash(_stored(self._record, n)) for n in self._names} if self._names and self.is_bound else None
        super().full_clean()
        if current is None:
            return
        sent = self.data.get(self.add_prefix(TOKEN_FIELD))
        if not sent:
            return  # not from one of our pages (a script or an older page): nothing to compare with
        try:
            token = signing.loads(sent, salt=SALT)
            opened, seen = dt.datetime.fromisoformat(token["t"]), token["h"]
        except (signing.BadSignature, KeyError, TypeError, ValueError):
            self.add_error(None, _("This page is out of date or was altered: open it again."))
            return
        changed = [n for n in self._names if seen.get(n) not in (None, current[n])]
        if changed:
            self.conflict = Conflict(self._stored_record(), changed, opened)
            self.add_error(None, self.conflict.message())
            data = self.data.copy()
            data[self.add_prefix(TOKEN_FIELD)] = stamp(self._stored_record(), self._names)
            self.data = data

    def _stored_record(self):
        return type(self._record)._default_manager.get(pk=self._record.pk)
