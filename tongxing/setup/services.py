"""Set-up writes: each change with its audit row in the same transaction."""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction
from django.forms.models import model_to_dict

from tongxing.audit.models import Action
from tongxing.audit.services import diff, record
from tongxing.standards.models import AgreedLevel


def _snapshot(instance, names) -> dict:
    if instance is None or instance.pk is None:
        return {}
    data = model_to_dict(instance, fields=names)
    return {k: ([getattr(o, "pk", o) for o in v] if isinstance(v, list | tuple) else str(v) if v is not None else None)
            for k, v in data.items()}


def save_model_form(user, form, *, unit, request=None, prepare=None):
    """Save a set-up form's instance (and its many-to-many fields), audited as a create or a change."""
    instance = form.instance
    creating = instance.pk is None
    names = list(form.fields)
    before = {} if creating else _snapshot(type(instance).objects.get(pk=instance.pk), names)
    with transaction.atomic():
        obj = form.save(commit=False)
        if prepare:
            prepare(obj)
        obj.save()
        form.save_m2m()
        after = _snapshot(obj, names)
        record(Action.CREATE if creating else Action.CHANGE, user=user, obj=obj, unit_code=unit.code,
               summary=f"{obj._meta.verbose_name}: {obj}", changes=diff(before, after), request=request)
    return obj


@transaction.atomic
def set_agreed_levels(user, unit, fy: int, values: dict[str, Decimal | None], request=None) -> dict:
    """Store one year's agreed levels (None clears a standard); returns {standard: [old, new]} for the changes."""
    stored = {a.standard: a for a in AgreedLevel.objects.filter(unit=unit, fy=fy)}
    changes = {}
    for code, value in values.items():
        old = stored.get(code)
        old_value = old.value if old else None
        if value is None:
            if old is not None:
                old.delete()
                changes[code] = [str(old_value), None]
        elif old_value is None or Decimal(old_value) != value:
            if old is None:
                AgreedLevel.objects.create(unit=unit, fy=fy, standard=code, value=value)
            else:
                old.value = value
                old.save(update_fields=["value"])
            changes[code] = [str(old_value) if old_value is not None else None, str(value)]
    if changes:
        record(Action.CHANGE, user=user, object_type="standards.agreedlevel", object_id=f"{unit.code}/{fy}",
               unit_code=unit.code, summary=f"agreed levels FY{fy}: {', '.join(changes)}"[:300], changes=changes,
               request=request)
    return changes


def _user_state(user, access, staff) -> dict:
    return {"name": user.first_name, "active": user.is_active, "level": access.level if access else None,
            "unit": access.unit.code if access and access.unit_id else None,
            "roles": sorted(staff.roles.values_list("role", flat=True)) if staff else []}


@transaction.atomic
def save_user(by, unit, *, username, name, level, roles, password, active=True, user=None, request=None):
    """Create or change a colleague's login, access level and professional roles, audited."""
    from django.contrib.auth import get_user_model

    from tongxing.accounts.models import Access, Level
    from tongxing.organisations.models import Staff, StaffRole

    creating = user is None
    if creating:
        user = get_user_model().objects.create_user(username=username)
    access = Access.objects.filter(user=user).select_related("unit").first()
    staff = Staff.objects.filter(user=user).first()
    before = {} if creating else _user_state(user, access, staff)
    user.first_name, user.is_active = name, active
    if password:
        user.set_password(password)
    user.save()
    organisation_wide = level in (Level.ORG_ADMIN, Level.AUDITOR)
    Access.objects.update_or_create(user=user, defaults={
        "level": level, "organisation": unit.organisation, "unit": None if organisation_wide else unit})
    if staff is None and (roles or not organisation_wide):
        staff = Staff.objects.create(unit=unit, external_id=f"user-{username}", name=name, user=user)
    if staff is not None:
        staff.name = name
        staff.save(update_fields=["name"])
        staff.roles.exclude(role__in=roles).delete()
        for role in roles:
            StaffRole.objects.get_or_create(staff=staff, role=role)
    access = Access.objects.select_related("unit").get(user=user)
    after = _user_state(user, access, staff)
    changes = diff(before, after)
    if password and not creating:
        changes["password"] = ["…", "(changed)"]
    record(Action.CREATE if creating else Action.CHANGE, user=by, object_type="auth.user", object_id=user.pk,
           unit_code=unit.code, summary=f"user {user.username}", changes=changes, request=request)
    return user


@transaction.atomic
def save_unit(by, form, request=None):
    """The unit's name, time zone, approval setting and opening hours, audited together."""
    from tongxing.organisations.models import OpeningHours

    unit = form.instance
    before_unit = type(unit).objects.get(pk=unit.pk)
    before = {"name": before_unit.name, "timezone": before_unit.timezone,
              "approval_required": before_unit.approval_required,
              **{f"hours_{h.weekday}": f"{h.opens:%H:%M}-{h.closes:%H:%M}" for h in unit.opening_hours.all()}}
    unit = form.save()
    OpeningHours.objects.filter(unit=unit).delete()
    OpeningHours.objects.bulk_create([OpeningHours(unit=unit, weekday=day, opens=opens, closes=closes)
                                      for day, (opens, closes) in form.hours().items()])
    after = {"name": unit.name, "timezone": unit.timezone, "approval_required": unit.approval_required,
             **{f"hours_{day}": f"{o:%H:%M}-{c:%H:%M}" for day, (o, c) in form.hours().items()}}
    record(Action.CHANGE, user=by, obj=unit, unit_code=unit.code, summary=f"unit {unit.code} set-up",
           changes=diff(before, after), request=request)
    return unit
