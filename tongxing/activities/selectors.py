"""Reads for the activity pages: every queryset starts from the user's scope (tongxing.accounts.scope)."""

from __future__ import annotations

from django.db.models import (
    BooleanField,
    CharField,
    Count,
    ExpressionWrapper,
    F,
    Func,
    Prefetch,
    Q,
    QuerySet,
    Sum,
)

from tongxing.accounts.scope import (
    CASE_READERS,
    activities_for,
    assessments_for,
    level_of,
    nursing_records_for,
    people_for,
    units_for,
)
from tongxing.cases.models import Referral, ReferralStatus
from tongxing.lib.sql import InList
from tongxing.organisations.models import Role, Staff, Unit
from tongxing.people.models import Person
from tongxing.standards.engine import Period
from tongxing.standards.fsa import Scope, evening_outreach_sessions

from .models import Activity, ActivityKind, ActivityStaff, Attendance, Group, MedicalAssessment, NursingRecord

OPEN_REFERRAL = (ReferralStatus.SENT, ReferralStatus.ACCEPTED)


def record_units(user) -> QuerySet[Unit]:
    """Units whose service records (groups, sessions) the user may see: not organisation administrators'."""
    if user.is_superuser or level_of(user) in CASE_READERS:
        return units_for(user)
    return Unit.objects.none()


def groups_for(user) -> QuerySet[Group]:
    return Group.objects.filter(unit__in=record_units(user))


def nursing_of(user, person, limit=10) -> list[NursingRecord]:
    """A person's latest nursing records the user may read, with their staff and urine panel."""
    return list(nursing_records_for(user).filter(activity__attendance__person=person)
                .select_related("activity").prefetch_related("urine", Prefetch("activity__staff",
                                                                                 queryset=Staff.objects.order_by("name")))
                .order_by("-activity__start", "-pk")[:limit])


def assessments_of(user, person, limit=10) -> list[MedicalAssessment]:
    """A person's latest medical assessments the user may read (scope.assessments_for), with their assessor."""
    return list(assessments_for(user).filter(person=person).select_related("by").order_by("-date", "-pk")[:limit])


def referrals_for(user) -> QuerySet[Referral]:
    return Referral.objects.filter(person__in=people_for(user))


def default_unit(user, code: str | None = None) -> Unit | None:
    """The unit a new record goes to: the one asked for, else the user's own staff unit, else the first in scope."""
    units = record_units(user).order_by("code")
    if code:
        return units.filter(code=code).first()
    staff = Staff.objects.filter(user=user, unit__in=units).select_related("unit").first()
    return staff.unit if staff else units.first()


def unit_staff(unit) -> QuerySet[Staff]:
    return Staff.objects.filter(unit=unit).prefetch_related("roles").order_by("name")


def with_evening(qs: QuerySet[Activity]) -> QuerySet[Activity]:
    """Annotate `evening`: an outreach session starting in the evening by OS1(a)'s own rule in fsa.py."""
    rule = evening_outreach_sessions(Scope(unit=None, period=Period.financial_year(2000)))
    starts_in_evening = rule.checks[-1].passes
    return qs.annotate(
        evening=ExpressionWrapper(Q(kind=ActivityKind.OUTREACH) & starts_in_evening, output_field=BooleanField()))


def _named(viewer, keys: QuerySet | None) -> tuple[QuerySet[Person], QuerySet[Staff]]:
    """The people (only those the viewer may see) and the staff a row names, by name. `keys` (the rows' keys, for
    one page): the people and staff on them are one list each, built once, each then a lookup by key; joined to the
    page instead, PostgreSQL hashed every person of a national unit (5,000) and every staff member of the
    organisation to name the ~50 on a page."""
    people, staff = people_for(viewer), Staff.objects.all()
    if keys is not None:
        people = people.filter(InList(F("pk"), Attendance.objects.filter(InList(F("activity"), keys)).values("person")))
        staff = staff.filter(InList(F("pk"), ActivityStaff.objects.filter(InList(F("activity"), keys)).values("staff")))
    return people.order_by("name"), staff.order_by("name")


def activity_rows(qs: QuerySet[Activity], viewer) -> QuerySet[Activity]:
    """What a list row shows, in a fixed number of queries however many rows. Of the people served, only those
    the viewer may see are named: a worker sees the unit's outreach, but not a colleague's client met on it."""
    people, staff = _named(viewer, None)
    return qs.select_related("unit", "case", "group", "school", "workplace", "project").prefetch_related(
        Prefetch("staff", queryset=staff), Prefetch("people", queryset=people),
    ).order_by("-start", "-pk")


def shown_rows(page: QuerySet[Activity], viewer) -> QuerySet[Activity]:
    """One page of the list (`page`: the filtered activities, ordered and sliced) as the list's rows show it, with
    `evening`: the rule's expression is computed for the rows shown, not for every activity the filter matches
    before the sort picks the page. The people the viewer may see and the staff are lists on each row
    (`people_shown`, `staff_shown`): prefetched into the related managers instead, Django built a filtered
    queryset per row and relation (100 a page) only to hold them, a third of the rows' CPU."""
    keys = page.values("pk")
    people, staff = _named(viewer, keys)
    return with_evening(Activity.objects.filter(InList(F("pk"), keys))).select_related(
        "case", "group", "school", "workplace").prefetch_related(
        Prefetch("staff", queryset=staff.only("name", "peer_type"), to_attr="staff_shown"),
        Prefetch("people", queryset=people.only("name", "external_id"), to_attr="people_shown"),
    ).order_by("-start", "-pk")


def filtered_activities(user, data: dict) -> QuerySet[Activity]:
    """The user's activities narrowed by the list filter's cleaned data."""
    qs = activities_for(user)
    if data.get("kind"):
        qs = qs.filter(kind=data["kind"])
    if data.get("date_from"):
        qs = qs.filter(date__gte=data["date_from"])
    if data.get("date_to"):
        qs = qs.filter(date__lte=data["date_to"])
    if data.get("staff"):
        qs = qs.filter(staffing__staff=data["staff"])
    if data.get("q"):
        q = data["q"]
        qs = qs.filter(Q(place__icontains=q) | Q(note__icontains=q) | Q(case__external_id=q)
                       | Q(group__title__icontains=q))
    if data.get("mine"):
        qs = qs.filter(staffing__staff__user=user)
    return qs


class YearMonth(Func):
    """A date's 'YYYY-MM' in the database's own SQL (on SQLite, TruncMonth calls back into Python for every row)."""

    template = "to_char(%(expressions)s, 'YYYY-MM')"
    output_field = CharField()

    def as_sqlite(self, compiler, connection, **extra):
        return super().as_sql(compiler, connection, template="substr(%(expressions)s, 1, 7)", **extra)


def chart_year(data: dict, today) -> Period:
    """The financial year the activity list's month chart covers: the one its date filter falls in (the start,
    else the end), else the current one. A chart of every year read five years of a unit's activities per page."""
    day = data.get("date_from") or data.get("date_to") or today
    return Period.financial_year(day.year if day.month >= 4 else day.year - 1)


def per_month(qs: QuerySet[Activity], year: Period) -> list[dict]:
    """Activities per calendar month of the financial year `year` (one grouped query), oldest first."""
    rows = (qs.filter(year.dates("date")).order_by().annotate(month=YearMonth("date")).values("month")
            .annotate(n=Count("*")).order_by("month"))
    return [{"month": r["month"], "n": r["n"]} for r in rows]


def homemaker_hours(qs: QuerySet[Activity]) -> list[dict]:
    """Direct service hours per home-maker over the activities shown (OS17 sums them per home-maker)."""
    rows = (ActivityStaff.objects.filter(activity__in=qs.values("pk"), staff__roles__role=Role.HOMEMAKER)
            .values("staff__name").annotate(minutes=Sum("activity__minutes")).order_by("staff__name"))
    return [{"name": r["staff__name"], "hours": round(r["minutes"] / 60, 2)} for r in rows]


def group_members(session: Activity, visible: QuerySet[Person]) -> QuerySet[Person]:
    """The sheet's rows: who came to an earlier session of the group, their cases' members, and who is
    already marked at this session; limited to the people the user may see."""
    earlier = Attendance.objects.filter(activity__group=session.group, activity__start__lt=session.start)
    pks = (Q(pk__in=earlier.values("person"))
           | Q(pk__in=Person.objects.filter(cases_as_member__client__in=earlier.values("person")).values("pk"))
           | Q(pk__in=Attendance.objects.filter(activity=session).values("person")))
    return visible.filter(pks, unit=session.unit_id, merged_into__isnull=True).order_by("name", "pk")


def search_people(user, unit, text: str, limit: int = 10) -> list[Person]:
    """Find a person to add by name, English name, phone or id (walk-ins, people served)."""
    text = text.strip()
    if not text:
        return []
    return list(people_for(user).filter(
        Q(name__icontains=text) | Q(name_en__icontains=text) | Q(phone__icontains=text) | Q(external_id=text),
        unit=unit, merged_into__isnull=True).order_by("name", "pk")[:limit])


def filtered_referrals(user, data: dict) -> QuerySet[Referral]:
    qs = referrals_for(user)
    if data.get("direction"):
        qs = qs.filter(direction=data["direction"])
    if data.get("status"):
        qs = qs.filter(status=data["status"])
    if data.get("category"):
        qs = qs.filter(category=data["category"])
    if data.get("outstanding"):
        qs = qs.filter(status__in=OPEN_REFERRAL)
    if data.get("date_from"):
        qs = qs.filter(date__gte=data["date_from"])
    if data.get("date_to"):
        qs = qs.filter(date__lte=data["date_to"])
    return qs.select_related("person", "case", "unit").order_by("date" if data.get("outstanding") else "-date", "pk")
