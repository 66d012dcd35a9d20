"""Drill-down: for one figure, the records counted and the close ones left out, with reasons."""

from __future__ import annotations

from django.db.models import F
from django.utils.translation import gettext_lazy as _

from tongxing.activities.models import (
    Activity,
    ActivityStaff,
    Attendance,
    Feedback,
    MedicalAssessment,
    Training,
)
from tongxing.cases.models import Collaboration, Episode
from tongxing.people.models import Person

from . import fsa
from .engine import Proportion, Tally
from .fsa import Scope
from .report import OUTCOME_RULES, OUTPUT_RULES

# What identifies a record of each kind on the drill-down list.
COLUMNS = {
    Activity: [("external_id", _("編號 id")), ("kind", _("類別 kind")), ("date", _("日期 date")),
               ("start_time", _("開始 start")), ("minutes", _("分鐘 minutes")), ("group__title", _("小組 group")),
               ("school__name", _("學校 school"))],
    Attendance: [("activity__external_id", _("活動 activity")), ("activity__kind", _("類別 kind")),
                 ("activity__date", _("日期 date")), ("activity__minutes", _("分鐘 minutes")),
                 ("person__external_id", _("人士 person")), ("person__name", _("姓名 name"))],
    ActivityStaff: [("activity__external_id", _("活動 activity")), ("activity__kind", _("類別 kind")),
                    ("activity__date", _("日期 date")), ("activity__minutes", _("分鐘 minutes")),
                    ("staff__name", _("職員 staff"))],
    Person: [("external_id", _("編號 id")), ("name", _("姓名 name")), ("identified_on", _("識別日期 identified")),
             ("identification_channel", _("途徑 channel")), ("birth_date", _("出生日期 born"))],
    Episode: [("case__external_id", _("個案 case")), ("case__type", _("類別 type")), ("opened", _("開案 opened")),
              ("closed", _("結案 closed"))],
    Collaboration: [("case__external_id", _("個案 case")), ("date", _("日期 date")), ("kind", _("類別 kind"))],
    MedicalAssessment: [("person__external_id", _("人士 person")), ("date", _("日期 date")), ("by__name", _("評估者 by")),
                        ("plan", _("計劃 plan"))],
    Feedback: [("activity__external_id", _("活動 activity")), ("activity__date", _("日期 date")),
               ("person__external_id", _("人士 person")), ("topic", _("主題 topic")), ("positive", _("正面 positive"))],
    Training: [("staff__name", _("職員 staff")), ("date", _("日期 date")), ("title", _("名稱 title")),
               ("paid", _("受薪 paid"))],
}


def rule_for(code: str, scope: Scope) -> Tally | Proportion | None:
    if code in OUTPUT_RULES:
        return OUTPUT_RULES[code](scope)
    if code in OUTCOME_RULES:
        return OUTCOME_RULES[code](scope)
    if code == "OC4":
        return fsa.school_feedback(scope, fsa.served_schools(scope))
    if code == "OC10":
        return fsa.paid_peer_trainings(scope)
    return None


def drilldown(code: str, scope: Scope, limit=2000) -> dict:
    """Columns and rows for one standard's figure; OS11 lists the schools with their status."""
    if code == "OS11":
        return school_drilldown(scope)
    rule = rule_for(code, scope)
    if rule is None:
        raise KeyError(code)
    columns = COLUMNS[rule.candidates.model]
    rows = rule.explain("pk", *[c for c, _label in columns], limit=limit)
    rows.sort(key=lambda r: (not r["counted"], not r.get("success", True)))
    return {"columns": columns, "rows": rows, "proportion": isinstance(rule, Proportion)}


def school_drilldown(scope: Scope) -> dict:
    figures = fsa.schools_served(scope)
    base = set(fsa.base_schools(scope).values_list("pk", flat=True))
    rows = []
    from tongxing.organisations.models import School

    for school in School.objects.filter(unit=scope.unit).annotate(sessions=F("pk")).order_by("name"):
        reasons = []
        if school.pk not in base:
            if school.kind != "secondary":
                reasons.append(_("非中學 not a secondary school"))
            if school.international_or_esf:
                reasons.append(_("國際／英基學校 international or ESF"))
            if not school.school_social_work:
                reasons.append(_("沒有學校社工服務 no school social work"))
            if not school.in_service_area:
                reasons.append(_("不在服務區內 outside the service area"))
        elif school.pk not in figures.served:
            reasons.append(_("健康校園計劃學校 Healthy School Programme school") if school.healthy_school_programme
                           else _("年內未有服務 not served in the year"))
        rows.append({"pk": school.pk, "external_id": school.external_id, "name": school.name,
                     "kind": school.get_kind_display(), "counted": not reasons, "weight": 1 if not reasons else 0,
                     "reasons": reasons})
    columns = [("external_id", _("編號 id")), ("name", _("學校 school")), ("kind", _("類別 kind"))]
    return {"columns": columns, "rows": rows, "proportion": False, "schools": figures}
