"""Who may see what: the one place every view, export, API and admin page asks.

Scope by access level (issue 6): a worker sees their own caseload and the unit's
non-case activities; a supervisor their unit (or units: `Access.more_units`); a project coordinator their unit's
records (funded-project units); an organisation administrator users and settings,
not case records; an auditor the organisation's figures and de-identified exports,
read-only, but no page that names a person. A login without an Access row and
without being a superuser sees nothing.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.utils import timezone

from tongxing.activities.models import Activity, ActivityKind, Group, MedicalAssessment, NursingRecord
from tongxing.appointments.models import Appointment
from tongxing.attachments.models import Attachment
from tongxing.cases.models import Approval, Case, Referral
from tongxing.lib.sql import InList
from tongxing.organisations.models import Unit
from tongxing.people.models import Person
from tongxing.teams.models import BreakGlass, MedicalAccess, TeamMember

from .devices import confirmed_device_exists
from .models import Access, Level

CASE_READERS = {Level.WORKER, Level.SUPERVISOR, Level.COORDINATOR}
# The work a nurse's or doctor's medical access covers.
MEDICAL_KINDS = (ActivityKind.NURSING, ActivityKind.CONSULTATION)
BREAK_GLASS_HOURS = 8


def access_of(user) -> Access | None:
    """The login's Access, read once per user object (as `user.access` would), with the two facts `_sole_unit`
    needs to name the one unit of its scope without a query: `has_more_units` and `unit_organisation`; and
    `paired_second_factor`, whether the login had a confirmed authenticator or recovery codes when the row was read
    (what SecondFactorMiddleware asks of every page, in this query rather than one query per kind of device)."""
    if not user.is_authenticated:
        return None
    cache = Access.user.field.remote_field  # where `user.access` keeps the row it read
    if not cache.is_cached(user):
        access = Access.objects.annotate(**_access_facts("", "user")).filter(user=user).first()
        cache.set_cached_value(user, access)
        if access is not None:
            cache.field.set_cached_value(access, user)
    try:
        return user.access
    except Access.DoesNotExist:
        return None


def _access_facts(to_access: str, to_user: str) -> dict:
    """`access_of`'s three facts as annotations, for a query on Access (`to_access` "", `to_user` "user") or on
    users (`to_access` "access__", `to_user` "pk")."""
    return {"has_more_units": Exists(Access.more_units.through.objects.filter(access=OuterRef(f"{to_access}pk"))),
            "unit_organisation": F(f"{to_access}unit__organisation"),
            "paired_second_factor": confirmed_device_exists(OuterRef(to_user))}


def user_with_access(user_id):
    """The user, read with their Access row and `access_of`'s facts in the same query (the signed-in user, whom
    every page asks for both); None if there is none."""
    facts = _access_facts("access__", "pk")
    user = (get_user_model()._default_manager.filter(pk=user_id).select_related("access")
            .annotate(**{f"access_{name}": fact for name, fact in facts.items()}).first())
    if user is None:
        return None
    try:
        access = user.access
    except Access.DoesNotExist:
        return user
    for name in facts:
        setattr(access, name, getattr(user, f"access_{name}"))
    return user


def _sole_unit(access: Access | None) -> int | None:
    """The unit id when the access names exactly one unit, from the Access row alone (no query); else None and the
    scope is asked of the database. A supervisor names one unit when they have no further units and their own is
    in their organisation; an Access read without those facts (not through `access_of`) counts as unknown."""
    if access is None or access.unit_id is None:
        return None
    if access.level != Level.SUPERVISOR:
        return access.unit_id
    if getattr(access, "has_more_units", True) or getattr(access, "unit_organisation", None) != access.organisation_id:
        return None
    return access.unit_id


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
    sole = _sole_unit(access)
    if sole is not None:
        return Unit.objects.filter(pk=sole)
    if access.level == Level.SUPERVISOR:
        # A supervisor of several units: their own and the further ones, never outside their organisation.
        return Unit.objects.filter(Q(pk=access.unit_id) | Q(pk__in=access.more_units.values("pk")),
                                   organisation=access.organisation_id)
    return Unit.objects.filter(pk=access.unit_id)


def _case_units(user):
    access = access_of(user)
    if user.is_superuser:
        return Unit.objects.all()
    if access is None or access.level not in CASE_READERS:
        return Unit.objects.none()
    return units_for(user)


def medical_units(user) -> QuerySet[Unit]:
    """Units whose clients a nurse or doctor reaches for medical work through a supervisor's current grant."""
    if not user.is_authenticated:
        return Unit.objects.none()
    return _case_units(user).filter(pk__in=MedicalAccess.objects.filter(
        staff__user=user, revoked_on__isnull=True).values("unit"))


def broken_glass(user) -> QuerySet[BreakGlass]:
    """The user's break-the-glass openings still running, in units the user works in."""
    if not user.is_authenticated:
        return BreakGlass.objects.none()
    return BreakGlass.objects.filter(_in_units(user), user=user, until__gt=timezone.now())


def _in_units(user) -> Q:
    """The record's unit is one of the user's case units. One unit is stated as an equality, so the planner knows
    the unit (its share of rows, an index led by unit for a sort). Several, as a list built once: as a join,
    PostgreSQL hashes the units and reads every unit's records (1.5 million activities at national scale) to keep
    the user's."""
    access = access_of(user)
    sole = _sole_unit(access) if not user.is_superuser and access and access.level in CASE_READERS else None
    if sole is not None:
        return Q(unit=sole)
    return Q(InList(F("unit"), _case_units(user).values("pk")))


def cases_for(user) -> QuerySet[Case]:
    """Case files the user may open: a worker's own caseload, the cases whose team they are on and the cases of
    a client they broke the glass for; a supervisor's, coordinator's or auditor's scope."""
    qs = Case.objects.filter(_in_units(user))
    if level_of(user) == Level.WORKER:
        qs = qs.filter(Q(worker__user=user)
                       | Q(pk__in=TeamMember.objects.filter(staff__user=user).values("case"))
                       | Q(client__in=broken_glass(user).values("person")))
    return qs


def people_for(user) -> QuerySet[Person]:
    """People the user may look up: in a worker's caseload (clients and members), or in the scope's units."""
    qs = Person.objects.filter(_in_units(user))
    if level_of(user) == Level.WORKER:
        mine = cases_for(user)
        qs = qs.filter(Q(cases_as_client__in=mine) | Q(cases_as_member__in=mine) | Q(
            cases_as_client__isnull=True, cases_as_member__isnull=True)
            | Q(unit__in=medical_units(user)) | Q(pk__in=broken_glass(user).values("person"))).distinct()
    return qs


def break_glass_candidates(user) -> QuerySet[Person]:
    """People of the worker's unit outside their scope, whom they may open by giving a reason."""
    if not can_write(user) or level_of(user) != Level.WORKER:
        return Person.objects.none()
    return (Person.objects.filter(_in_units(user), merged_into__isnull=True)
            .exclude(pk__in=people_for(user).values("pk")))


def may_break_glass(user, person: Person) -> bool:
    """A worker may open a client of their own unit outside their scope, by giving a reason (audited)."""
    return (can_write(user) and level_of(user) == Level.WORKER and person.merged_into_id is None
            and _case_units(user).filter(pk=person.unit_id).exists()
            and not people_for(user).filter(pk=person.pk).exists())


def attendance_people_for(user, group: Group) -> QuerySet[Person]:
    """People on a group's attendance sheet: those the user may see, and, for the group's facilitators (staff of
    any of its sessions), every member of the group by name (not their case)."""
    visible = people_for(user)
    if level_of(user) != Level.WORKER:
        return visible
    facilitates = Activity.objects.filter(group=group, staffing__staff__user=user).exists()
    if not facilitates:
        return visible
    members = Person.objects.filter(unit_id=group.unit_id, attendance__activity__group=group)
    return Person.objects.filter(Q(pk__in=visible.values("pk")) | Q(pk__in=members.values("pk")))


# Who gets the organisation's year at a glance: those answerable for several units' figures.
OVERVIEW_READERS = {Level.SUPERVISOR, Level.AUDITOR}


def may_see_overview(user) -> bool:
    """Who gets the organisation-wide page (every unit's year at a glance): supervisors and auditors. Figures
    only, no names; a worker, coordinator or administrator gets no such page."""
    return user.is_authenticated and (user.is_superuser or level_of(user) in OVERVIEW_READERS)


def overview_units(user) -> QuerySet[Unit]:
    """Units on the organisation-wide page: a supervisor's units, the auditor's organisation."""
    return units_for(user) if may_see_overview(user) else Unit.objects.none()


def may_see_risk_alerts(user) -> bool:
    """Whether counts of open risk alerts mean anything to the user: an auditor reaches no person, so no alert."""
    return user.is_superuser or level_of(user) in CASE_READERS


def can_supervise(user) -> bool:
    """A unit's supervisor: grants medical access, reviews break-the-glass openings."""
    return user.is_superuser or level_of(user) == Level.SUPERVISOR


def break_glass_openings_for(user) -> QuerySet[BreakGlass]:
    """Break-the-glass openings, each naming the person opened: for the supervisor who reviews them, in their
    units. An auditor or an organisation administrator is shown no one (issue 13)."""
    if not can_supervise(user):
        return BreakGlass.objects.none()
    return BreakGlass.objects.filter(unit__in=units_for(user))


def approvals_for(user) -> QuerySet[Approval]:
    """Approval requests a supervisor decides: those on cases of the units they supervise (issue 19). Nobody else
    sees the queue; a case's own requests show on its page to whoever may open the case."""
    if not can_supervise(user) or not can_write(user):
        return Approval.objects.none()
    return Approval.objects.filter(episode__case__unit__in=units_for(user))


def decides_approvals(user, unit: Unit) -> bool:
    """The unit's supervisor: their own case plans and closures need nobody's approval."""
    return can_supervise(user) and units_for(user).filter(pk=unit.pk).exists()


def needs_approval(user, unit: Unit) -> bool:
    """Whether a case plan or closure by `user` in `unit` waits for a supervisor's approval."""
    return unit.approval_required and not decides_approvals(user, unit)


def leads_case(user, case: Case, in_scope: bool = False) -> bool:
    """The case's worker, or a supervisor or coordinator over it: who sets the team, closes and reopens.
    `in_scope`: the caller read `case` through `cases_for(user)` in this request, so that is not asked again."""
    if not can_write(user) or not (in_scope or cases_for(user).filter(pk=case.pk).exists()):
        return False
    return level_of(user) != Level.WORKER or (case.worker_id is not None and case.worker.user_id == user.pk)


def activities_for(user) -> QuerySet[Activity]:
    """Activities: a worker's own cases' and the unit's non-case activities; otherwise the scope's units."""
    qs = Activity.objects.filter(_in_units(user))
    if level_of(user) == Level.WORKER:
        qs = qs.filter(Q(case__isnull=True) | Q(case__in=cases_for(user))
                       | Q(kind__in=MEDICAL_KINDS, unit__in=medical_units(user)))
    return qs


def appointments_for(user) -> QuerySet[Appointment]:
    """Appointments whose person the user may see: on a case the user may open, or with no case; a worker also sees
    their own appointments with people they reach otherwise (a nurse's with a client through medical access)."""
    qs = Appointment.objects.filter(_in_units(user))
    if level_of(user) == Level.WORKER:
        people = people_for(user).values("pk")
        qs = qs.filter(Q(case__in=cases_for(user)) | Q(case__isnull=True, person__in=people)
                       | Q(staff__user=user, person__in=people))
    return qs


def attachments_for(user, *, with_removed=False) -> QuerySet[Attachment]:
    """Files the user may download: a person's to whoever may look the person up, a referral's likewise, a case's
    only to whoever may open the case file (a nurse with medical access reaches the client, not the case's files).
    `with_removed`: the removed ones too, for listing who removed them and why (never for download)."""
    people = people_for(user)
    qs = Attachment.objects.filter(Q(person__in=people) | Q(case__in=cases_for(user)) | Q(referral__person__in=people))
    return qs if with_removed else qs.filter(removed_at__isnull=True)


def may_attach(user, record, in_scope: bool = False) -> bool:
    """Who may add a file to a person, case or referral: a writer who may open that record. `in_scope`: the caller
    read the case or person through `cases_for(user)` or `people_for(user)` in this request, so that is not asked
    again."""
    if not can_write(user):
        return False
    if isinstance(record, Case):
        return record.merged_into_id is None and (in_scope or cases_for(user).filter(pk=record.pk).exists())
    if isinstance(record, Referral):
        return people_for(user).filter(pk=record.person_id).exists()
    return in_scope or people_for(user).filter(pk=record.pk).exists()


def may_remove_attachment(user, attachment: Attachment) -> bool:
    """Of the files in `attachments_for(user)`: the one who attached a file, or a supervisor or coordinator over
    it, may remove it (the row stays, with who, when and why)."""
    return can_write(user) and (attachment.uploaded_by_id == user.pk or level_of(user) != Level.WORKER)


def nursing_records_for(user) -> QuerySet[NursingRecord]:
    """Vital signs, urine results and medication notes: a worker reads them for the nursing sessions they gave,
    in a unit they hold medical access to, or for the clients and members of cases they may open; a session
    outside any case is otherwise not enough (the unit's non-case work is open to every worker, its clinical
    detail is not). Supervisors and coordinators: their scope's nursing sessions."""
    qs = NursingRecord.objects.filter(activity__in=activities_for(user))
    if level_of(user) == Level.WORKER:
        mine = cases_for(user)
        caseload = Person.objects.filter(Q(cases_as_client__in=mine) | Q(cases_as_member__in=mine))
        qs = qs.filter(activity__in=Activity.objects.filter(
            Q(staffing__staff__user=user) | Q(unit__in=medical_units(user)) | Q(case__in=mine)
            | Q(attendance__person__in=caseload)).values("pk"))
    return qs


def assessments_for(user) -> QuerySet[MedicalAssessment]:
    """Medical assessments (health condition, drug-related needs, the plan) of the people the user may look up: a
    worker reads those they made, those in a unit they hold medical access to, and those of the clients and members
    of cases they may open; a person with no case is otherwise not enough (every worker of the unit may look such a
    person up, not their clinical detail), as for nursing records. Supervisors and coordinators: their scope's."""
    qs = MedicalAssessment.objects.filter(person__in=people_for(user))
    if level_of(user) == Level.WORKER:
        mine = cases_for(user)
        caseload = Person.objects.filter(Q(cases_as_client__in=mine) | Q(cases_as_member__in=mine))
        qs = qs.filter(Q(by__user=user) | Q(unit__in=medical_units(user)) | Q(person__in=caseload))
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
