"""Which stored records and fields an exchange file carries, and which it does not and why.

Every model of the product is either CARRIED (with the lookup from it to its unit, the fields a file carries and
the fields it does not, each with the reason) or in NOT_CARRIED_MODELS with the reason. tests/test_exchange_v2.py
fails for a model or field in neither, so a model or field added later is caught until the exchange carries it
(registry.py) or the reason is written here; and it compares `fingerprint` of a unit before and after the round
trip, field by field.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from decimal import Decimal

from django.apps import apps
from django.db.models import Model

LOGIN = "logins belong to an installation, not to a unit's records"


@dataclass(frozen=True)
class Carried:
    unit_path: str  # lookup from the model to its Unit ("" for the unit itself)
    fields: str  # space-separated: the fields a file carries
    not_carried: dict[str, str] = field(default_factory=dict)  # field -> why not


CARRIED: dict[str, Carried] = {
    "organisations.Organisation": Carried("units", "code name"),
    "organisations.Unit": Carried("", "organisation code name timezone approval_required"),
    "organisations.OpeningHours": Carried("unit", "unit weekday opens closes"),
    "organisations.Staff": Carried("unit", "unit external_id name peer_type", {"user": LOGIN}),
    "organisations.StaffRole": Carried("staff__unit", "staff role"),
    "organisations.Establishment": Carried("unit", "unit role as_of count"),
    "organisations.School": Carried("unit", "unit external_id name kind in_service_area school_social_work "
                                            "healthy_school_programme international_or_esf"),
    "organisations.Workplace": Carried("unit", "unit external_id name employees"),
    "people.Person": Carried("unit", "unit external_id reference name name_en phone sex birth_date pregnant "
                                     "identified_on identification_channel merged_into district address education "
                                     "employment emergency_name emergency_relationship emergency_phone"),
    "people.Child": Carried("person__unit", "person birth_date carer"),
    "people.DrugUse": Carried("person__unit", "person drug last_used"),
    "cases.Case": Carried("unit", "unit external_id type parent_case client worker merged_into next_action_due "
                                  "next_action members"),
    "cases.Episode": Carried("case__unit", "case opened closed plan_achieved last_drug_use closure_reason"),
    "cases.CasePlan": Carried("episode__case__unit", "episode date direction timetable actions goals",
                              {"revision": "a counter that tells an editor someone saved in between"}),
    "cases.Approval": Carried("episode__case__unit", "episode kind status requested_at decided_at comment closed "
                                                     "plan_achieved last_drug_use closure_reason",
                              {"requested_by": LOGIN, "decided_by": LOGIN}),
    "cases.Involvement": Carried("unit", "unit external_id case date party stakeholder stage mode"),
    "cases.Collaboration": Carried("unit", "unit external_id case date kind"),
    "cases.Referral": Carried("unit", "unit external_id person case direction category agency date status "
                                      "status_date status_reason reason notes awaiting_consent",
                              {"destination": "the unit's agency named by `agency` (agencies, linked on import)"}),
    "organisations.Agency": Carried("unit", "unit name in_use"),
    "activities.Group": Carried("unit", "unit external_id kind title"),
    "activities.Activity": Carried(
        "unit", "unit external_id kind format start end full_day headcount psa_contacted case group school "
                "workplace funded_by project place note staff people",
        {"date": "derived from start", "start_time": "derived from start", "minutes": "derived from start and end"}),
    "activities.ActivityStaff": Carried("activity__unit", "activity staff"),
    "activities.Attendance": Carried("activity__unit", "activity person"),
    "activities.MedicalAssessment": Carried("unit", "unit external_id person date by plan health_condition drug_needs "
                                                    "plan_details"),
    "activities.NursingRecord": Carried("activity__unit", "activity systolic diastolic pulse temperature weight "
                                                          "medication"),
    "activities.UrineTest": Carried("record__activity__unit", "record drug result"),
    "activities.Feedback": Carried("unit", "unit external_id activity person school topic positive"),
    "activities.Training": Carried("unit", "unit external_id staff date paid title"),
    "standards.AgreedLevel": Carried("unit", "unit fy standard value"),
    "standards.SchoolConversion": Carried("unit", "unit fy route schools"),
    "outcomes.Instrument": Carried("organisation__units", "code name name_en description better use agree_at "
                                                          "min_change organisation", {"created_by": LOGIN}),
    "outcomes.Scale": Carried("instrument__organisation__units", "instrument code"),
    "outcomes.Option": Carried("scale__instrument__organisation__units", "scale value label label_en"),
    "outcomes.Subscale": Carried("instrument__organisation__units", "instrument code name name_en"),
    "outcomes.Item": Carried("instrument__organisation__units", "instrument number text text_en scale reverse "
                                                                "subscale flag_above"),
    "outcomes.Band": Carried("instrument__organisation__units", "instrument lower label label_en alert"),
    "outcomes.Administration": Carried(
        "unit", "unit instrument person case programme date time_point entered_at",
        {"total": "scored from the answers on import", "subscales": "scored from the answers on import",
         "band": "scored from the answers on import", "flagged": "scored from the answers on import",
         "entered_by": LOGIN}),
    "outcomes.Answer": Carried("administration__unit", "administration item value"),
    "outcomes.RiskAlert": Carried("unit", "unit administration person case reasons raised_at acknowledged_at "
                                          "action_taken", {"acknowledged_by": LOGIN}),
    "projects.Project": Carried("unit", "unit code title title_en funder start end counts_in_annual_return"),
    "projects.Programme": Carried("project__unit", "project name name_en activity_kinds activity_format group_kinds "
                                                   "case_type groups staff"),
    "projects.Enrolment": Carried("project__unit", "project programme person date ended"),
    "projects.OutputIndicator": Carried("project__unit", "project number order description description_en kind "
                                                         "programme at_least at_most target target_is_percent "
                                                         "manual_value evidence"),
    "projects.OutcomeIndicator": Carried("project__unit", "project number order description description_en "
                                                          "instrument group criterion threshold alpha rule "
                                                          "min_change after"),
    "prevention.Institution": Carried("unit", "unit name"),
    "prevention.PreReleaseSession": Carried("unit", "unit external_id institution kind date participants"),
    "prevention.Lecture": Carried("unit", "unit external_id date title required attended"),
    "prevention.LectureRegistrant": Carried("lecture__unit", "lecture person attended"),
    "prevention.Consultation": Carried("lecture__unit", "lecture category"),
    "prevention.HotlineCall": Carried("unit", "unit external_id received caller note",
                                      {"date": "derived from received"}),
    "prevention.HotlineItem": Carried("call__unit", "call category"),
    "prevention.Kpi": Carried("unit", "unit external_id name formula target as_percent comparison starts ends"),
    "privacy.IdentityNumber": Carried(
        "person__unit", "person kind",
        {"ciphertext": "the number is carried in plain text and encrypted with this installation's key",
         "lookup": "made from the number with this installation's key", "hint": "made from the number"}),
    "privacy.Consent": Carried("person__unit", "person recipient information purpose given_on expires_on "
                                               "revoked_on",
                              {"recorded_by": LOGIN,
                               "agency": "the unit's agency named by `recipient` (agencies, linked on import)"}),
    "privacy.Disclosure": Carried("person__unit", "person at recipient information purpose channel consent "
                                                  "legal_basis", {"by": LOGIN}),
    "teams.TeamMember": Carried("case__unit", "case staff role added_on", {"added_by": LOGIN}),
    "appointments.Appointment": Carried("unit", "unit person case staff kind start minutes place purpose status "
                                                "status_reason activity",
                                        {"date": "derived from start", "start_time": "derived from start",
                                         "created_by": LOGIN}),
    "teams.MedicalAccess": Carried("unit", "staff unit granted_on revoked_on", {"granted_by": LOGIN}),
}

NOT_CARRIED_MODELS: dict[str, str] = {
    "accounts.Access": LOGIN,
    "accounts.SecurityNotice": LOGIN,
    "audit.Event": "the hash-chained audit trail is this installation's evidence; an import records its own event",
    "audit.DataVersion": "a token this installation replaces on every change; an import replaces it itself",
    "jobs.Job": "a background job run on this installation",
    "teams.BreakGlass": "a login's emergency access, kept as audit evidence of this installation",
    # Not yet carried (issue 18 follow-up): files are encrypted with this installation's key; backup and restore
    # carry them, the JSON exchange does not.
    "attachments.Attachment": "attached files (encrypted with this installation's key) are carried by backup and "
                              "restore, not yet by the exchange file",
}


def product_models() -> list[type[Model]]:
    """Every model of the product's own apps, change-history copies (django-simple-history) aside: the history
    of a record is this installation's, like its audit trail."""
    return [m for m in apps.get_models() if m.__module__.startswith("tongxing.")
            and not m.__name__.startswith("Historical")]


def _plain(value):
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).replace(microsecond=0).isoformat()  # files carry times to the second
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, dict | list):
        return json.dumps(value, sort_keys=True, ensure_ascii=False)
    return value


def fingerprint(unit) -> dict[str, list]:
    """Per carried model, the sorted values of its carried plain fields over the unit's rows (references are left
    to the export's own comparison: their stored keys differ between databases)."""
    out = {}
    for label, carried in CARRIED.items():
        model = apps.get_model(label)
        names = [f.name for f in model._meta.concrete_fields
                 if f.name in carried.fields.split() and not f.is_relation]
        # By primary key: a lookup through the organisation's units would repeat a row once per unit.
        mine = model.objects.filter(pk__in=model.objects.filter(**{carried.unit_path or "pk": unit.pk}).values("pk"))
        rows = mine.values_list(*(names or ["pk"]))
        out[label] = sorted(([_plain(v) for v in row] if names else [] for row in rows), key=json.dumps)
    return out
