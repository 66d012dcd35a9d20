"""Writing case teams, medical access and break-the-glass openings; each writes its audit event in the same
transaction."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tongxing.audit.models import Action
from tongxing.audit.services import record
from tongxing.organisations.models import Role

from .models import BreakGlass, MedicalAccess, TeamMember

MEDICAL_STAFF_ROLES = (Role.NURSE, Role.DOCTOR)


@transaction.atomic
def add_team_member(case, *, staff, role, user, request=None) -> TeamMember:
    if staff.unit_id != case.unit_id:
        raise ValidationError(_("Only staff of the case's unit can join its team."))
    if case.worker_id == staff.pk:
        raise ValidationError(_("This is the case's worker already."))
    member, created = TeamMember.objects.update_or_create(
        case=case, staff=staff, defaults={"role": role},
        create_defaults={"role": role, "added_on": timezone.localdate(), "added_by": user})
    record(Action.CHANGE, user=user, obj=case, summary=f"team member {'added' if created else 'changed'}: "
           f"staff {staff.pk}", changes={"team_member": staff.pk, "role": role}, request=request)
    return member


@transaction.atomic
def remove_team_member(case, *, staff, user, request=None):
    TeamMember.objects.filter(case=case, staff=staff).delete()
    record(Action.CHANGE, user=user, obj=case, summary=f"team member removed: staff {staff.pk}",
           changes={"team_member": staff.pk}, request=request)


@transaction.atomic
def grant_medical_access(*, staff, unit, user, request=None) -> MedicalAccess:
    if staff.unit_id != unit.pk:
        raise ValidationError(_("Only staff of this unit can be given its medical access."))
    if not staff.roles.filter(role__in=MEDICAL_STAFF_ROLES).exists():
        raise ValidationError(_("Medical access is for nurses and doctors."))
    if staff.user_id is None:
        raise ValidationError(_("This staff member has no login account."))
    current = MedicalAccess.objects.filter(staff=staff, unit=unit, revoked_on__isnull=True).first()
    if current:
        return current
    grant = MedicalAccess.objects.create(staff=staff, unit=unit, granted_by=user, granted_on=timezone.localdate())
    record(Action.CREATE, user=user, obj=grant, unit_code=unit.code, summary=f"medical access granted: staff {staff.pk}",
           request=request)
    return grant


@transaction.atomic
def revoke_medical_access(grant: MedicalAccess, *, user, request=None):
    grant.revoked_on = timezone.localdate()
    grant.save(update_fields=["revoked_on"])
    record(Action.CHANGE, user=user, obj=grant, unit_code=grant.unit.code,
           summary=f"medical access revoked: staff {grant.staff_id}", request=request)


@transaction.atomic
def break_glass(*, person, reason: str, user, hours: int, request=None) -> BreakGlass:
    reason = (reason or "").strip()
    if len(reason) < 10:
        raise ValidationError(_("Say why you need to open this record (at least 10 characters)."))
    now = timezone.now()
    opening = BreakGlass.objects.create(user=user, person=person, unit=person.unit, reason=reason, at=now,
                                        until=now + dt.timedelta(hours=hours))
    record(Action.VIEW, user=user, obj=opening, unit_code=person.unit.code,
           summary=f"break the glass: person {person.pk}: {reason}"[:300], request=request)
    return opening


@transaction.atomic
def review_break_glass(opening: BreakGlass, *, user, request=None):
    opening.reviewed_by, opening.reviewed_at = user, timezone.now()
    opening.save(update_fields=["reviewed_by", "reviewed_at"])
    record(Action.CHANGE, user=user, obj=opening, unit_code=opening.unit.code,
           summary=f"break the glass reviewed: person {opening.person_id}", request=request)
