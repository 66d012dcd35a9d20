"""Exchange format v1 (shared/EXCHANGE.md) and v2 (docs/exchange.md): validation and the canonical form.

v2 is v1 with more keys on v1's records and more collections, so that a file holds every record of a unit;
a v2 file is first checked against the JSON Schema in `schemas/v2.json` (made from SHAPES below).

`parse(doc)` checks a whole document and returns it in canonical form: every
record as the exporter writes it (keys in a fixed order, optional keys present
only when set, generated ids for id-less records). Import writes canonical
records and export reads them back, so comparing the two is how re-import
detects "nothing changed" and why export → import → export is byte-identical.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import math
import re
import zoneinfo
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import NamedTuple

from django.core.exceptions import FieldDoesNotExist

from tongxing.activities.models import (
    VITAL_RANGES,
    Activity,
    ActivityFormat,
    ActivityKind,
    Feedback,
    FeedbackTopic,
    Funding,
    Group,
    GroupKind,
    MedicalAssessment,
    NursingRecord,
    Training,
    UrineResult,
)
from tongxing.appointments.models import APPOINTMENT_KINDS, AppointmentStatus
from tongxing.cases.models import (
    Approval,
    ApprovalKind,
    ApprovalStatus,
    Case,
    CaseType,
    Collaboration,
    CollaborationKind,
    Episode,
    Involvement,
    Mode,
    Party,
    Referral,
    ReferralCategory,
    ReferralStatus,
    Stage,
    Stakeholder,
)
from tongxing.lib.collector import cycle_collector_paused
from tongxing.organisations.models import (
    REGION_OF_TIME_ZONE,
    Agency,
    Organisation,
    PeerType,
    Region,
    Role,
    School,
    SchoolKind,
    Staff,
    Unit,
    Workplace,
)
from tongxing.outcomes.library import LIBRARY
from tongxing.outcomes.models import Better, Instrument, TimePoint, Use
from tongxing.people.models import (
    DISTRICTS_BY_REGION,
    Channel,
    Child,
    District,
    Drug,
    Education,
    Employment,
    Person,
    Relationship,
    Sex,
)
from tongxing.prevention.choices import (
    CallerType,
    Comparison,
    ConsultationCategory,
    PreReleaseKind,
    ServiceItem,
)
from tongxing.prevention.figures import FIGURES
from tongxing.prevention.kpi import FormulaError
from tongxing.prevention.kpi import parse as parse_kpi
from tongxing.prevention.models import HotlineCall, Kpi, Lecture, PreReleaseSession
from tongxing.privacy.crypto import normalise
from tongxing.privacy.identity import hkid_valid, phone_valid, twid_valid
from tongxing.privacy.models import Consent, Disclosure, IdentityKind
from tongxing.projects.models import (
    ChangeRule,
    Criterion,
    OutcomeIndicator,
    OutputIndicator,
    OutputKind,
    Programme,
    Project,
)
from tongxing.standards.codes import STANDARD_CODES
from tongxing.standards.models import AgreedLevel, ConversionRoute
from tongxing.teams.models import TeamRole

FORMAT = "tongxing-exchange"
VERSION = 2
VERSIONS = (1, 2)
WEEKDAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
# Whole numbers are stored in 32-bit columns; dates outside these years are typing mistakes, and
# times near year 1 or 9999 overflow when converted between time zones.
INT_MAX = 2**31 - 1
YEARS = (1900, 2200)


class Problems(list):
    def add(self, path, message):
        self.append(f"{path}: {message}")


@dataclass
class Field:
    """One key of a record: its type, whether it must be there, and its default."""

    # str, text, date, datetime, instant, bool, int, signed, number, enum, enums (not empty), enumlist, counts, scores, json,
    # index, ref, refs, list, object
    kind: str
    required: bool = False
    choices: tuple = ()
    ref: str = ""
    nullable: bool = False
    default: object = None
    omit_default: bool = True  # leave the key out of the canonical record when it holds the default
    maximum: int = INT_MAX


def f(kind, *, required=False, choices=None, ref="", nullable=False, default=None, omit_default=True,
      maximum=INT_MAX):
    values = tuple(c.value for c in choices) if choices is not None and hasattr(choices, "__members__") else (
        tuple(choices or ()))
    return Field(kind, required, values, ref, nullable, default, omit_default, maximum)


ID = f("str", required=True)

# Record shapes, in the order the canonical record lists their keys.
SHAPES: dict[str, dict[str, Field]] = {
    "staff": {
        "id": ID, "name": f("str", required=True),
        # A colleague with a login but no professional role yet (an administrator, a clerk) holds none.
        "roles": f("enumlist", required=True, choices=Role, default=[], omit_default=False),
        "peer_type": f("enum", choices=PeerType),
        # v2: grants of medical access to this unit's clients
        "medical_access": f("list", default=[], ref="medical_access"),
    },
    "medical_access": {"granted_on": f("date", required=True),
                       "revoked_on": f("date", nullable=True, omit_default=False)},
    "establishment": {
        "role": f("enum", required=True, choices=Role), "as_of": f("date", required=True),
        "count": f("int", required=True),
    },
    "schools": {
        "id": ID, "name": f("str", required=True), "kind": f("enum", required=True, choices=SchoolKind),
        "in_service_area": f("bool", default=True, omit_default=False),
        "school_social_work": f("bool", default=False, omit_default=False),
        "healthy_school_programme": f("bool", default=False, omit_default=False),
        "international_or_esf": f("bool", default=False, omit_default=False),
    },
    "workplaces": {"id": ID, "name": f("str", required=True), "employees": f("int", required=True)},
    "people": {
        "id": ID, "name": f("str"), "name_en": f("str"), "phone": f("str"),
        "sex": f("enum", required=True, choices=Sex), "birth_date": f("date", nullable=True),
        "pregnant": f("bool", nullable=True),
        "children": f("list", default=[], ref="children"),
        "drug_use": f("list", default=[], ref="drug_use"),
        "identification": f("object", nullable=True, ref="identification"),
        # v2
        "reference": f("str"), "merged_into": f("ref", ref="people", nullable=True),
        "identity_numbers": f("list", default=[], ref="identity_numbers"),
        "consents": f("list", default=[], ref="consents"),
        "disclosures": f("list", default=[], ref="disclosures"),
        # v2: intake (issue 19)
        "district": f("enum", choices=District), "address": f("str"),
        "education": f("enum", choices=Education), "employment": f("enum", choices=Employment),
        "emergency_contact": f("object", nullable=True, ref="emergency_contact"),
    },
    "emergency_contact": {"name": f("str", required=True), "relationship": f("enum", choices=Relationship),
                          "phone": f("str", required=True)},
    "identity_numbers": {"kind": f("enum", required=True, choices=IdentityKind), "number": f("str", required=True)},
    "consents": {
        "recipient": f("str", required=True), "information": f("str", required=True),
        "purpose": f("str", required=True), "given_on": f("date", required=True),
        "expires_on": f("date", nullable=True, omit_default=False), "revoked_on": f("date", nullable=True,
                                                                                     omit_default=False),
    },
    "disclosures": {
        "at": f("instant", required=True), "recipient": f("str", required=True),
        "information": f("str", required=True), "purpose": f("str", required=True),
        "channel": f("enum", required=True, choices=("export", "report", "referral", "other")),
        "consent": f("index", nullable=True, omit_default=False),  # position in the person's consents
        "legal_basis": f("str", default="", omit_default=False),
    },
    "children": {"birth_date": f("date", required=True), "carer": f("str")},
    "drug_use": {"drug": f("enum", required=True, choices=Drug), "last_used": f("date", nullable=True)},
    "identification": {"date": f("date", required=True), "channel": f("enum", required=True, choices=Channel)},
    "cases": {
        "id": ID, "type": f("enum", required=True, choices=CaseType),
        "parent_case": f("bool", default=False, omit_default=False),
        "client": f("ref", required=True, ref="people"),
        "members": f("refs", ref="people", default=[], omit_default=False),
        "worker": f("ref", ref="staff", nullable=True, omit_default=False),
        "merged_into": f("ref", ref="cases", nullable=True, omit_default=False),
        "episodes": f("list", default=[], ref="episodes", omit_default=False),
        # v2
        "next_action": f("str"), "next_action_due": f("date", nullable=True),
        "team": f("list", default=[], ref="team"),
        "approvals": f("list", default=[], ref="approvals"),
    },
    # A case plan or closure put to the supervisor; `episode` is the opening date of its episode.
    "approvals": {
        "episode": f("date", required=True), "kind": f("enum", required=True, choices=ApprovalKind),
        "status": f("enum", required=True, choices=ApprovalStatus), "requested_at": f("instant", required=True),
        "decided_at": f("instant", nullable=True, omit_default=False),
        "comment": f("text", default="", omit_default=False),
        # The closure proposed (kind "closure"): on the episode only once approved.
        "closed": f("date", nullable=True, omit_default=False),
        "plan_achieved": f("bool", nullable=True, omit_default=False),
        "last_drug_use": f("date", nullable=True, omit_default=False),
        "closure_reason": f("str", default="", omit_default=False),
    },
    "team": {"staff": f("ref", required=True, ref="staff"), "role": f("enum", required=True, choices=TeamRole),
             "added_on": f("date", required=True)},
    "episodes": {
        "opened": f("date", required=True), "closed": f("date", nullable=True),
        "plan": f("object", nullable=True, ref="plan"),
        "closure": f("object", nullable=True, ref="closure"),
    },
    "plan": {
        "date": f("date", required=True), "direction": f("text", default="", omit_default=False),
        "timetable": f("text", default="", omit_default=False), "actions": f("text", default="", omit_default=False),
        "goals": f("text", default="", omit_default=False),
    },
    "closure": {
        "plan_achieved": f("bool", nullable=True, omit_default=False),
        "last_drug_use": f("date", nullable=True, omit_default=False),
        "reason": f("str", default="", omit_default=False),
    },
    "involvements": {
        "id": ID, "case": f("ref", required=True, ref="cases"), "date": f("date", required=True),
        "party": f("enum", required=True, choices=Party), "stakeholder": f("enum", choices=Stakeholder, nullable=True),
        "stage": f("enum", choices=Stage, nullable=True), "mode": f("enum", choices=Mode, nullable=True),
    },
    "collaborations": {
        "id": ID, "case": f("ref", required=True, ref="cases"), "date": f("date", required=True),
        "kind": f("enum", required=True, choices=CollaborationKind),
    },
    "referrals": {
        "id": ID, "person": f("ref", required=True, ref="people"), "case": f("ref", ref="cases", nullable=True),
        "direction": f("enum", required=True, choices=("in", "out")),
        "category": f("enum", required=True, choices=ReferralCategory), "agency": f("str"),
        "date": f("date", required=True), "status": f("enum", choices=ReferralStatus, default="sent",
                                                      omit_default=False),
        "status_date": f("date", nullable=True), "status_reason": f("str"),
        "reason": f("text"), "notes": f("text"), "awaiting_consent": f("bool", default=False),
    },
    "groups": {"id": ID, "kind": f("enum", required=True, choices=GroupKind), "title": f("str", default="",
                                                                                          omit_default=False)},
    "activities": {
        "id": ID, "kind": f("enum", required=True, choices=ActivityKind),
        "format": f("enum", choices=ActivityFormat, nullable=True),
        "start": f("datetime", required=True), "end": f("datetime", required=True),
        "full_day": f("bool", default=False, omit_default=False),
        "staff": f("refs", ref="staff", default=[], omit_default=False),
        "people": f("refs", ref="people", default=[], omit_default=False),
        "headcount": f("int", default=0, omit_default=False),
        "psa_contacted": f("int", nullable=True),
        "case": f("ref", ref="cases", nullable=True), "group": f("ref", ref="groups", nullable=True),
        "school": f("ref", ref="schools", nullable=True), "workplace": f("ref", ref="workplaces", nullable=True),
        "funded_by": f("enum", choices=Funding, nullable=True), "place": f("str"), "note": f("text"),
        # v2
        "project": f("ref", ref="projects", nullable=True),
        "nursing": f("object", nullable=True, ref="nursing"),
    },
    "nursing": {
        "systolic": f("int", nullable=True, omit_default=False), "diastolic": f("int", nullable=True, omit_default=False),
        "pulse": f("int", nullable=True, omit_default=False),
        "temperature": f("number", nullable=True, omit_default=False),
        "weight": f("number", nullable=True, omit_default=False), "medication": f("text"),
        "urine": f("list", default=[], ref="urine", omit_default=False),
    },
    "urine": {"drug": f("enum", required=True, choices=Drug),
              "result": f("enum", required=True, choices=UrineResult)},
    "medical_assessments": {
        "id": ID, "person": f("ref", required=True, ref="people"), "date": f("date", required=True),
        "by": f("ref", required=True, ref="staff"), "plan": f("bool", default=False, omit_default=False),
        # v2: the assessment's parts
        "health_condition": f("text"), "drug_needs": f("text"), "plan_details": f("text"),
    },
    "feedback": {
        "id": ID, "activity": f("ref", required=True, ref="activities"),
        "person": f("ref", ref="people", nullable=True, omit_default=False),
        "school": f("ref", ref="schools", nullable=True, omit_default=False),
        "topic": f("enum", required=True, choices=FeedbackTopic), "positive": f("bool", required=True),
    },
    "trainings": {
        "id": ID, "staff": f("ref", required=True, ref="staff"), "date": f("date", required=True),
        "paid": f("bool", default=False, omit_default=False), "title": f("str", default="", omit_default=False),
    },
    "conversions": {
        "fy": f("int", required=True, maximum=YEARS[1]), "route": f("enum", required=True, choices=ConversionRoute),
        "schools": f("int", required=True),
    },
    # --- v2 collections ---
    "instruments": {
        "code": f("str", required=True), "name": f("str", required=True), "name_en": f("str"),
        "description": f("text"), "better": f("enum", required=True, choices=Better),
        "use": f("enum", choices=Use, default="pre_post", omit_default=False),
        "agree_at": f("signed", nullable=True, omit_default=False),
        "min_change": f("int", nullable=True, omit_default=False),
        "scales": f("list", default=[], ref="scales", omit_default=False),
        "subscales": f("list", default=[], ref="subscales", omit_default=False),
        "items": f("list", default=[], ref="items", omit_default=False),
        "bands": f("list", default=[], ref="bands", omit_default=False),
    },
    "scales": {"code": f("str", required=True), "options": f("list", default=[], ref="options", omit_default=False)},
    "options": {"value": f("signed", required=True), "label": f("str", default="", omit_default=False),
                "label_en": f("str")},
    "subscales": {"code": f("str", required=True), "name": f("str", required=True), "name_en": f("str")},
    "items": {
        "number": f("int", required=True), "text": f("str", required=True), "text_en": f("str"),
        "scale": f("str", required=True), "reverse": f("bool", default=False, omit_default=False),
        "subscale": f("str", nullable=True, omit_default=False),
        "flag_above": f("signed", nullable=True, omit_default=False),
    },
    "bands": {"lower": f("signed", required=True), "label": f("str", required=True), "label_en": f("str"),
              "alert": f("bool", default=False, omit_default=False)},
    "projects": {
        "code": f("str", required=True), "title": f("str", required=True), "title_en": f("str"),
        "funder": f("str"), "start": f("date", required=True), "end": f("date", required=True),
        "counts_in_annual_return": f("bool", default=True, omit_default=False),
        "programmes": f("list", default=[], ref="programmes", omit_default=False),
        "enrolments": f("list", default=[], ref="enrolments", omit_default=False),
        "outputs": f("list", default=[], ref="outputs", omit_default=False),
        "outcomes": f("list", default=[], ref="outcomes", omit_default=False),
    },
    "programmes": {
        "name": f("str", required=True), "name_en": f("str"),
        "activity_kinds": f("enumlist", choices=ActivityKind, default=[], omit_default=False),
        "activity_format": f("enum", choices=ActivityFormat, nullable=True),
        "group_kinds": f("enumlist", choices=GroupKind, default=[], omit_default=False),
        "groups": f("refs", ref="groups", default=[], omit_default=False),
        "staff": f("refs", ref="staff", default=[], omit_default=False),
        "case_type": f("enum", choices=CaseType, nullable=True),
    },
    "enrolments": {
        "programme": f("index", nullable=True, omit_default=False),  # position in the project's programmes
        "person": f("ref", required=True, ref="people"), "date": f("date", required=True),
        "ended": f("date", nullable=True, omit_default=False),
    },
    "outputs": {
        "number": f("str", required=True), "order": f("int", default=0, omit_default=False),
        "description": f("text", required=True), "description_en": f("text"),
        "kind": f("enum", required=True, choices=OutputKind),
        "programme": f("index", nullable=True, omit_default=False),
        "at_least": f("int", nullable=True, omit_default=False), "at_most": f("int", nullable=True, omit_default=False),
        "target": f("number", required=True), "target_is_percent": f("bool", default=False, omit_default=False),
        "manual_value": f("number", nullable=True, omit_default=False), "evidence": f("text"),
    },
    "outcomes": {
        "number": f("str", required=True), "order": f("int", default=0, omit_default=False),
        "description": f("text", required=True), "description_en": f("text"),
        "instrument": f("ref", required=True, ref="instruments"), "group": f("ref", ref="groups", nullable=True),
        "criterion": f("enum", choices=Criterion, default="improved_or_t", omit_default=False),
        "threshold": f("number", default=70, omit_default=False),
        "alpha": f("number", default=0.05, omit_default=False),
        "rule": f("enum", choices=ChangeRule, default="any", omit_default=False),
        "min_change": f("int", nullable=True, omit_default=False),
        "after": f("enum", choices=("post", "follow_up"), default="post", omit_default=False),
    },
    "appointments": {
        "person": f("ref", required=True, ref="people"), "case": f("ref", ref="cases", nullable=True),
        "staff": f("ref", required=True, ref="staff"),
        "kind": f("enum", choices=APPOINTMENT_KINDS, default="interview", omit_default=False),
        "start": f("datetime", required=True), "minutes": f("int", default=60, omit_default=False),
        "place": f("str"), "purpose": f("text"),
        "status": f("enum", choices=AppointmentStatus, default="scheduled", omit_default=False),
        "status_reason": f("str"), "activity": f("ref", ref="activities", nullable=True),
    },
    "institutions": {"name": f("str", required=True)},
    # The unit's agency list: a referral's `agency` and a consent's `recipient` naming one are linked to it.
    "agencies": {"name": f("str", required=True), "in_use": f("bool", default=True)},
    "pre_release_sessions": {
        "id": ID, "institution": f("ref", required=True, ref="institutions"),
        "kind": f("enum", required=True, choices=PreReleaseKind), "date": f("date", required=True),
        "participants": f("int", required=True),
    },
    "lectures": {
        "id": ID, "date": f("date", required=True), "title": f("str", default="", omit_default=False),
        "required": f("int", required=True), "attended": f("int", required=True),
        "registrants": f("list", default=[], ref="registrants", omit_default=False),
        "consultations": f("counts", choices=ConsultationCategory, default={}, omit_default=False),
    },
    "registrants": {"person": f("ref", required=True, ref="people"),
                    "attended": f("bool", default=False, omit_default=False)},
    "hotline_calls": {
        "id": ID, "received": f("datetime", required=True), "caller": f("enum", required=True, choices=CallerType),
        "items": f("enumlist", choices=ServiceItem, default=[], omit_default=False), "note": f("text"),
    },
    "kpis": {
        "id": ID, "name": f("str", required=True), "formula": f("str", required=True),
        "target": f("number", required=True), "as_percent": f("bool", default=True, omit_default=False),
        "comparison": f("enum", choices=Comparison, default="at_least", omit_default=False),
        "starts": f("date", required=True), "ends": f("date", required=True),
    },
    "administrations": {
        "instrument": f("ref", required=True, ref="instruments"), "person": f("ref", required=True, ref="people"),
        "case": f("ref", ref="cases", nullable=True), "group": f("ref", ref="groups", nullable=True),
        "date": f("date", required=True), "time_point": f("enum", required=True, choices=TimePoint),
        "answers": f("scores", required=True), "entered_at": f("instant", nullable=True),
        "risk_alert": f("object", nullable=True, ref="risk_alert"),
    },
    "risk_alert": {
        "case": f("ref", ref="cases", nullable=True, omit_default=False),
        "reasons": f("json", default=[], omit_default=False), "raised_at": f("instant", required=True),
        "acknowledged_at": f("instant", nullable=True, omit_default=False), "action_taken": f("text"),
    },
}

# Top-level collections in the order they are written (references point backwards,
# except cases.merged_into and feedback → activities, which are resolved in the same pass).
COLLECTIONS = ["staff", "establishment", "schools", "workplaces", "people", "groups", "cases", "involvements",
               "collaborations", "referrals", "activities", "medical_assessments", "feedback", "trainings",
               "conversions", "agreed_levels"]
V1_COLLECTIONS = list(COLLECTIONS)
COLLECTIONS += ["instruments", "projects", "institutions", "pre_release_sessions", "lectures", "hotline_calls", "kpis",
                "administrations", "appointments", "agencies"]
# Keys v2 added to v1's records: a v1 file says nothing about them, so importing one keeps what is stored.
V2_KEYS = {"people": {"reference", "merged_into", "identity_numbers", "consents", "disclosures", "district", "address",
                      "education", "employment", "emergency_contact"},
           "cases": {"next_action", "next_action_due", "team", "approvals"}, "staff": {"medical_access"},
           "activities": {"project", "nursing"},
           "medical_assessments": {"health_condition", "drug_needs", "plan_details"},
           "referrals": {"reason", "notes", "awaiting_consent"}}
# The key naming each record, where it is not "id".
ID_KEY = {"instruments": "code", "projects": "code", "institutions": "name", "agencies": "name"}
# Records without a single id: the keys that name them.
NATURAL_KEY = {"establishment": ("role", "as_of"), "conversions": ("fy", "route"),
               "administrations": ("instrument", "person", "time_point", "date"),
               # Appointments have no id of their own: a person's appointment with a staff member at a time.
               "appointments": ("person", "staff", "start")}
# Shipped questionnaires every installation has (outcomes.library): files may name them without carrying them.
LIBRARY_CODES = frozenset(spec["code"] for spec in LIBRARY)
# Records the source format gives no id: an id is made from their position so that
# re-importing the same file finds them again.
GENERATED_ID_PREFIX = {"involvements": "inv", "collaborations": "col", "medical_assessments": "ma",
                       "feedback": "fb", "trainings": "tr"}
NESTED = {"children", "drug_use", "identification", "episodes", "plan", "closure", "identity_numbers", "consents",
          "disclosures", "team", "approvals", "medical_access", "scales", "options", "subscales", "items", "bands",
          "programmes", "enrolments", "outputs", "outcomes", "registrants", "risk_alert", "nursing", "urine",
          "emergency_contact"}


def record_key(name: str, rec: dict):
    """What names a record of collection `name` across files and the database."""
    if name in NATURAL_KEY:
        return tuple(rec.get(k) for k in NATURAL_KEY[name])
    if name == "agreed_levels":
        return rec["fy"]
    return rec[ID_KEY.get(name, "id")]

# Where each shape's strings are stored (key -> model field when the names differ), so a string longer
# than its column is refused here instead of failing (PostgreSQL) or being kept whole (SQLite) on write.
STORED_IN = {
    "staff": (Staff, {"id": "external_id"}), "schools": (School, {"id": "external_id"}),
    "workplaces": (Workplace, {"id": "external_id"}), "people": (Person, {"id": "external_id"}),
    "emergency_contact": (Person, {"name": "emergency_name", "relationship": "emergency_relationship",
                                   "phone": "emergency_phone"}),
    "children": (Child, {}), "cases": (Case, {"id": "external_id"}),
    "closure": (Episode, {"reason": "closure_reason"}), "approvals": (Approval, {}),
    "involvements": (Involvement, {"id": "external_id"}), "collaborations": (Collaboration, {"id": "external_id"}),
    "referrals": (Referral, {"id": "external_id"}), "groups": (Group, {"id": "external_id"}),
    "activities": (Activity, {"id": "external_id"}), "nursing": (NursingRecord, {}),
    "medical_assessments": (MedicalAssessment, {"id": "external_id"}),
    "feedback": (Feedback, {"id": "external_id"}), "trainings": (Training, {"id": "external_id"}),
    "consents": (Consent, {}), "disclosures": (Disclosure, {}), "instruments": (Instrument, {}),
    "projects": (Project, {}), "programmes": (Programme, {}), "outputs": (OutputIndicator, {}),
    "outcomes": (OutcomeIndicator, {}), "pre_release_sessions": (PreReleaseSession, {"id": "external_id"}),
    "lectures": (Lecture, {"id": "external_id"}), "hotline_calls": (HotlineCall, {"id": "external_id"}),
    "kpis": (Kpi, {"id": "external_id"}), "agencies": (Agency, {}),
}


def max_length(model, field_name):
    try:
        return getattr(model._meta.get_field(field_name), "max_length", None)
    except FieldDoesNotExist:
        return None


@functools.cache  # models do not change while the process runs; asked once per key of every record
def shape_max_length(shape, key):
    model, renamed = STORED_IN.get(shape, (None, {}))
    return max_length(model, renamed.get(key, key)) if model is not None else None


class _KeyPlan(NamedTuple):
    """How Parser.record reads one key of a shape."""

    key: str
    spec: Field
    limit: int | None  # the column's length
    plain: Callable | None  # the plain-value check (_plain_check)
    required: bool
    blank_missing: bool  # an empty string counts as not given
    omit_default: bool  # the default is left out of the record


@functools.cache  # a shape's keys and how to read them, for every record: worked out once per process
def _shape_plan(shape) -> tuple[_KeyPlan, ...]:
    plan = []
    for key, spec in SHAPES[shape].items():
        limit = shape_max_length(shape, key)
        plan.append(_KeyPlan(key, spec, limit, _plain_check(spec, limit), spec.required,
                             not spec.required and spec.kind != "text", spec.omit_default))
    return tuple(plan)


@functools.lru_cache(maxsize=4096)
def _record_plan(shape, given: tuple):
    """The keys of `shape` Parser.record must visit for a record giving the keys `given`: those given, those
    required and those whose default is written out. A key neither given nor any of these adds nothing to the
    record; a collection's records mostly give the same keys, and most shapes have many optional ones (an
    activity gives about half of its eighteen)."""
    given = set(given)
    return tuple(entry for entry in _shape_plan(shape)
                 if entry.key in given or entry.required or not entry.omit_default)


# What _plain_check's checks answer for a value they leave to Parser.value.
_ASK = object()


def _plain_check(spec: Field, limit: int | None):
    """A check for the values most files hold (of the right type, valid and already in canonical form): it returns
    the value unchanged, or _ASK for Parser.value to decide and word any problem; None where every value is
    asked. At city scale Parser.value's general checks were most of the validation's time.

    A printable string (str.isprintable) holds no NUL, no unpaired surrogate and no whitespace but the ASCII
    space, so strip() can only change it at its ends."""
    k = spec.kind
    limit = INT_MAX if limit is None else limit
    maximum = spec.maximum
    if k == "enum":
        choices = frozenset(spec.choices)
        return lambda v: v if v.__class__ is str and v in choices else _ASK
    if k == "bool":
        return lambda v: v if v is True or v is False else _ASK
    if k in ("int", "index"):
        return lambda v: v if v.__class__ is int and 0 <= v <= maximum else _ASK
    if k == "signed":
        return lambda v: v if v.__class__ is int and -maximum <= v <= maximum else _ASK
    if k == "str":
        return lambda v: (v if v.__class__ is str and len(v) <= limit and v.isprintable() and v[:1] != " "
                          and v[-1:] != " " else _ASK)
    if k == "text":
        return lambda v: v if v.__class__ is str and len(v) <= limit and v.isprintable() else _ASK
    if k == "ref":
        return lambda v: v if v.__class__ is str and v.isprintable() else _ASK
    if k == "refs":
        return _plain_refs
    if k in ("date", "datetime", "instant"):
        form = {"date": _CANONICAL_DATE, "datetime": _CANONICAL_LOCAL["YYYY-MM-DDTHH:MM"],
                "instant": _CANONICAL_LOCAL["YYYY-MM-DDTHH:MM:SS"]}[k]
        read = dt.date.fromisoformat if k == "date" else dt.datetime.fromisoformat
        return functools.partial(_plain_time, form.fullmatch, read)
    return None


def _plain_refs(v):
    if v.__class__ is not list:
        return _ASK
    try:
        joined = "".join(v)  # every id a string, and all printable at once
    except TypeError:
        return _ASK
    return list(v) if joined.isprintable() and len(set(v)) == len(v) else _ASK


def _plain_time(fullmatch, read, v):
    if v.__class__ is not str or fullmatch(v) is None:
        return _ASK
    try:
        year = read(v).year
    except ValueError:
        return _ASK
    return v if YEARS[0] <= year <= YEARS[1] else _ASK


@functools.cache
def _reference_keys(shape):
    """The keys of a shape that name records, or hold records that may (the only ones references are read from)."""
    return tuple((key, spec) for key, spec in SHAPES[shape].items()
                 if spec.kind in ("ref", "refs") or (spec.kind in ("list", "object") and spec.ref in SHAPES))


def show(value, limit=60):
    """A value quoted for a message, cut short so a 10,000-character mistake gives a readable line."""
    text = repr(value)
    return text if len(text) <= limit else text[:limit] + "…"


def text_problem(value: str, limit: int | None = None):
    """Why a string cannot be stored, or None: NUL characters and unpaired surrogates are refused by
    PostgreSQL (and are never meant), and a string longer than its column would fail or be cut."""
    if "\x00" in value:
        return "contains a NUL character"
    if not value.isascii():  # ASCII (most ids, codes and choices) holds no surrogate
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return "contains an unpaired surrogate (not valid Unicode text)"
    if limit is not None and len(value) > limit:
        return f"too long: {len(value)} characters (at most {limit})"
    return None


def _in_years(value, parsed):
    if not YEARS[0] <= parsed.year <= YEARS[1]:
        raise ValueError(f"year out of range ({YEARS[0]}–{YEARS[1]}): {show(value)}")
    return parsed


def _refuse_constant(name):
    raise ValueError(f"{name} is not a number JSON allows")


@cycle_collector_paused()
def loads(text):
    """A file's JSON; ValueError with a readable reason for anything that is not plain JSON (NaN, Infinity,
    nesting deeper than Python's stack)."""
    try:
        return json.loads(text, parse_constant=_refuse_constant)
    except RecursionError:
        raise ValueError("nested too deeply") from None


def parse_date(value):
    if not isinstance(value, str) or len(value) != 10:
        raise ValueError(f"not a date (YYYY-MM-DD): {show(value)}")
    try:
        parsed = dt.date.fromisoformat(value)
    except ValueError:
        raise ValueError(f"not a date (YYYY-MM-DD): {show(value)}") from None
    return _in_years(value, parsed)


# The canonical forms, in ASCII digits: read by fromisoformat, several times faster than strptime, which stays
# for the forms it alone accepts (other digits, which it writes back in ASCII).
_CANONICAL_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_CANONICAL_LOCAL = {"YYYY-MM-DDTHH:MM": re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}"),
                    "YYYY-MM-DDTHH:MM:SS": re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}")}


def _read_local(value, pattern: str, shape: str):
    """A local time written exactly as `shape` (its length and the T between date and time checked first), and
    whether it is written in the canonical form."""
    if not isinstance(value, str) or len(value) != len(shape) or value[10] != "T":
        raise ValueError(f"not a local time ({shape}): {show(value)}")
    canonical = _CANONICAL_LOCAL[shape].fullmatch(value) is not None
    try:
        parsed = dt.datetime.fromisoformat(value) if canonical else dt.datetime.strptime(value, pattern)
    except ValueError:
        raise ValueError(f"not a local time ({shape}): {show(value)}") from None
    return _in_years(value, parsed), canonical


def _parse_local(value, pattern: str, shape: str):
    return _read_local(value, pattern, shape)[0]


def parse_datetime(value):
    return _parse_local(value, "%Y-%m-%dT%H:%M", "YYYY-MM-DDTHH:MM")


def parse_instant(value):
    return _parse_local(value, "%Y-%m-%dT%H:%M:%S", "YYYY-MM-DDTHH:MM:SS")


def _canonical_local(value, pattern: str, shape: str) -> str:
    """`value` in its canonical form: itself when already written so, else rewritten."""
    parsed, canonical = _read_local(value, pattern, shape)
    return value if canonical else parsed.strftime(pattern)


def parse_hhmm(value):
    try:
        return dt.datetime.strptime(value, "%H:%M").time()
    except (TypeError, ValueError):
        raise ValueError(f"not a time (HH:MM): {show(value)}") from None


@dataclass
class Document:
    """A valid document in canonical form."""

    unit: dict
    organisation: dict
    records: dict[str, list[dict]] = field(default_factory=dict)
    # False when the file names no organisation: an existing unit then stays in its own.
    organisation_given: bool = True
    # The file's version: a v1 file says nothing about v2's keys and collections.
    version: int = VERSION
    # Forms without a risk alert of their own raise one where their answers cross a risk rule (spreadsheets,
    # like the form page); an exchange file's forms carry theirs.
    raise_alerts: bool = False

    def as_json(self) -> dict:
        out = {"format": FORMAT, "version": VERSION, "organisation": self.organisation, "unit": self.unit}
        for name in COLLECTIONS:
            out[name] = self.records.get(name, [])
        return out


class Parser:
    def __init__(self):
        self.problems = Problems()
        self.ids: dict[str, set[str]] = {}

    def value(self, path, key, spec: Field, value, limit=None):
        """Check the value of `key` in the record at `path` against its spec; return the canonical value (or raise
        ValueError)."""
        if value is None:
            if spec.nullable or not spec.required:
                return None
            raise ValueError("must not be null")
        k = spec.kind
        if k in ("str", "text"):
            if not isinstance(value, str):
                raise ValueError(f"must be a string, not {type(value).__name__}")
            value = value.strip() if k == "str" else value
            if problem := text_problem(value, limit):
                raise ValueError(problem)
            return value
        if k == "bool":
            if not isinstance(value, bool):
                raise ValueError(f"must be true or false, not {value!r}")
            return value
        if k == "int":
            if isinstance(value, bool) or not isinstance(value, int):
                raise ValueError(f"must be a whole number, not {value!r}")
            if value < 0:
                raise ValueError(f"must not be negative: {show(value)}")
            if value > spec.maximum:
                raise ValueError(f"too large: {show(value)} (at most {spec.maximum})")
            return value
        if k in ("signed", "index"):
            if isinstance(value, bool) or not isinstance(value, int):
                raise ValueError(f"must be a whole number, not {value!r}")
            if abs(value) > spec.maximum or (k == "index" and value < 0):
                raise ValueError(f"out of range: {show(value)}")
            return value
        if k == "number":
            if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value) or value < 0:
                raise ValueError(f"must be a non-negative number, not {show(value)}")
            if value >= NUMBER_LIMIT:
                raise ValueError(f"too large: {show(value)} (below {NUMBER_LIMIT})")
            return int(value) if float(value).is_integer() else value
        if k == "date":
            return parse_date(value).isoformat()
        if k == "datetime":
            return _canonical_local(value, "%Y-%m-%dT%H:%M", "YYYY-MM-DDTHH:MM")
        if k == "instant":
            return _canonical_local(value, "%Y-%m-%dT%H:%M:%S", "YYYY-MM-DDTHH:MM:SS")
        if k in ("enums", "enumlist"):  # enumlist may be empty, enums may not
            if not isinstance(value, list) or not (value or k == "enumlist"):
                raise ValueError("must be a list" if k == "enumlist" else "must be a non-empty list")
            for i, v in enumerate(value):
                if not isinstance(v, str) or v not in spec.choices:
                    raise ValueError(f"[{i}] unknown value {show(v)} (expected one of {', '.join(spec.choices)})")
            if len(set(value)) != len(value):
                raise ValueError("lists a value twice")
            return list(value)
        if k == "counts":
            if not isinstance(value, dict):
                raise ValueError("must be an object of counts")
            for key, v in value.items():
                if key not in spec.choices:
                    raise ValueError(f"unknown category {show(key)} (expected one of {', '.join(spec.choices)})")
                if isinstance(v, bool) or not isinstance(v, int) or not 0 <= v <= spec.maximum:
                    raise ValueError(f"{key}: must be a whole number of at least 0, not {show(v)}")
            return {c: value[c] for c in spec.choices if value.get(c)}
        if k == "scores":
            if not isinstance(value, dict) or not value:
                raise ValueError("must be an object of item number to answer, such as {\"1\": 2}")
            out = {}
            for key, v in value.items():
                if not (isinstance(key, str) and key.isdigit() and 0 < int(key) < 10000):
                    raise ValueError(f"not an item number: {show(key)}")
                if isinstance(v, bool) or not isinstance(v, int) or abs(v) > spec.maximum:
                    raise ValueError(f"{key}: must be a whole number, not {show(v)}")
                out[str(int(key))] = v
            return {key: out[key] for key in sorted(out, key=int)}
        if k == "json":
            return value
        if k == "enum":
            if not isinstance(value, str) or value not in spec.choices:
                raise ValueError(f"unknown value {show(value)} (expected one of {', '.join(spec.choices)})")
            return value
        if k == "ref":
            if not isinstance(value, str):
                raise ValueError(f"must be an id string, not {type(value).__name__}")
            if problem := text_problem(value):
                raise ValueError(problem)
            return value  # resolved after every collection's ids are known
        if k == "refs":
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                raise ValueError("must be a list of id strings")
            for i, v in enumerate(value):
                if problem := text_problem(v):
                    raise ValueError(f"[{i}] {problem}")
            if len(set(value)) != len(value):
                raise ValueError("names the same id twice")
            return list(value)
        if k == "list":
            if not isinstance(value, list):
                raise ValueError(f"must be a list, not {type(value).__name__}")
            return [r for i, item in enumerate(value)
                    if (r := self.record(f"{path}.{key}[{i}]", spec.ref, item)) is not None]
        if k == "object":
            return self.record(f"{path}.{key}", spec.ref, value)
        raise AssertionError(k)

    def record(self, path, shape_name, raw):
        if not isinstance(raw, dict):
            self.problems.add(path, f"must be an object, not {type(raw).__name__}")
            return None
        out = {}
        plan = _record_plan(shape_name, tuple(raw))
        for key, spec, limit, plain, required, blank_missing, omit_default in plan:
            given = raw.get(key)
            if given is None or (blank_missing and given == ""):
                if required:
                    self.problems.add(f"{path}.{key}", "missing")
                    continue
                if omit_default:
                    continue
                value = spec.default
            elif plain is None or (value := plain(given)) is _ASK:
                try:
                    value = self.value(path, key, spec, given, limit)
                except ValueError as e:
                    self.problems.add(f"{path}.{key}", str(e))
                    continue
            if omit_default and (value is None or value == "" or value == spec.default):
                if required and value == "":  # given blank: missing, as the unit's code and name
                    self.problems.add(f"{path}.{key}", "missing")
                continue
            out[key] = value
        return out

    def collection(self, doc, name):
        raw = doc.get(name, [])
        if not isinstance(raw, list):
            self.problems.add(name, "must be a list")
            return []
        out = []
        seen: dict[str, int] = {}
        prefix = GENERATED_ID_PREFIX.get(name)
        id_key = ID_KEY.get(name, "id")
        for i, item in enumerate(raw):
            if prefix and isinstance(item, dict) and "id" not in item:
                item = {"id": f"{prefix}{i + 1}", **item}
            known = len(self.problems)
            path = f"{name}[{i}]"
            rec = self.record(path, name, item)
            if rec is None:
                continue
            rec["_path"] = path
            rid = rec.get(id_key)
            if rid is not None:
                if rid in seen:
                    self.problems.add(f"{name}[{i}].{id_key}",
                                      f"duplicate {id_key} {show(rid)} (first at {name}[{seen[rid]}])")
                    continue
                seen[rid] = i
            # A record with a mistake of its own is known by its id (no second "unknown id" for references
            # to it) but left out of the cross-record rules, which read its keys.
            if len(self.problems) == known:
                out.append(rec)
        self.ids[name] = set(seen)
        return out

    def resolve_refs(self, name, rec, shape=None, path=None):
        for key, spec in _reference_keys(shape or name):
            if key not in rec:
                continue
            if spec.kind == "ref" and rec[key] is not None and rec[key] not in self.known(spec.ref):
                self.problems.add(f"{path or rec['_path']}.{key}", f"unknown {spec.ref} id {show(rec[key])}")
            elif spec.kind == "refs":
                known = self.known(spec.ref)  # a union for instruments: built once per list, not per id
                for i, v in enumerate(rec[key]):
                    if v not in known:
                        self.problems.add(f"{path or rec['_path']}.{key}[{i}]", f"unknown {spec.ref} id {show(v)}")
            elif spec.kind == "list":
                for i, item in enumerate(rec[key]):
                    self.resolve_refs(name, item, spec.ref, f"{path or rec['_path']}.{key}[{i}]")
            elif spec.kind == "object" and rec[key] is not None:
                self.resolve_refs(name, rec[key], spec.ref, f"{path or rec['_path']}.{key}")

    def known(self, collection):
        ids = self.ids.get(collection, set())
        return ids | LIBRARY_CODES if collection == "instruments" else ids


@functools.cache
def _time_zones():
    return zoneinfo.available_timezones()  # reads the whole zone database: once per process


def _parse_unit(parser: Parser, raw):
    if not isinstance(raw, dict):
        parser.problems.add("unit", "missing or not an object")
        return None
    unit = {}
    for key in ("code", "name"):
        v = raw.get(key)
        if not isinstance(v, str) or not v.strip():
            parser.problems.add(f"unit.{key}", "missing")
        elif problem := text_problem(v.strip(), max_length(Unit, key)):
            parser.problems.add(f"unit.{key}", problem)
        else:
            unit[key] = v.strip()
    tz = raw.get("timezone", "Asia/Hong_Kong")
    if isinstance(tz, str) and tz in _time_zones():
        unit["timezone"] = tz
    else:
        parser.problems.add("unit.timezone", f"unknown time zone {show(tz)}")
    hours = raw.get("opening_hours", {})
    canonical_hours = {}
    if not isinstance(hours, dict):
        parser.problems.add("unit.opening_hours", "must be an object keyed by weekday")
        hours = {}
    for key in hours:
        if key not in WEEKDAYS:
            parser.problems.add(f"unit.opening_hours.{str(key)[:40]}", f"unknown weekday (expected {', '.join(WEEKDAYS)})")
    for day in WEEKDAYS:
        span = hours.get(day)
        if span is None:
            canonical_hours[day] = None
            continue
        try:
            if not isinstance(span, list) or len(span) != 2:
                raise ValueError('must be ["HH:MM", "HH:MM"] or null')
            opens, closes = parse_hhmm(span[0]), parse_hhmm(span[1])
            if closes <= opens:
                raise ValueError("closes before it opens")
            canonical_hours[day] = [opens.strftime("%H:%M"), closes.strftime("%H:%M")]
        except ValueError as e:
            parser.problems.add(f"unit.opening_hours.{day}", str(e))
    unit["opening_hours"] = canonical_hours
    required = raw.get("approval_required", False)
    if not isinstance(required, bool):
        parser.problems.add("unit.approval_required", f"must be true or false, not {show(required)}")
    elif required:  # written only when on, as optional keys holding their default are left out
        unit["approval_required"] = True
    return unit


_value_field = AgreedLevel._meta.get_field("value")
AGREED_LEVEL_LIMIT = 10 ** (_value_field.max_digits - _value_field.decimal_places)
# Numbers (targets, figures entered by hand) are stored with at most 12 digits, 2 after the point.
NUMBER_LIMIT = 10 ** 10


def _parse_agreed_levels(parser: Parser, raw):
    out, seen = [], {}
    if not isinstance(raw, list):
        parser.problems.add("agreed_levels", "must be a list")
        return out
    for i, item in enumerate(raw):
        path = f"agreed_levels[{i}]"
        if not isinstance(item, dict):
            parser.problems.add(path, "must be an object")
            continue
        fy = item.get("fy")
        if isinstance(fy, bool) or not isinstance(fy, int) or not 1990 <= fy <= 2200:
            parser.problems.add(f"{path}.fy", f"must be a financial year such as 2024, not {show(fy)}")
            continue
        if fy in seen:
            parser.problems.add(f"{path}.fy", f"duplicate year {fy} (first at agreed_levels[{seen[fy]}])")
            continue
        seen[fy] = i
        rec = {"fy": fy}
        for key, value in item.items():
            if key == "fy":
                continue
            if key not in STANDARD_CODES:
                parser.problems.add(f"{path}.{key[:40]}", "unknown standard")
            elif (isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value)
                  or value < 0):
                parser.problems.add(f"{path}.{key}", f"must be a non-negative number, not {show(value)}")
            elif value >= AGREED_LEVEL_LIMIT:
                parser.problems.add(f"{path}.{key}", f"too large: {show(value)} (below {AGREED_LEVEL_LIMIT})")
            else:
                rec[key] = value
        out.append({k: rec[k] for k in ["fy", *[c for c in STANDARD_CODES if c in rec]]})
    return out


def _check_not_future(parser: Parser, records, today: dt.date):
    """Records of work done cannot be dated after today (the unit's local day): a future-dated contact or
    closure would be counted in the current year's return. A group session planned ahead is a schedule, not
    work done, until someone attends it."""
    add = parser.problems.add
    last = today.isoformat()

    def check(path, value):
        if value is not None and value[:10] > last:
            add(path, f"after today ({last}): records of work done cannot be dated in the future")

    for p in records["people"]:
        check(f"{p['_path']}.birth_date", p.get("birth_date"))
        check(f"{p['_path']}.identification.date", (p.get("identification") or {}).get("date"))
        for i, d in enumerate(p.get("drug_use", [])):
            check(f"{p['_path']}.drug_use[{i}].last_used", d.get("last_used"))
    for c in records["cases"]:
        for i, ep in enumerate(c.get("episodes", [])):
            ep_path = f"{c['_path']}.episodes[{i}]"
            check(f"{ep_path}.opened", ep.get("opened"))
            check(f"{ep_path}.closed", ep.get("closed"))
            check(f"{ep_path}.plan.date", (ep.get("plan") or {}).get("date"))
            check(f"{ep_path}.closure.last_drug_use", (ep.get("closure") or {}).get("last_drug_use"))
    for name in ("involvements", "collaborations", "medical_assessments", "trainings"):
        for r in records[name]:
            check(f"{r['_path']}.date", r.get("date"))
    for r in records["referrals"]:
        check(f"{r['_path']}.date", r.get("date"))
        check(f"{r['_path']}.status_date", r.get("status_date"))
    planned = set()
    for a in records["activities"]:
        if a.get("kind") == "group_session" and not a.get("people"):
            planned.add(a["id"])
            continue
        check(f"{a['_path']}.start", a.get("start"))
    starts = {a["id"]: a.get("start") for a in records["activities"] if a["id"] in planned}
    for r in records["feedback"]:
        check(f"{r['_path']}.activity", starts.get(r.get("activity")))
    for name, key in (("pre_release_sessions", "date"), ("lectures", "date"), ("hotline_calls", "received"),
                      ("administrations", "date")):
        for r in records.get(name, []):
            check(f"{r['_path']}.{key}", r.get(key))
    for p in records["people"]:
        for i, c in enumerate(p.get("consents", [])):
            check(f"{p['_path']}.consents[{i}].given_on", c.get("given_on"))
        for i, d in enumerate(p.get("disclosures", [])):
            check(f"{p['_path']}.disclosures[{i}].at", d.get("at"))
    for c in records["cases"]:
        for i, m in enumerate(c.get("team", [])):
            check(f"{c['_path']}.team[{i}].added_on", m.get("added_on"))
        for i, a in enumerate(c.get("approvals", [])):
            for key in ("requested_at", "decided_at", "closed", "last_drug_use"):
                check(f"{c['_path']}.approvals[{i}].{key}", a.get(key))


def _check_rules(parser: Parser, records):
    """Cross-record rules beyond single-field types."""
    add = parser.problems.add
    cases = {c["id"]: c for c in records["cases"]}
    for c in records["cases"]:
        p = c["_path"]
        if c["type"] == "family" and c.get("parent_case"):
            add(f"{p}.parent_case", "only a PSA case can be a pregnant/parent case")
        target = c.get("merged_into")
        if target is not None:
            if c["type"] != "family":
                add(f"{p}.merged_into", "only a family case is merged into a PSA case")
            elif target in cases and cases[target]["type"] != "psa":
                add(f"{p}.merged_into", f"case {target!r} is not a PSA case")
        previous_end = None
        for i, ep in enumerate(c.get("episodes", [])):
            ep_path = f"{p}.episodes[{i}]"
            opened, closed = ep.get("opened"), ep.get("closed")
            if opened is None:
                continue
            if closed is not None and closed < opened:
                add(f"{ep_path}.closed", "before opened")
            if "closure" in ep and closed is None:
                add(f"{ep_path}.closure", "given for an episode that is not closed")
            if previous_end is not None and opened <= previous_end:
                add(f"{ep_path}.opened", "overlaps or precedes the previous episode")
            if i < len(c["episodes"]) - 1 and closed is None:
                add(f"{ep_path}.closed", "only the last episode may be open")
            previous_end = closed
    for a in records["activities"]:
        p = a["_path"]
        if "start" in a and "end" in a and a["end"] <= a["start"]:
            add(f"{p}.end", "before start" if a["end"] < a["start"] else "equal to start")
        if a["kind"] == "group_session" and "group" not in a:
            add(f"{p}.group", "a group session must name its group")
        if a["kind"] != "group_session" and "group" in a:
            add(f"{p}.group", "only a group session belongs to a group")
        if a["kind"] == "brief_counselling" and not a.get("people"):
            add(f"{p}.people", "brief counselling serves a person (people[0])")
    for r in records["referrals"]:
        if r.get("status_date") and r["status_date"] < r["date"]:
            add(f"{r['_path']}.status_date", "before the referral date")
        if r.get("status") in ("cancelled", "withdrawn") and not (r.get("status_reason") or "").strip():
            add(f"{r['_path']}.status_reason", "a cancelled or withdrawn referral needs its reason")
    seen_routes = {}
    for c in records["conversions"]:
        key = (c["fy"], c["route"])
        if key in seen_routes:
            add(f"{c['_path']}.route", f"duplicate route for {c['fy']} (first at {seen_routes[key]})")
        seen_routes[key] = c["_path"]
    seen_est = {}
    for e in records["establishment"]:
        key = (e["role"], e["as_of"])
        if key in seen_est:
            add(f"{e['_path']}.as_of", f"duplicate establishment row (first at {seen_est[key]})")
        seen_est[key] = e["_path"]


def _not_before(add, path, rec, first, then, what):
    if rec.get(then) is not None and rec.get(first) is not None and rec[then] < rec[first]:
        add(f"{path}.{then}", f"before {what}")


def _unique(add, path, items, key, what):
    seen = {}
    for i, item in enumerate(items):
        value = item.get(key)
        if value is None:
            continue
        if value in seen:
            add(f"{path}[{i}].{key}", f"{what} {show(value)} given twice (first at [{seen[value]}])")
        seen.setdefault(value, i)


def _check_intake(parser: Parser, records, timezone):
    """A person's district is one of the unit's region's (Hong Kong's 18 districts, Taiwan's 22 counties and
    cities); phones are numbers that can be dialled, by the rule the person form applies."""
    region = REGION_OF_TIME_ZONE.get(timezone)
    allowed = {d.value for d in DISTRICTS_BY_REGION.get(region, ())}
    for p in records["people"]:
        path = p["_path"]
        if p.get("district") and p["district"] not in allowed:
            where = dict(Region.choices).get(region, timezone)
            add = f"not a district of this unit's region ({where})" if allowed else (
                f"this unit's region ({where}) records no district")
            parser.problems.add(f"{path}.district", add)
        contact = p.get("emergency_contact")
        if contact and not phone_valid(contact["phone"]):
            parser.problems.add(f"{path}.emergency_contact.phone", "not a phone number")


def _check_identity_numbers(add, path, items, seen: dict):
    """As the person form: an HKID's or Taiwan ID's check digit, and one number on one person only (the number
    itself is never repeated in the message)."""
    for i, item in enumerate(items):
        kind, number = item.get("kind"), item.get("number")
        if not number:
            continue
        here = f"{path}[{i}].number"
        if kind == IdentityKind.HKID and not hkid_valid(number):
            add(here, "not a valid HK identity card number: its check digit does not match")
        elif kind == IdentityKind.TWID and not twid_valid(number):
            add(here, "not a valid Taiwan national ID: its check digit does not match")
        key = (kind, normalise(number))
        if key in seen:
            add(here, f"the same identity number is already given at {seen[key]}")
        seen.setdefault(key, here)


def _check_approvals(add, case):
    """A case's approval requests: each on one of its episodes, decided unless pending, returned with its reason,
    a closure with its date (not before the episode opened), one request pending per episode and kind."""
    opened = {ep.get("opened") for ep in case.get("episodes", [])}
    pending = {}
    for i, a in enumerate(case.get("approvals", [])):
        path = f"{case['_path']}.approvals[{i}]"
        if a.get("episode") not in opened:
            add(f"{path}.episode", f"no episode of this case opened on {show(a.get('episode'))}")
        if a.get("status") == "pending":
            key = (a.get("episode"), a.get("kind"))
            if key in pending:
                add(f"{path}.status", f"a second pending request of this kind (first at [{pending[key]}])")
            pending.setdefault(key, i)
        elif a.get("decided_at") is None:
            add(f"{path}.decided_at", "an approved or returned request needs the time of the decision")
        _not_before(add, path, a, "requested_at", "decided_at", "requested_at")
        if a.get("status") == "returned" and not (a.get("comment") or "").strip():
            add(f"{path}.comment", "a returned request needs its reason")
        if a.get("kind") == "closure":
            if a.get("closed") is None:
                add(f"{path}.closed", "a closure needs its date")
            _not_before(add, path, a, "episode", "closed", "the episode opened")
            _not_before(add, path, a, "last_drug_use", "closed", "the last drug use")


def _check_v2_rules(parser: Parser, records):
    """Cross-record rules of v2's records (what the database's constraints and the forms require)."""
    add = parser.problems.add
    identity_numbers = {}
    for p in records["people"]:
        path = p["_path"]
        if p.get("merged_into") == p["id"]:
            add(f"{path}.merged_into", "a person cannot be merged into themself")
        _unique(add, f"{path}.identity_numbers", p.get("identity_numbers", []), "kind", "identity number kind")
        _check_identity_numbers(add, f"{path}.identity_numbers", p.get("identity_numbers", []), identity_numbers)
        consents = p.get("consents", [])
        for i, c in enumerate(consents):
            _not_before(add, f"{path}.consents[{i}]", c, "given_on", "expires_on", "given_on")
            _not_before(add, f"{path}.consents[{i}]", c, "given_on", "revoked_on", "given_on")
        for i, d in enumerate(p.get("disclosures", [])):
            if d.get("consent") is not None and d["consent"] >= len(consents):
                add(f"{path}.disclosures[{i}].consent", f"no consent [{d['consent']}] on this person")
            if d.get("consent") is None and not d.get("legal_basis"):
                add(f"{path}.disclosures[{i}].legal_basis", "a disclosure without consent needs its legal basis")
    for c in records["cases"]:
        _unique(add, f"{c['_path']}.team", c.get("team", []), "staff", "staff member")
        _check_approvals(add, c)
    for a in records["activities"]:
        nursing = a.get("nursing")
        if not nursing:
            continue
        path = f"{a['_path']}.nursing"
        if a["kind"] != "nursing":
            add(path, "only a nursing session has a nursing record")
        for key, (low, high, unit) in VITAL_RANGES.items():
            if nursing.get(key) is not None and not low <= nursing[key] <= high:
                add(f"{path}.{key}", f"outside {low}–{high} {unit}")
        if (nursing.get("systolic") is None) != (nursing.get("diastolic") is None):
            add(f"{path}.diastolic", "blood pressure needs both figures")
        elif nursing.get("systolic") is not None and nursing["systolic"] <= nursing["diastolic"]:
            add(f"{path}.diastolic", "must be below the systolic figure")
        _unique(add, f"{path}.urine", nursing.get("urine", []), "drug", "drug")
    for st in records["staff"]:
        for i, g in enumerate(st.get("medical_access", [])):
            _not_before(add, f"{st['_path']}.medical_access[{i}]", g, "granted_on", "revoked_on", "granted_on")
    for ins in records["instruments"]:
        path = ins["_path"]
        if ins["code"] in LIBRARY_CODES:
            add(f"{path}.code", f"{ins['code']!r} is a shipped questionnaire; name it without defining it")
        elif not re.fullmatch(r"[-a-zA-Z0-9_]+", ins["code"]):
            add(f"{path}.code", "letters, digits, - and _ only")
        _unique(add, f"{path}.scales", ins["scales"], "code", "scale")
        _unique(add, f"{path}.subscales", ins["subscales"], "code", "subscale")
        _unique(add, f"{path}.items", ins["items"], "number", "item number")
        _unique(add, f"{path}.bands", ins["bands"], "lower", "band")
        scales = {sc["code"] for sc in ins["scales"]}
        subscales = {sc["code"] for sc in ins["subscales"]}
        for i, sc in enumerate(ins["scales"]):
            _unique(add, f"{path}.scales[{i}].options", sc["options"], "value", "value")
        for i, item in enumerate(ins["items"]):
            if item.get("scale") not in scales:
                add(f"{path}.items[{i}].scale", f"no scale {show(item.get('scale'))} in this questionnaire")
            if item.get("subscale") is not None and item["subscale"] not in subscales:
                add(f"{path}.items[{i}].subscale", f"no subscale {show(item['subscale'])} in this questionnaire")
    for pr in records["projects"]:
        path = pr["_path"]
        _not_before(add, path, pr, "start", "end", "start")
        count = len(pr["programmes"])
        for i, e in enumerate(pr["enrolments"]):
            if e.get("programme") is not None and e["programme"] >= count:
                add(f"{path}.enrolments[{i}].programme", f"no programme [{e['programme']}] in this project")
            _not_before(add, f"{path}.enrolments[{i}]", e, "date", "ended", "the enrolment date")
        seen = {}
        for i, e in enumerate(pr["enrolments"]):
            key = (e.get("programme"), e.get("person"))
            if key[0] is not None and key in seen:
                add(f"{path}.enrolments[{i}].person", f"enrolled in this programme twice (first at [{seen[key]}])")
            seen.setdefault(key, i)
        _unique(add, f"{path}.outputs", pr["outputs"], "number", "indicator number")
        _unique(add, f"{path}.outcomes", pr["outcomes"], "number", "indicator number")
        for i, o in enumerate(pr["outputs"]):
            op = f"{path}.outputs[{i}]"
            if o.get("programme") is not None and o["programme"] >= count:
                add(f"{op}.programme", f"no programme [{o['programme']}] in this project")
            if o["kind"] != "manual" and o.get("programme") is None:
                add(f"{op}.programme", "only an indicator entered by hand has no programme")
            if o["kind"] in ("attending", "persons_between") and o.get("at_least") is None:
                add(f"{op}.at_least", "this kind of indicator needs its number of sessions")
            if o["kind"] == "persons_between" and (o.get("at_most") is None or o["at_most"] < o.get("at_least", 0)):
                add(f"{op}.at_most", "must be at least at_least")
            if o.get("target") == 0:
                add(f"{op}.target", "must be more than 0")
    for r in records["lectures"]:
        if r["attended"] > r["required"]:
            add(f"{r['_path']}.attended", "more than were required to attend")
        _unique(add, f"{r['_path']}.registrants", r["registrants"], "person", "person")
    for r in records["kpis"]:
        _not_before(add, r["_path"], r, "starts", "ends", "starts")
        try:
            parse_kpi(r["formula"], names=FIGURES)
        except FormulaError as e:
            add(f"{r['_path']}.formula", str(e))
    seen = {}
    for r in records["appointments"]:
        key = record_key("appointments", r)
        if key in seen:
            add(f"{r['_path']}.start", f"the same appointment twice (first at {seen[key]})")
        seen.setdefault(key, r["_path"])
        if r["status"] in ("missed", "cancelled") and not r.get("status_reason"):
            add(f"{r['_path']}.status_reason", "a missed or cancelled appointment needs its reason")
    seen = {}
    for r in records["administrations"]:
        key = record_key("administrations", r)
        if key in seen:
            add(f"{r['_path']}.date", f"the same form on the same day twice (first at {seen[key]})")
        seen.setdefault(key, r["_path"])
        alert = r.get("risk_alert")
        if alert and alert.get("acknowledged_at") and not alert.get("action_taken"):
            add(f"{r['_path']}.risk_alert.action_taken", "an acknowledged alert needs the action taken")


def unit_today(timezone_name: str) -> dt.date:
    """Today in the unit's own time zone."""
    return dt.datetime.now(zoneinfo.ZoneInfo(timezone_name)).date()


@cycle_collector_paused()
def parse(doc, *, today: dt.date | None = None) -> tuple[Document | None, list[str]]:
    """Validate a whole exchange document. Returns (document, []) or (None, problems).

    ``today`` is the last day records of work may carry (default: today in the unit's time zone)."""
    parser = Parser()
    if not isinstance(doc, dict):
        return None, ["(document): must be a JSON object"]
    if doc.get("format") != FORMAT:
        parser.problems.add("format", f"must be {FORMAT!r}")
    version = doc.get("version")
    if isinstance(version, bool) or version not in VERSIONS:
        parser.problems.add("version", f"must be one of {', '.join(map(str, VERSIONS))}")
    schema_problems = []
    if version in VERSIONS and version >= 2 and not parser.problems:
        from .validation import validate

        schema_problems = validate(doc, version)
    unit = _parse_unit(parser, doc.get("unit"))
    org_raw = doc.get("organisation")
    organisation = None
    if org_raw is not None:
        if not isinstance(org_raw, dict) or not all(isinstance(org_raw.get(k), str) and org_raw[k].strip()
                                                    for k in ("code", "name")):
            parser.problems.add("organisation", 'must be {"code": "…", "name": "…"}')
        else:
            organisation = {"code": org_raw["code"].strip(), "name": org_raw["name"].strip()}
            for key, value in organisation.items():
                if problem := text_problem(value, max_length(Organisation, key)):
                    parser.problems.add(f"organisation.{key}", problem)
    if organisation is None and unit and "code" in unit and "name" in unit:
        organisation = {"code": unit["code"], "name": unit["name"][:max_length(Organisation, "name")]}
    records = {}
    for name in COLLECTIONS:
        if name == "agreed_levels":
            records[name] = _parse_agreed_levels(parser, doc.get(name, []))
        else:
            records[name] = parser.collection(doc, name)
    for name in COLLECTIONS:
        if name == "agreed_levels":
            continue
        for rec in records[name]:
            parser.resolve_refs(name, rec)
    _check_rules(parser, records)
    _check_v2_rules(parser, records)
    _check_intake(parser, records, (unit or {}).get("timezone", "Asia/Hong_Kong"))
    _check_not_future(parser, records, today or unit_today((unit or {}).get("timezone", "Asia/Hong_Kong")))
    if schema_problems:
        # The schema's lines first; the importer's own rules add what the schema cannot say (references, dates in
        # order…), one line per place.
        said = {line.split(": ", 1)[0] for line in schema_problems}
        return None, schema_problems + [p for p in parser.problems if p.split(": ", 1)[0] not in said]
    if parser.problems:
        return None, list(parser.problems)
    for recs in records.values():
        for rec in recs:
            rec.pop("_path", None)
    return Document(unit=unit, organisation=organisation, records=records,
                    organisation_given=org_raw is not None, version=version), []


def canonical(shape: str, raw: dict) -> dict:
    """A stored record in canonical form (the exporter's side of the comparison)."""
    parser = Parser()
    rec = parser.record(shape, shape, raw)
    if parser.problems:
        raise ValueError(f"stored {shape} record is not valid exchange data: {parser.problems}")
    return rec
