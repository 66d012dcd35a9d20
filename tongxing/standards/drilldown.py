"""Drill-down: for one figure, the records counted and the close ones left out, with reasons."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from tongxing.accounts.scope import cases_for, people_for
from tongxing.activities.models import (
    Activity,
    ActivityStaff,
    Attendance,
    Feedback,
    MedicalAssessment,
    Training,
)
from tongxing.audit.models import Action
from tongxing.audit.services import record
from tongxing.cases.models import Collaboration, Episode, Referral
from tongxing.outcomes.models import Administration
from tongxing.people.models import Person

from . import fsa
from .engine import Proportion, Tally
from .fsa import OUTSIDE_RETURN, Scope
from .remembered import remembered
from .report import OUTCOME_RULES, OUTPUT_RULES

# What identifies a record of each kind on the drill-down list.
COLUMNS = {
    Activity: [("external_id", _("id")), ("kind", _("kind")), ("date", _("date")),
               ("start_time", _("start")), ("minutes", _("minutes")), ("group__title", _("group")),
               ("school__name", _("school")), ("project__title", _("Funded project"))],
    Attendance: [("activity__external_id", _("activity (short)")), ("activity__kind", _("kind")),
                 ("activity__date", _("date")), ("activity__minutes", _("minutes")),
                 ("person__external_id", _("person")), ("person__name", _("name"))],
    ActivityStaff: [("activity__external_id", _("activity (short)")), ("activity__kind", _("kind")),
                    ("activity__date", _("date")), ("activity__minutes", _("minutes")),
                    ("staff__name", _("staff"))],
    Person: [("external_id", _("id")), ("name", _("name")), ("identified_on", _("identified")),
             ("identification_channel", _("channel")), ("birth_date", _("born"))],
    Episode: [("case__external_id", _("case")), ("case__type", _("type")), ("opened", _("case opened")),
              ("closed", _("closing"))],
    Collaboration: [("case__external_id", _("case")), ("date", _("date")), ("kind", _("kind"))],
    MedicalAssessment: [("person__external_id", _("person")), ("date", _("date")), ("by__name", _("by")),
                        ("plan", _("plan"))],
    Feedback: [("activity__external_id", _("activity (short)")), ("activity__date", _("date")),
               ("person__external_id", _("person")), ("topic", _("topic")), ("positive", _("positive"))],
    Training: [("staff__name", _("staff")), ("date", _("date")), ("title", _("title")),
               ("paid", _("paid"))],
    Administration: [("person__external_id", _("person")), ("person__name", _("name")),
                     ("instrument__name", _("Questionnaire")), ("date", _("date")),
                     ("time_point", _("Time point")), ("total", _("Total score"))],
}


# The page of the record to open to fix a row: (URL name, the row's field holding its key).
LINKS = {
    Activity: ("activities:detail", "pk"), Attendance: ("activities:detail", "activity_id"),
    ActivityStaff: ("activities:detail", "activity_id"), Feedback: ("activities:detail", "activity_id"),
    Person: ("person-detail", "pk"), Episode: ("case-detail", "case_id"), Collaboration: ("case-detail", "case_id"),
    MedicalAssessment: ("person-detail", "person_id"), Referral: ("activities:referral", "pk"),
    Administration: ("person-detail", "person_id"),
}


def rule_for(code: str, scope: Scope) -> Tally | Proportion | None:
    if code in OUTPUT_RULES:
        rule = OUTPUT_RULES[code](scope)
    elif code in OUTCOME_RULES:
        rule = OUTCOME_RULES[code](scope)
    elif code == "OC4":
        rule = fsa.school_feedback(scope, fsa.served_schools(scope))
    elif code == "OC10":
        rule = fsa.paid_peer_trainings(scope)
    else:
        return None
    return fsa.in_annual_return(rule)


# The columns that identify a person (or a person's case file), shown only to viewers whose person scope
# (tongxing.accounts.scope) holds that person or case: (the row's key, "person" or "case", the columns masked).
# Quasi-identifiers go with the name: an id or birth date outside one's scope names the person as surely.
PERSONAL = {
    Attendance: ("person_id", "person", ("person__external_id", "person__name")),
    Person: ("pk", "person", ("external_id", "name", "birth_date")),
    MedicalAssessment: ("person_id", "person", ("person__external_id",)),
    Feedback: ("person_id", "person", ("person__external_id",)),
    Referral: ("person_id", "person", ("person__external_id", "person__name")),
    Administration: ("person_id", "person", ("person__external_id", "person__name")),
    Episode: ("case_id", "case", ("case__external_id",)),
    Collaboration: ("case_id", "case", ("case__external_id",)),
}


def drilldown(code: str, scope: Scope, viewer, limit=2000, page=None) -> dict:
    """Columns and rows for one standard's figure, as `viewer` may see them; OS11 lists the schools with their
    status. Every record stays on the list, counted as it was; a person outside the viewer's person scope is
    withheld (identifying columns masked, `withheld` set), so an auditor checks the figure without names.
    `shown` lists the people (or case files) named to the viewer, for the audit trail. With `page`, only that
    page of the list (see `present`).

    Which records are counted, and why the others are not, is remembered as the annual return's figures are
    (standards.remembered: until any record changes), so paging through a figure counts it once; what the rows
    show and whom the viewer may see are read afresh for the rows drawn."""
    if code == "OS11":
        return {**school_drilldown(scope), "withheld": 0, "shown": {}}

    def evaluate_rule():
        rule = rule_for(code, scope)
        if rule is None:
            raise KeyError(code)
        return evaluated(rule, limit=limit)

    # Remembered, the rule is not even built: its queries cost as much CPU as the page's rows.
    listed = remembered("drilldown", scope.unit.pk, scope.period.fy, scope.period.end, code, limit,
                        compute=evaluate_rule)
    return present(None, COLUMNS[listed.model], viewer, page=page, listed=listed)


def audit_drilldown(request, unit, fy, code, data, via="page", action=Action.VIEW):
    """Every read of a drill-down is audited with the people (or case files) it named to the reader."""
    rows, total = len(data["rows"]), data.get("total", len(data["rows"]))
    listed = f"{rows} records" if rows == total else f"{rows} of {total} records"
    with transaction.atomic():
        record(action, request=request, obj=unit, unit_code=unit.code,
               summary=f"drill-down {code} {fy} ({via}): {listed}, {data['withheld']} withheld",
               changes={"shown": data["shown"]})


def _label_of(model, path: str):
    """The display labels of the field `path` reaches from `model` (None unless it has choices)."""
    field = None
    for part in path.split("__"):
        field = model._meta.get_field(part)
        model = field.related_model or model
    return dict(field.flatchoices) if field is not None and field.choices else None


def _cell(value, labels):
    if labels is not None and value in labels:
        return labels[value]
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, dt.time):
        return value.strftime("%H:%M")
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


# The path from each kind of record to its activity's funded project.
PROJECT_PATHS = {Activity: "project__", ActivityStaff: "activity__project__", Attendance: "activity__project__",
                 Feedback: "activity__project__"}


# Records on one page of a drill-down: a figure of the national return has about 900, too many to draw at once.
PER_PAGE = 100


def _linker(name: str):
    """`reverse(name, args=[key])` for many keys: reversed once, the key set in its place (reverse costs ~30 µs)."""
    marker = "987654321987654321"
    url = reverse(name, args=[marker])
    return lambda key: url.replace(marker, str(key))


@dataclass(frozen=True)
class Evaluated:
    """Every candidate record of a rule in the drill-down's order: (key, counted, weight, success, reasons) each,
    reasons as text; the records' model and whether the rule is a proportion. Immutable, so it is remembered and
    handed out without a copy."""

    model: type
    proportion: bool
    rows: tuple

    def __deepcopy__(self, memo):
        return self


def evaluated(rule, *, limit=2000) -> Evaluated:
    """Whether each candidate is counted and why not, in one query reading the records' keys and checks only:
    counted records first, then in the order of the records' keys, so the pages of a long list part it without
    overlap."""
    rows = rule.explain("pk", limit=limit)
    rows.sort(key=lambda r: (not r["counted"], not r.get("success", True), r["pk"]))
    return Evaluated(rule.candidates.model, isinstance(rule, Proportion),
                     tuple((r["pk"], r["counted"], r["weight"], r.get("success"), tuple(str(x) for x in r["reasons"]))
                           for r in rows))


def present(rule, columns, viewer=None, *, limit=2000, links=None, page=None, listed: Evaluated | None = None) -> dict:
    """One figure's drill-down: every candidate record with the domain's labels (never codes), whether it is
    counted, the reasons it is not, and a link to the record to open to fix it, in the order of `evaluated`
    (`listed`: the rule's, evaluated earlier; `rule` is then not needed).

    With `page` (a page number as the request gives it), `rows` is that page of `PER_PAGE` records and `page` the
    Paginator's page; `counted`, `excluded` and `total` are of the whole list either way, `withheld` and `shown`
    of the rows listed. A record's columns are read for the rows listed only (a national figure has ~900).

    As `viewer` may see it: a person (or case file) outside their person scope stays listed and counted, its
    identifying columns withheld and no link (`withheld`); `shown` lists those named, for the audit trail.
    `viewer` None is a reader of the whole unit (the command line)."""
    listed = listed or evaluated(rule, limit=limit)
    model = listed.model
    link_name, link_field = (links or LINKS).get(model, (None, None))
    project_path = PROJECT_PATHS.get(model)
    key, kind, personal = PERSONAL.get(model, (None, None, ()))
    fields = [c for c, _label in columns]
    extra = [f"{project_path}code", f"{project_path}title"] if project_path else []
    wanted = list(dict.fromkeys(["pk", *([link_field] if link_field else []), *fields, *extra,
                                 *([key] if key else [])]))
    statuses = listed.rows
    total, counted = len(statuses), sum(1 for s in statuses if s[1])
    if page is not None:
        page = Paginator(statuses, PER_PAGE).get_page(page)
        statuses = page.object_list
    proportion = listed.proportion
    details = {r["pk"]: r for r in model._base_manager.filter(pk__in=[s[0] for s in statuses]).values(*wanted)}
    rows = []
    for pk, is_counted, weight, success, reasons in statuses:
        row = {**details[pk], "counted": is_counted, "weight": weight, "reasons": list(reasons)}
        if proportion:
            row["success"] = success
        rows.append(row)
    withheld, shown = 0, {}
    if key is not None and viewer is not None:
        ids = {r[key] for r in rows if r[key] is not None}
        visible = set((people_for if kind == "person" else cases_for)(viewer).filter(pk__in=ids)
                      .values_list("pk", flat=True)) if ids else set()
        mask = gettext("(withheld)")
        for row in rows:
            row["withheld"] = row[key] is not None and row[key] not in visible
            if row["withheld"]:
                withheld += 1
                row.update({c: mask for c in personal if c in row})
        shown = {kind: sorted(visible)}
    labels = [_label_of(model, c) for c in fields]
    link = _linker(link_name) if link_name else None
    for row in rows:
        row["cells"] = [_cell(row.get(c), lab) for c, lab in zip(fields, labels, strict=True)]
        withheld_row = row.get("withheld", False)
        row["link"] = link(row[link_field]) if link and row.get(link_field) and not withheld_row else None
        if project_path and str(OUTSIDE_RETURN) in row["reasons"]:
            # DOMAIN.md "Funded projects": the drill-down names the project as the reason.
            named = f"{OUTSIDE_RETURN}: {row[f'{project_path}code']} {row[f'{project_path}title']}"
            row["reasons"] = [named if r == str(OUTSIDE_RETURN) else r for r in row["reasons"]]
    return {"columns": columns, "rows": rows, "proportion": proportion, "counted": counted,
            "excluded": total - counted, "total": total, "page": page, "withheld": withheld, "shown": shown}


def school_drilldown(scope: Scope) -> dict:
    figures = fsa.schools_served(scope)
    base = set(fsa.base_schools(scope).values_list("pk", flat=True))
    rows = []
    from tongxing.organisations.models import School

    for school in School.objects.filter(unit=scope.unit).annotate(sessions=F("pk")).order_by("name"):
        reasons = []
        if school.pk not in base:
            if school.kind != "secondary":
                reasons.append(_("not a secondary school"))
            if school.international_or_esf:
                reasons.append(_("international or ESF"))
            if not school.school_social_work:
                reasons.append(_("no school social work"))
            if not school.in_service_area:
                reasons.append(_("outside the service area"))
        elif school.pk not in figures.served:
            reasons.append(_("Healthy School Programme school") if school.healthy_school_programme
                           else _("not served in the year"))
        rows.append({"pk": school.pk, "external_id": school.external_id, "name": school.name,
                     "kind": school.get_kind_display(), "counted": not reasons, "weight": 1 if not reasons else 0,
                     "reasons": reasons})
    columns = [("external_id", _("id")), ("name", _("school")), ("kind", _("kind"))]
    for row in rows:
        row["cells"], row["link"] = [row[c] for c, _label in columns], None
    counted = sum(1 for r in rows if r["counted"])
    return {"columns": columns, "rows": rows, "proportion": False, "schools": figures, "counted": counted,
            "excluded": len(rows) - counted}
