"""Who may see what: the one place every view, export, API and admin page asks.

Scope by access level (issue 6): a worker sees their own caseload and the unit's
non-case activities; a supervisor their unit; a project coordinator their unit's
records (funded-project units); an organisation administrator users and settings,
not case records; an auditor the organisation's figures and de-identified exports,
read-only, but no page that names a person. A login without an Access row and
without being a superuser sees nothing.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from tongxing.activities.models import Activity
from tongxing.cases.models import Case
from tongxing.organisations.models import Unit
from tongxing.people.models import Person

from .models import Access, Level

CASE_READERS = {Level.WORKER, Level.SUPERVISOR, Level.COORDINATOR}


def access_of(user) -> Access | None:
    if not user.is_authenticated:
        return None
    try:
        return user.access
    except Access.DoesNotExist:
        return None


def level_of(user) -> str | None:
    if user.is_authenticated and user.is_superuser:
        return Level.SUPERVISOR
    access = access_of(user)
    return access.level if access else None


def units_for(user) -> QuerySet[Unit]:
    """Units whose reports and settings the user may see."""
    if not user.is_authenticated:
        return Unit.objects.none()
    if user.is_superuser:
        return Unit.objects.all()
    access = access_of(user)
    if access is None:
        return Unit.objects.none()
    if access.unit_id is None:
        return Unit.objects.filter(organisation=access.organisation)
    return Unit.objects.filter(pk=access.unit_id)


def _case_units(user):
    access = access_of(user)
    if user.is_superuser:
        return Unit.objects.all()
    if access is None or access.level not in CASE_READERS:
        return Unit.objects.none()
    return units_for(user)


def cases_for(user) -> QuerySet[Case]:
    """Case files the user may open: a worker's own caseload; a supervisor's, coordinator's or auditor's scope."""
    qs = Case.objects.filter(unit__in=_case_units(user))
    if level_of(user) == Level.WORKER:
        qs = qs.filter(worker__user=user)
    return qs


def people_for(user) -> QuerySet[Person]:
    """People the user may look up: in a worker's caseload (clients and members), or in the scope's units."""
    qs = Person.objects.filter(unit__in=_case_units(user))
    if level_of(user) == Level.WORKER:
        mine = cases_for(user)
        qs = qs.filter(Q(cases_as_client__in=mine) | Q(cases_as_member__in=mine) | Q(
            cases_as_client__isnull=True, cases_as_member__isnull=True)).distinct()
    return qs


def activities_for(user) -> QuerySet[Activity]:
    """Activities: a worker's own cases' and the unit's non-case activities; otherwise the scope's units."""
    qs = Activity.objects.filter(unit__in=_case_units(user))
    if level_of(user) == Level.WORKER:
        qs = qs.filter(Q(case__isnull=True) | Q(case__in=cases_for(user)))
    return qs


def can_write(user) -> bool:
    """Auditors read; organisation administrators manage users, not records."""
    return user.is_superuser or level_of(user) in {Level.WORKER, Level.SUPERVISOR, Level.COORDINATOR}


def can_manage(user) -> bool:
    """Supervisors and project coordinators set what is measured: instruments, targets, figures entered by hand."""
    return user.is_superuser or level_of(user) in {Level.SUPERVISOR, Level.COORDINATOR}


def can_reset_second_factor(user, target) -> bool:
    """Who may clear another login's lost authenticator: a superuser anyone's; an organisation administrator
    their organisation's logins; a supervisor their unit's workers and coordinators. Never one's own (that
    would let a stolen password replace the second factor), never a superuser's but by a superuser."""
    if not user.is_authenticated or user.pk == target.pk:
        return False
    if user.is_superuser:
        return True
    mine, theirs = access_of(user), access_of(target)
    if mine is None or theirs is None or target.is_superuser:
        return False
    if mine.level == Level.ORG_ADMIN:
        return theirs.organisation_id == mine.organisation_id
    if mine.level == Level.SUPERVISOR:
        return theirs.unit_id == mine.unit_id and theirs.level in {Level.WORKER, Level.COORDINATOR}
    return False


SETTERS_UP = {Level.SUPERVISOR, Level.COORDINATOR, Level.ORG_ADMIN}


def can_set_up(user) -> bool:
    """Supervisors, project coordinators and organisation administrators set their units up: agreed levels,
    projects and their indicators, KPIs, institutions, opening hours (in the product's pages, not the admin)."""
    return user.is_superuser or level_of(user) in SETTERS_UP


def levels_granted_by(user) -> list[str]:
    """Access levels a user may give (and logins at those levels they may change): an administrator any; a
    supervisor their unit's workers and coordinators, as for second-factor resets (never a fellow supervisor)."""
    if user.is_superuser or level_of(user) == Level.ORG_ADMIN:
        return list(Level)
    if level_of(user) == Level.SUPERVISOR:
        return [Level.WORKER, Level.COORDINATOR]
    return []
