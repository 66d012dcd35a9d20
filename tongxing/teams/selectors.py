"""Reading case teams, grants and break-the-glass openings for the pages that show them."""

from __future__ import annotations

from django.db.models import QuerySet

from tongxing.accounts.scope import break_glass_openings_for

from .models import BreakGlass, MedicalAccess, TeamMember


def team_of(case) -> QuerySet[TeamMember]:
    return TeamMember.objects.filter(case=case).select_related("staff").order_by("role", "staff__name")


def break_glass_log(user) -> QuerySet[BreakGlass]:
    """Openings in the units the user supervises, newest first, with who opened whom."""
    return (break_glass_openings_for(user)
            .select_related("user", "person", "reviewed_by", "unit").order_by("-at", "-pk"))


def medical_grants(unit) -> QuerySet[MedicalAccess]:
    return (MedicalAccess.objects.filter(unit=unit, revoked_on__isnull=True)
            .select_related("staff", "granted_by").order_by("staff__name"))


def supervisor_notices(user) -> dict:
    """What waits for a supervisor on the home page: break-the-glass openings not yet reviewed."""
    return {"glass_unreviewed": break_glass_log(user).filter(reviewed_at__isnull=True)[:10]}
