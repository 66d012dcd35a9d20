"""Reading a unit's records back into exchange format v2 (docs/exchange.md; v1 is shared/EXCHANGE.md)."""

from __future__ import annotations

import json
import zoneinfo
from collections import defaultdict
from decimal import Decimal

from tongxing.activities.models import (
    Activity,
    ActivityStaff,
    Attendance,
    Feedback,
    Group,
    MedicalAssessment,
    NursingRecord,
    Training,
    UrineTest,
)
from tongxing.cases.models import Approval, Case, CasePlan, Collaboration, Episode, Involvement, Referral
from tongxing.organisations.models import (
    Establishment,
    OpeningHours,
    School,
    Staff,
    StaffRole,
    Unit,
    Workplace,
)
from tongxing.people.models import Child, DrugUse, Person
from tongxing.privacy.models import Consent, Disclosure, IdentityNumber
from tongxing.projects.models import Project
from tongxing.standards.codes import STANDARD_CODES
from tongxing.standards.models import AgreedLevel, SchoolConversion
from tongxing.teams.models import MedicalAccess, TeamMember

from .registry import EXPORTS, Ids
from .schema import COLLECTIONS, WEEKDAYS, Document, canonical


def _d(value):
    return value.isoformat() if value is not None else None


def _grouped(rows, key):
    out = defaultdict(list)
    for row in rows:
        out[row.pop(key)].append(row)
    return out


def _ids(model, unit):
    return dict(model.objects.filter(unit=unit).values_list("pk", "external_id"))


def _number(value: Decimal):
    return int(value) if value == value.to_integral_value() else float(value)


def export_unit(unit: Unit) -> Document:
    """Every record of one unit, in canonical form, oldest first."""
    tz = zoneinfo.ZoneInfo(unit.timezone)
    staff_ids, people_ids = _ids(Staff, unit), _ids(Person, unit)
    case_ids, group_ids = _ids(Case, unit), _ids(Group, unit)
    school_ids, workplace_ids = _ids(School, unit), _ids(Workplace, unit)
    activity_ids = _ids(Activity, unit)
    project_codes = dict(Project.objects.filter(unit=unit).values_list("pk", "code"))
    hours = {h.weekday: h for h in OpeningHours.objects.filter(unit=unit)}
    unit_rec = {
        "code": unit.code, "name": unit.name, "timezone": unit.timezone,
        "opening_hours": {
            day: ([hours[i + 1].opens.strftime("%H:%M"), hours[i + 1].closes.strftime("%H:%M")]
                  if i + 1 in hours else None)
            for i, day in enumerate(WEEKDAYS)
        },
        **({"approval_required": True} if unit.approval_required else {}),
    }
    org = unit.organisation
    records: dict[str, list[dict]] = {}

    roles = defaultdict(list)
    for staff_id, role in StaffRole.objects.filter(staff__unit=unit).order_by("pk").values_list("staff_id", "role"):
        roles[staff_id].append(role)
    grants = _grouped(MedicalAccess.objects.filter(unit=unit, staff__unit=unit).order_by("granted_on", "pk").values(
        "staff_id", "granted_on", "revoked_on"), "staff_id")
    records["staff"] = [
        canonical("staff", {"id": s["external_id"], "name": s["name"], "roles": roles[s["pk"]],
                            "peer_type": s["peer_type"],
                            "medical_access": [{"granted_on": _d(g["granted_on"]), "revoked_on": _d(g["revoked_on"])}
                                               for g in grants[s["pk"]]]})
        for s in Staff.objects.filter(unit=unit).order_by("pk").values("pk", "external_id", "name", "peer_type")
    ]
    records["establishment"] = [
        canonical("establishment", {"role": e["role"], "as_of": _d(e["as_of"]), "count": e["count"]})
        for e in Establishment.objects.filter(unit=unit).order_by("pk").values("role", "as_of", "count")
    ]
    records["schools"] = [
        canonical("schools", {"id": s.pop("external_id"), **s})
        for s in School.objects.filter(unit=unit).order_by("pk").values(
            "external_id", "name", "kind", "in_service_area", "school_social_work", "healthy_school_programme",
            "international_or_esf")
    ]
    records["workplaces"] = [
        canonical("workplaces", {"id": w["external_id"], "name": w["name"], "employees": w["employees"]})
        for w in Workplace.objects.filter(unit=unit).order_by("pk").values("external_id", "name", "employees")
    ]

    children = _grouped(Child.objects.filter(person__unit=unit).order_by("pk").values("person_id", "birth_date",
                                                                                       "carer"), "person_id")
    drugs = _grouped(DrugUse.objects.filter(person__unit=unit).order_by("pk").values("person_id", "drug", "last_used"),
                     "person_id")
    identities = defaultdict(list)
    for identity in IdentityNumber.objects.filter(person__unit=unit).order_by("person_id", "kind"):
        identities[identity.person_id].append({"kind": identity.kind, "number": identity.number()})
    consents = _grouped(Consent.objects.filter(person__unit=unit).order_by("pk").values(
        "pk", "person_id", "recipient", "information", "purpose", "given_on", "expires_on", "revoked_on"), "person_id")
    disclosures = _grouped(Disclosure.objects.filter(person__unit=unit).order_by("at", "pk").values(
        "person_id", "at", "recipient", "information", "purpose", "channel", "consent_id", "legal_basis"), "person_id")

    def consent_list(pk):
        return [{k: _d(v) if k.endswith("_on") else v for k, v in c.items() if k != "pk"} for c in consents[pk]]

    def disclosure_list(pk):
        position = {c["pk"]: i for i, c in enumerate(consents[pk])}
        return [{**{k: v for k, v in d.items() if k != "consent_id"},
                 "at": d["at"].astimezone(tz).strftime("%Y-%m-%dT%H:%M:%S"),
                 "consent": position.get(d["consent_id"])} for d in disclosures[pk]]

    records["people"] = []
    for p in Person.objects.filter(unit=unit).order_by("pk").values(
            "pk", "external_id", "name", "name_en", "phone", "sex", "birth_date", "pregnant", "identified_on",
            "identification_channel", "reference", "merged_into_id", "district", "address", "education",
            "employment", "emergency_name", "emergency_relationship", "emergency_phone"):
        ident = ({"date": _d(p["identified_on"]), "channel": p["identification_channel"]}
                 if p["identified_on"] else None)
        records["people"].append(canonical("people", {
            "id": p["external_id"], "name": p["name"], "name_en": p["name_en"], "phone": p["phone"],
            "sex": p["sex"], "birth_date": _d(p["birth_date"]), "pregnant": p["pregnant"],
            "children": [{"birth_date": _d(c["birth_date"]), "carer": c["carer"]} for c in children[p["pk"]]],
            "drug_use": [{"drug": d["drug"], "last_used": _d(d["last_used"])} for d in drugs[p["pk"]]],
            "identification": ident,
            "reference": p["reference"], "merged_into": people_ids.get(p["merged_into_id"]),
            "identity_numbers": identities[p["pk"]], "consents": consent_list(p["pk"]),
            "disclosures": disclosure_list(p["pk"]),
            "district": p["district"], "address": p["address"], "education": p["education"],
            "employment": p["employment"],
            "emergency_contact": {"name": p["emergency_name"], "relationship": p["emergency_relationship"],
                                  "phone": p["emergency_phone"]} if p["emergency_name"] else None,
        }))

    records["groups"] = [
        canonical("groups", {"id": g["external_id"], "kind": g["kind"], "title": g["title"]})
        for g in Group.objects.filter(unit=unit).order_by("pk").values("external_id", "kind", "title")
    ]

    plans = {p.pop("episode_id"): p for p in CasePlan.objects.filter(episode__case__unit=unit).values(
        "episode_id", "date", "direction", "timetable", "actions", "goals")}
    episodes = _grouped(Episode.objects.filter(case__unit=unit).order_by("opened", "pk").values(
        "pk", "case_id", "opened", "closed", "plan_achieved", "last_drug_use", "closure_reason"), "case_id")
    members = defaultdict(list)
    for case_id, person_id in Case.members.through.objects.filter(case__unit=unit).order_by("pk").values_list(
            "case_id", "person_id"):
        members[case_id].append(people_ids[person_id])

    team = defaultdict(list)
    for m in TeamMember.objects.filter(case__unit=unit).order_by("pk").values("case_id", "staff_id", "role",
                                                                              "added_on"):
        team[m["case_id"]].append({"staff": staff_ids[m["staff_id"]], "role": m["role"],
                                   "added_on": _d(m["added_on"])})

    approvals = defaultdict(list)
    for a in Approval.objects.filter(episode__case__unit=unit).order_by("requested_at", "pk").values(
            "episode__case_id", "episode__opened", "kind", "status", "requested_at", "decided_at", "comment",
            "closed", "plan_achieved", "last_drug_use", "closure_reason"):
        approvals[a["episode__case_id"]].append({
            "episode": _d(a["episode__opened"]), "kind": a["kind"], "status": a["status"],
            "requested_at": a["requested_at"].astimezone(tz).strftime("%Y-%m-%dT%H:%M:%S"),
            "decided_at": a["decided_at"].astimezone(tz).strftime("%Y-%m-%dT%H:%M:%S") if a["decided_at"] else None,
            "comment": a["comment"], "closed": _d(a["closed"]), "plan_achieved": a["plan_achieved"],
            "last_drug_use": _d(a["last_drug_use"]), "closure_reason": a["closure_reason"]})

    def episode(e):
        plan = plans.get(e["pk"])
        return {
            "opened": _d(e["opened"]), "closed": _d(e["closed"]),
            "plan": {**plan, "date": _d(plan["date"])} if plan else None,
            "closure": ({"plan_achieved": e["plan_achieved"], "last_drug_use": _d(e["last_drug_use"]),
                         "reason": e["closure_reason"]} if e["closed"] else None),
        }

    records["cases"] = [
        canonical("cases", {
            "id": c["external_id"], "type": c["type"], "parent_case": c["parent_case"],
            "client": people_ids[c["client_id"]], "members": members[c["pk"]],
            "worker": staff_ids.get(c["worker_id"]), "merged_into": case_ids.get(c["merged_into_id"]),
            "episodes": [episode(e) for e in episodes[c["pk"]]],
            "next_action": c["next_action"], "next_action_due": _d(c["next_action_due"]), "team": team[c["pk"]],
            "approvals": approvals[c["pk"]],
        })
        for c in Case.objects.filter(unit=unit).order_by("pk").values(
            "pk", "external_id", "type", "parent_case", "client_id", "worker_id", "merged_into_id", "next_action",
            "next_action_due")
    ]
    records["involvements"] = [
        canonical("involvements", {"id": i["external_id"], "case": case_ids[i["case_id"]], "date": _d(i["date"]),
                                   "party": i["party"], "stakeholder": i["stakeholder"], "stage": i["stage"],
                                   "mode": i["mode"]})
        for i in Involvement.objects.filter(unit=unit).order_by("pk").values(
            "external_id", "case_id", "date", "party", "stakeholder", "stage", "mode")
    ]
    records["collaborations"] = [
        canonical("collaborations", {"id": c["external_id"], "case": case_ids[c["case_id"]], "date": _d(c["date"]),
                                     "kind": c["kind"]})
        for c in Collaboration.objects.filter(unit=unit).order_by("pk").values("external_id", "case_id", "date", "kind")
    ]
    records["referrals"] = [
        canonical("referrals", {
            "id": r["external_id"], "person": people_ids[r["person_id"]], "case": case_ids.get(r["case_id"]),
            "direction": r["direction"], "category": r["category"], "agency": r["agency"], "date": _d(r["date"]),
            "status": r["status"], "status_date": _d(r["status_date"]), "status_reason": r["status_reason"],
            "reason": r["reason"], "notes": r["notes"], "awaiting_consent": r["awaiting_consent"]})
        for r in Referral.objects.filter(unit=unit).order_by("pk").values(
            "external_id", "person_id", "case_id", "direction", "category", "agency", "date", "status", "status_date",
            "status_reason", "reason", "notes", "awaiting_consent")
    ]

    staffing = defaultdict(list)
    for activity_id, staff_id in ActivityStaff.objects.filter(activity__unit=unit).order_by("pk").values_list(
            "activity_id", "staff_id"):
        staffing[activity_id].append(staff_ids[staff_id])
    attendance = defaultdict(list)
    for activity_id, person_id in Attendance.objects.filter(activity__unit=unit).order_by("pk").values_list(
            "activity_id", "person_id"):
        attendance[activity_id].append(people_ids[person_id])
    urine = _grouped(UrineTest.objects.filter(record__activity__unit=unit).order_by("pk").values(
        "record_id", "drug", "result"), "record_id")
    nursing = {n["activity_id"]: {**{k: _number(v) if isinstance(v, Decimal) else v for k, v in n.items()
                                     if k not in ("pk", "activity_id")}, "urine": urine[n["pk"]]}
               for n in NursingRecord.objects.filter(activity__unit=unit).values(
                   "pk", "activity_id", "systolic", "diastolic", "pulse", "temperature", "weight", "medication")}
    records["activities"] = [
        canonical("activities", {
            "id": a["external_id"], "kind": a["kind"], "format": a["format"],
            "start": a["start"].astimezone(tz).strftime("%Y-%m-%dT%H:%M"),
            "end": a["end"].astimezone(tz).strftime("%Y-%m-%dT%H:%M"),
            "full_day": a["full_day"], "staff": staffing[a["pk"]], "people": attendance[a["pk"]],
            "headcount": a["headcount"], "psa_contacted": a["psa_contacted"],
            "case": case_ids.get(a["case_id"]), "group": group_ids.get(a["group_id"]),
            "school": school_ids.get(a["school_id"]), "workplace": workplace_ids.get(a["workplace_id"]),
            "funded_by": a["funded_by"], "place": a["place"], "note": a["note"],
            "project": project_codes.get(a["project_id"]), "nursing": nursing.get(a["pk"])})
        for a in Activity.objects.filter(unit=unit).order_by("pk").values(
            "pk", "external_id", "kind", "format", "start", "end", "full_day", "headcount", "psa_contacted",
            "case_id", "group_id", "school_id", "workplace_id", "funded_by", "place", "note", "project_id")
    ]
    records["medical_assessments"] = [
        canonical("medical_assessments", {"id": m["external_id"], "person": people_ids[m["person_id"]],
                                          "date": _d(m["date"]), "by": staff_ids[m["by_id"]], "plan": m["plan"],
                                          "health_condition": m["health_condition"], "drug_needs": m["drug_needs"],
                                          "plan_details": m["plan_details"]})
        for m in MedicalAssessment.objects.filter(unit=unit).order_by("pk").values(
            "external_id", "person_id", "date", "by_id", "plan", "health_condition", "drug_needs", "plan_details")
    ]
    records["feedback"] = [
        canonical("feedback", {"id": fb["external_id"], "activity": activity_ids[fb["activity_id"]],
                               "person": people_ids.get(fb["person_id"]), "school": school_ids.get(fb["school_id"]),
                               "topic": fb["topic"], "positive": fb["positive"]})
        for fb in Feedback.objects.filter(unit=unit).order_by("pk").values(
            "external_id", "activity_id", "person_id", "school_id", "topic", "positive")
    ]
    records["trainings"] = [
        canonical("trainings", {"id": t["external_id"], "staff": staff_ids[t["staff_id"]], "date": _d(t["date"]),
                                "paid": t["paid"], "title": t["title"]})
        for t in Training.objects.filter(unit=unit).order_by("pk").values("external_id", "staff_id", "date", "paid",
                                                                           "title")
    ]
    records["conversions"] = [
        canonical("conversions", c)
        for c in SchoolConversion.objects.filter(unit=unit).order_by("pk").values("fy", "route", "schools")
    ]
    levels = defaultdict(dict)
    for fy, code, value in AgreedLevel.objects.filter(unit=unit).values_list("fy", "standard", "value"):
        levels[fy][code] = _number(value)
    records["agreed_levels"] = [
        {"fy": fy, **{c: levels[fy][c] for c in STANDARD_CODES if c in levels[fy]}} for fy in sorted(levels)
    ]
    ids = Ids(staff=staff_ids, people=people_ids, cases=case_ids, groups=group_ids, projects=project_codes)
    for name, export in EXPORTS.items():
        records[name] = [canonical(name, r) for r in export(unit, ids, tz)]
    assert set(records) == set(COLLECTIONS)
    return Document(unit=unit_rec, organisation={"code": org.code, "name": org.name}, records=records)


def dumps(document: Document, notice: str | None = None) -> str:
    """The exchange file's text: stable key order, Chinese kept readable, one trailing newline.

    `notice` (the re-disclosure notice for files with personal data) goes first; import ignores it.
    """
    body = document.as_json()
    if notice:
        body = {"notice": notice, **body}
    return json.dumps(body, ensure_ascii=False, indent=1) + "\n"
