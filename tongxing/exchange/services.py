"""Writing an exchange document into the database, all or nothing."""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import os
import threading
import time
import zoneinfo
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.db import connection, transaction

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
    derived_times,
)
from tongxing.audit.models import Action
from tongxing.audit.services import record
from tongxing.cases.models import Approval, Case, CasePlan, Collaboration, Episode, Involvement, Referral
from tongxing.lib.collector import cycle_collector_paused
from tongxing.organisations.models import (
    Establishment,
    OpeningHours,
    Organisation,
    School,
    Staff,
    StaffRole,
    Unit,
    Workplace,
)
from tongxing.people.models import Child, DrugUse, Person
from tongxing.privacy.models import Consent, Disclosure, IdentityNumber
from tongxing.projects.models import Project
from tongxing.standards.models import AgreedLevel, SchoolConversion
from tongxing.teams.models import MedicalAccess, TeamMember

from .bulk import foreign_keys_checked_at_end, indexes_built_at_end, insert_rows
from .coverage import CARRIED
from .registry import WRITES, Refused, link_agencies
from .schema import COLLECTIONS, V2_KEYS, WEEKDAYS, Document, record_key
from .selectors import export_unit

BATCH = 2000
# The tables holding most of a city's rows (an activity, its staff and attendance, the feedback on it): on a
# first import their references are checked in one pass each (bulk.foreign_keys_checked_at_end).
ACTIVITY_TABLES = (Activity, ActivityStaff, Attendance, Feedback)
# An import waits this long for another one to finish before giving up with a clear message.
IMPORT_WAIT_SECONDS = int(os.environ.get("TONGXING_IMPORT_WAIT_SECONDS", "600"))
# Key of the PostgreSQL advisory lock that lets one import run at a time.
IMPORT_LOCK_KEY = 0x7458494D  # "tXIM"


class ImportRefused(Exception):
    """The file is valid on its own but conflicts with what is stored; `problems` are `PATH: message` lines."""

    def __init__(self, problems):
        super().__init__("; ".join(problems))
        self.problems = problems


class ImportBusy(Exception):
    """Another import kept the lock for longer than this one would wait."""


_held = threading.local()


@contextlib.contextmanager
def import_lock(wait=None, on_wait=None):
    """One import at a time per database: concurrent imports wait for each other instead of failing with
    "database is locked" (SQLite) or interleaving (PostgreSQL). Re-entrant within a thread."""
    if getattr(_held, "depth", 0):
        _held.depth += 1
        try:
            yield
        finally:
            _held.depth -= 1
        return
    wait = IMPORT_WAIT_SECONDS if wait is None else wait
    with _acquire(wait, on_wait):
        _held.depth = 1
        try:
            yield
        finally:
            _held.depth = 0


@contextlib.contextmanager
def _acquire(wait, on_wait):
    deadline = time.monotonic() + wait
    told = False

    def waiting():
        nonlocal told
        if time.monotonic() > deadline:
            raise ImportBusy("another import is running; try again when it has finished")
        if on_wait and not told:
            on_wait()
            told = True
        time.sleep(0.2)

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            while True:
                cursor.execute("SELECT pg_try_advisory_lock(%s)", [IMPORT_LOCK_KEY])
                if cursor.fetchone()[0]:
                    break
                waiting()
        try:
            yield
        finally:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [IMPORT_LOCK_KEY])
        return
    name = str(settings.DATABASES["default"]["NAME"])
    path = Path(name) if connection.vendor == "sqlite" and not connection.is_in_memory_db() else None
    if path is None:
        yield
        return
    with open(path.with_name(path.name + ".import-lock"), "a") as fh:
        while True:
            try:
                fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                waiting()
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


@dataclass
class ImportSummary:
    unit: str
    created: Counter = field(default_factory=Counter)
    updated: Counter = field(default_factory=Counter)
    unchanged: Counter = field(default_factory=Counter)

    @property
    def changed(self) -> bool:
        return bool(sum(self.created.values()) or sum(self.updated.values()))

    def lines(self):
        for name in ["unit", *COLLECTIONS]:
            c, u, n = self.created[name], self.updated[name], self.unchanged[name]
            if c or u or n:
                yield f"{name}: {c} created, {u} updated, {n} unchanged"


def _date(value):
    return dt.date.fromisoformat(value) if value else None


class _Writer:
    """Creates and updates one unit's records from canonical exchange records."""

    def __init__(self, unit: Unit, progress: Callable[[str, int, int], None] | None):
        self.unit = unit
        self.tz = zoneinfo.ZoneInfo(unit.timezone)
        self.progress = progress or (lambda *_: None)
        self.pk: dict[str, dict[str, int]] = {}
        self.now = dt.datetime.now(dt.UTC)
        self.raise_alerts = False
        # Stored primary keys of the records `write` rewrote, per collection: only their dependent rows need
        # replacing (a new record has none to delete).
        self.rewritten: dict[str, list[int]] = {}
        self.locals: dict[str, dt.datetime] = {}

    def load_ids(self, name, model):
        self.pk[name] = dict(model.objects.filter(unit=self.unit).values_list("external_id", "pk"))

    def local_instant(self, value: str | None) -> dt.datetime | None:
        return dt.datetime.fromisoformat(value).replace(tzinfo=self.tz) if value else None

    def local(self, value: str) -> dt.datetime:
        # The parser has checked the exact form YYYY-MM-DDTHH:MM; fromisoformat reads it several times faster.
        # A city's activities share their start and end times (33,000 in 140,000): each is read once, and its one
        # datetime object is then quickly found again where a column's stored forms are remembered (bulk.py).
        found = self.locals.get(value)
        if found is None:
            found = self.locals[value] = dt.datetime.fromisoformat(value).replace(tzinfo=self.tz)
        return found

    def ref(self, name, ext):
        return self.pk[name][ext] if ext is not None else None

    def write(self, name, model, recs, fields, children=None, child_models=()):
        """Create new records and rewrite changed ones (with their child rows).

        `children(rec, pk)` gives (model, {field: value}) pairs for the record's child rows."""
        new = [r for r in recs if r["id"] not in self.pk[name]]
        changed = [r for r in recs if r["id"] in self.pk[name]]
        insert_rows(model, ({"unit_id": self.unit.pk, "external_id": r["id"], **fields(r)} for r in new),
                    len(new), lambda done: self.progress(name, done, len(new)))
        if new:
            self.load_ids(name, model)
        if changed:
            field_names = list(fields(changed[0]))
            updated = [model(pk=self.pk[name][r["id"]], unit=self.unit, external_id=r["id"], **fields(r))
                       for r in changed]
            model.objects.bulk_update(updated, field_names, batch_size=BATCH)
            self.rewritten[name] = [o.pk for o in updated]
            for child_model, fk in child_models:
                child_model.objects.filter(**{f"{fk}__in": [o.pk for o in updated]}).delete()
        if children:
            rows = {}
            for rec in [*new, *changed]:
                for child_model, values in children(rec, self.pk[name][rec["id"]]):
                    rows.setdefault(child_model, []).append(values)
            for child_model, values in rows.items():
                insert_rows(child_model, values, len(values))


def _changed_records(document: Document, existing: Document | None, summary: ImportSummary):
    """The records that differ from what is stored, per collection."""
    out = {}
    for name in COLLECTIONS:
        recs = document.records[name]
        if existing is None:
            summary.created[name] += len(recs)
            out[name] = recs
            continue
        stored = {record_key(name, r): r for r in existing.records[name]}
        out[name] = []
        v2_keys = V2_KEYS.get(name) if document.version < 2 else None
        for i, rec in enumerate(recs):
            old = stored.get(record_key(name, rec))
            if v2_keys and old is not None:
                # A v1 file says nothing about v2's keys: what is stored under them stays.
                rec = recs[i] = {**rec, **{k: old[k] for k in v2_keys if k in old}}
            if old == rec:
                summary.unchanged[name] += 1
                continue
            (summary.created if old is None else summary.updated)[name] += 1
            out[name].append(rec)
    return out


def check_against_database(document: Document) -> list[str]:
    """What a valid file may still not do to the stored records, as `PATH: message` lines."""
    unit = Unit.objects.filter(code=document.unit["code"]).select_related("organisation").first()
    if unit is None or not document.organisation_given:
        return []
    if unit.organisation.code != document.organisation["code"]:
        return [f"organisation.code: unit {unit.code} belongs to organisation {unit.organisation.code}; "
                f"an import cannot move it to {document.organisation['code']}"]
    return []


@cycle_collector_paused()
def import_document(document: Document, progress=None) -> ImportSummary:
    """Create or update the document's unit and records; records not in the file are left alone.
    Raises ImportRefused (nothing written) when the file conflicts with what is stored, and ImportBusy
    when another import holds the lock for too long."""
    with import_lock(), transaction.atomic():
        problems = check_against_database(document)
        if problems:
            raise ImportRefused(problems)
        return _import(document, progress)


def _import(document: Document, progress) -> ImportSummary:
    u = document.unit
    summary = ImportSummary(unit=u["code"])
    unit = Unit.objects.filter(code=u["code"]).select_related("organisation").first()
    if unit is not None and not document.organisation_given:
        org = unit.organisation
        document.organisation = {"code": org.code, "name": org.name}
    else:
        org, _ = Organisation.objects.get_or_create(code=document.organisation["code"],
                                                    defaults={"name": document.organisation["name"]})
    existing = export_unit(unit) if unit else None
    if document.version < 2 and existing is not None and "approval_required" in existing.unit:
        u["approval_required"] = True  # a v1 file says nothing of the approval setting: the stored one stays
    if unit is None:
        unit = Unit.objects.create(organisation=org, code=u["code"], name=u["name"], timezone=u["timezone"],
                                   approval_required=u.get("approval_required", False))
        summary.created["unit"] += 1
    elif existing.unit != u or existing.organisation != document.organisation:
        org.name = document.organisation["name"]
        org.save(update_fields=["name"])
        unit.organisation, unit.name, unit.timezone = org, u["name"], u["timezone"]
        unit.approval_required = u.get("approval_required", False)
        unit.save()
        summary.updated["unit"] += 1
    else:
        summary.unchanged["unit"] += 1
    if summary.created["unit"] or summary.updated["unit"]:
        OpeningHours.objects.filter(unit=unit).delete()
        OpeningHours.objects.bulk_create([
            OpeningHours(unit=unit, weekday=i + 1, opens=dt.time.fromisoformat(span[0]),
                         closes=dt.time.fromisoformat(span[1]))
            for i, day in enumerate(WEEKDAYS) if (span := u["opening_hours"][day])
        ])
    todo = _changed_records(document, existing, summary)
    w = _Writer(unit, progress)
    w.raise_alerts = document.raise_alerts
    for name, model in [("staff", Staff), ("schools", School), ("workplaces", Workplace), ("people", Person),
                        ("groups", Group), ("cases", Case), ("activities", Activity)]:
        w.load_ids(name, model)

    w.write("staff", Staff, todo["staff"],
            lambda r: {"name": r["name"], "peer_type": r.get("peer_type", "")},
            lambda r, pk: [(StaffRole, {"staff_id": pk, "role": role}) for role in r["roles"]],
            [(StaffRole, "staff")])
    _write_medical_access(w, todo["staff"])
    for rec in todo["establishment"]:
        Establishment.objects.update_or_create(unit=unit, role=rec["role"], as_of=_date(rec["as_of"]),
                                               defaults={"count": rec["count"]})
    w.write("schools", School, todo["schools"],
            lambda r: {k: r[k] for k in ("name", "kind", "in_service_area", "school_social_work",
                                         "healthy_school_programme", "international_or_esf")})
    w.write("workplaces", Workplace, todo["workplaces"], lambda r: {"name": r["name"], "employees": r["employees"]})
    w.write("people", Person, todo["people"],
            lambda r: {"name": r.get("name", ""), "name_en": r.get("name_en", ""), "phone": r.get("phone", ""),
                       "sex": r["sex"], "birth_date": _date(r.get("birth_date")), "pregnant": r.get("pregnant"),
                       "identified_on": _date(r.get("identification", {}).get("date")),
                       "identification_channel": r.get("identification", {}).get("channel", ""),
                       "reference": r.get("reference", ""), **_intake(r)},
            lambda r, pk: [(Child, {"person_id": pk, "birth_date": _date(c["birth_date"]), "carer": c.get("carer", "")})
                           for c in r.get("children", [])]
            + [(DrugUse, {"person_id": pk, "drug": d["drug"], "last_used": _date(d.get("last_used"))})
               for d in r.get("drug_use", [])],
            [(Child, "person"), (DrugUse, "person")])
    _write_people_v2(w, todo["people"])
    w.write("groups", Group, todo["groups"], lambda r: {"kind": r["kind"], "title": r["title"]})
    _write_cases(w, todo["cases"])
    for name, model, fields in [
        ("involvements", Involvement,
         lambda r: {"case_id": w.ref("cases", r["case"]), "date": _date(r["date"]), "party": r["party"],
                    "stakeholder": r.get("stakeholder", ""), "stage": r.get("stage", ""), "mode": r.get("mode", "")}),
        ("collaborations", Collaboration,
         lambda r: {"case_id": w.ref("cases", r["case"]), "date": _date(r["date"]), "kind": r["kind"]}),
        ("referrals", Referral,
         lambda r: {"person_id": w.ref("people", r["person"]), "case_id": w.ref("cases", r.get("case")),
                    "direction": r["direction"], "category": r["category"], "agency": r.get("agency", ""),
                    "date": _date(r["date"]), "status": r["status"], "status_date": _date(r.get("status_date")),
                    "status_reason": r.get("status_reason", ""), "reason": r.get("reason", ""),
                    "notes": r.get("notes", ""), "awaiting_consent": r.get("awaiting_consent", False)}),
    ]:
        w.load_ids(name, model)
        w.write(name, model, todo[name], fields)
    w.pk["projects"] = dict(Project.objects.filter(unit=unit).values_list("code", "pk"))
    for name in ("instruments", "projects"):
        _write_v2(w, name, todo[name], document)
    # Only into a database holding no activities yet (a centre going live): the one-pass checks and index builds
    # keep other sessions from reading these tables until the import commits, which a database in use must not
    # suffer.
    first = todo["activities"] and not Activity._base_manager.exists()
    with (foreign_keys_checked_at_end(ACTIVITY_TABLES) if first else contextlib.nullcontext(),
          indexes_built_at_end(ACTIVITY_TABLES) if first else contextlib.nullcontext()):
        w.write("activities", Activity, todo["activities"], lambda r: _activity_fields(w, r),
                lambda r, pk: [(ActivityStaff, {"activity_id": pk, "staff_id": w.ref("staff", s)}) for s in r["staff"]]
                + [(Attendance, {"activity_id": pk, "person_id": w.ref("people", p)}) for p in r["people"]],
                [(ActivityStaff, "activity"), (Attendance, "activity")])
        _write_nursing(w, todo["activities"])
        for name, model, fields in [
            ("medical_assessments", MedicalAssessment,
             lambda r: {"person_id": w.ref("people", r["person"]), "date": _date(r["date"]),
                        "by_id": w.ref("staff", r["by"]), "plan": r["plan"],
                        "health_condition": r.get("health_condition", ""), "drug_needs": r.get("drug_needs", ""),
                        "plan_details": r.get("plan_details", "")}),
            ("feedback", Feedback,
             lambda r: {"activity_id": w.ref("activities", r["activity"]), "person_id": w.ref("people", r["person"]),
                        "school_id": w.ref("schools", r["school"]), "topic": r["topic"], "positive": r["positive"]}),
            ("trainings", Training,
             lambda r: {"staff_id": w.ref("staff", r["staff"]), "date": _date(r["date"]), "paid": r["paid"],
                        "title": r["title"]}),
        ]:
            w.load_ids(name, model)
            w.write(name, model, todo[name], fields)
    for name in WRITES:
        if name not in ("instruments", "projects"):
            _write_v2(w, name, todo[name], document)
    link_agencies(unit)
    for rec in todo["conversions"]:
        SchoolConversion.objects.update_or_create(unit=unit, fy=rec["fy"], route=rec["route"],
                                                  defaults={"schools": rec["schools"]})
    for rec in todo["agreed_levels"]:
        for code, value in rec.items():
            if code != "fy":
                AgreedLevel.objects.update_or_create(unit=unit, fy=rec["fy"], standard=code,
                                                     defaults={"value": Decimal(str(value))})
    record(Action.IMPORT, object_type="organisations.unit", object_id=unit.pk, unit_code=unit.code,
           summary="exchange import: " + "; ".join(summary.lines())[:280],
           changes={"created": dict(summary.created), "updated": dict(summary.updated)})
    if summary.changed:
        _analyze_carried_tables()
    return summary


def _analyze_carried_tables():
    """Fresh planner statistics for the tables an import writes: without them the counting queries scan instead
    of using their indexes. The rest of the database (audit trail, change history, logins) is left alone."""
    tables = []
    for label in CARRIED:
        model = apps.get_model(label)
        tables.append(model._meta.db_table)
        tables += [f.remote_field.through._meta.db_table for f in model._meta.local_many_to_many]
    quoted = [connection.ops.quote_name(t) for t in dict.fromkeys(tables)]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"ANALYZE {', '.join(quoted)}")
        else:
            for table in quoted:
                cursor.execute(f"ANALYZE {table}")


def _activity_fields(w: _Writer, r):
    start, end = w.local(r["start"]), w.local(r["end"])
    date, start_time, minutes = derived_times(start, end, w.tz)
    return {
        "kind": r["kind"], "format": r.get("format", ""), "start": start, "end": end, "date": date,
        "start_time": start_time, "minutes": minutes, "full_day": r["full_day"], "headcount": r["headcount"],
        "psa_contacted": r.get("psa_contacted"), "case_id": w.ref("cases", r.get("case")),
        "group_id": w.ref("groups", r.get("group")), "school_id": w.ref("schools", r.get("school")),
        "workplace_id": w.ref("workplaces", r.get("workplace")), "funded_by": r.get("funded_by", ""),
        "place": r.get("place", ""), "note": r.get("note", ""), "project_id": w.ref("projects", r.get("project")),
    }


def _write_cases(w: _Writer, recs):
    def fields(r):
        return {"type": r["type"], "parent_case": r["parent_case"], "client_id": w.ref("people", r["client"]),
                "worker_id": w.ref("staff", r["worker"]), "next_action": r.get("next_action", ""),
                "next_action_due": _date(r.get("next_action_due"))}

    def children(r, pk):
        return ([(Case.members.through, {"case_id": pk, "person_id": w.ref("people", p)}) for p in r["members"]]
                + [(TeamMember, {"case_id": pk, "staff_id": w.ref("staff", m["staff"]), "role": m["role"],
                                 "added_on": _date(m["added_on"])}) for m in r.get("team", [])])

    stored = set(w.pk["cases"])
    w.write("cases", Case, recs, fields, children,
            [(Case.members.through, "case"), (Episode, "case"), (TeamMember, "case")])
    # After every case has its id: a new case merged into none already says so.
    merges = [(w.ref("cases", r["merged_into"]), w.pk["cases"][r["id"]]) for r in recs
              if r["merged_into"] is not None or r["id"] in stored]
    with connection.cursor() as cursor:
        cursor.executemany(f"UPDATE {Case._meta.db_table} SET merged_into_id = %s WHERE id = %s", merges)
    episodes, plans, approvals = [], {}, []
    for r in recs:
        approvals += [(w.pk["cases"][r["id"]], a) for a in r.get("approvals", [])]
        for e in r["episodes"]:
            closure = e.get("closure", {})
            case_id, opened = w.pk["cases"][r["id"]], _date(e["opened"])
            episodes.append({"case_id": case_id, "opened": opened, "closed": _date(e.get("closed")),
                             "plan_achieved": closure.get("plan_achieved"),
                             "last_drug_use": _date(closure.get("last_drug_use")),
                             "closure_reason": closure.get("reason", "")})
            if e.get("plan"):
                plans[case_id, opened] = e["plan"]
    insert_rows(Episode, episodes, len(episodes))
    if plans:  # an episode is opened once per case: (case, opened) names it
        ids = {(case_id, opened): pk for pk, case_id, opened in
               Episode.objects.filter(case__unit=w.unit).values_list("pk", "case_id", "opened")}
        insert_rows(CasePlan, [{"episode_id": ids[key], "date": _date(p["date"]), "direction": p["direction"],
                                "timetable": p["timetable"], "actions": p["actions"], "goals": p["goals"]}
                               for key, p in plans.items()], len(plans))
    if approvals:
        ids = {(case_id, opened): pk for pk, case_id, opened in
               Episode.objects.filter(case__unit=w.unit).values_list("pk", "case_id", "opened")}
        insert_rows(Approval, [{
            "episode_id": ids[case_id, _date(a["episode"])], "kind": a["kind"], "status": a["status"],
            "requested_at": w.local_instant(a["requested_at"]), "decided_at": w.local_instant(a.get("decided_at")),
            "comment": a.get("comment", ""), "closed": _date(a.get("closed")), "plan_achieved": a.get("plan_achieved"),
            "last_drug_use": _date(a.get("last_drug_use")), "closure_reason": a.get("closure_reason", "")}
            for case_id, a in approvals], len(approvals))


def _write_v2(w: _Writer, name, recs, document: Document):
    if not recs:
        return
    try:
        WRITES[name](w, recs, document.records[name])
    except Refused as e:
        raise ImportRefused(e.problems) from None


def _write_nursing(w: _Writer, recs):
    """A nursing session's record (vital signs, urine panel, medication), replaced for each activity that changed."""
    NursingRecord.objects.filter(activity_id__in=w.rewritten.get("activities", [])).delete()
    given = [(w.pk["activities"][r["id"]], r["nursing"]) for r in recs if r.get("nursing")]
    made = NursingRecord.objects.bulk_create(
        NursingRecord(activity_id=pk, systolic=n.get("systolic"), diastolic=n.get("diastolic"), pulse=n.get("pulse"),
                      temperature=_decimal(n.get("temperature")), weight=_decimal(n.get("weight")),
                      medication=n.get("medication", "")) for pk, n in given)
    UrineTest.objects.bulk_create(UrineTest(record=record, drug=u["drug"], result=u["result"])
                                  for record, (_pk, n) in zip(made, given, strict=True) for u in n.get("urine", []))


def _decimal(value):
    return Decimal(str(value)) if value is not None else None


def _write_medical_access(w: _Writer, recs):
    """Grants of medical access to this unit, replaced for each staff record that changed."""
    MedicalAccess.objects.filter(unit=w.unit, staff_id__in=w.rewritten.get("staff", [])).delete()
    MedicalAccess.objects.bulk_create(
        MedicalAccess(staff_id=w.pk["staff"][r["id"]], unit=w.unit, granted_on=_date(g["granted_on"]),
                      revoked_on=_date(g.get("revoked_on")))
        for r in recs for g in r.get("medical_access", []))


def _intake(r) -> dict:
    """A person record's intake keys as the Person's fields."""
    contact = r.get("emergency_contact") or {}
    return {"district": r.get("district", ""), "address": r.get("address", ""), "education": r.get("education", ""),
            "employment": r.get("employment", ""), "emergency_name": contact.get("name", ""),
            "emergency_relationship": contact.get("relationship", ""), "emergency_phone": contact.get("phone", "")}


def _write_people_v2(w: _Writer, recs):
    """What v2 added to a person: merged into whom, identity numbers (encrypted on the way in), consents and the
    disclosures that relied on them, replaced for each person record that changed."""
    if not recs:
        return
    people = w.rewritten.get("people", [])
    # A new person is stored merged into none: only a merge or a rewritten person needs setting.
    rewritten = set(people)
    merges = [(w.ref("people", r.get("merged_into")), w.pk["people"][r["id"]]) for r in recs
              if r.get("merged_into") is not None or w.pk["people"][r["id"]] in rewritten]
    with connection.cursor() as cursor:
        cursor.executemany(f"UPDATE {Person._meta.db_table} SET merged_into_id = %s WHERE id = %s", merges)
    Disclosure.objects.filter(person_id__in=people).delete()  # before the consents they rely on (PROTECT)
    Consent.objects.filter(person_id__in=people).delete()
    IdentityNumber.objects.filter(person_id__in=people).delete()
    identities = []
    for r in recs:
        for item in r.get("identity_numbers", []):
            identity = IdentityNumber(person_id=w.pk["people"][r["id"]], kind=item["kind"])
            identity.set_number(item["number"])
            identities.append(identity)
    IdentityNumber.objects.bulk_create(identities)
    consents = {}
    for r in recs:
        made = Consent.objects.bulk_create(
            Consent(person_id=w.pk["people"][r["id"]], recipient=c["recipient"], information=c["information"],
                    purpose=c["purpose"], given_on=_date(c["given_on"]), expires_on=_date(c.get("expires_on")),
                    revoked_on=_date(c.get("revoked_on"))) for c in r.get("consents", []))
        consents[r["id"]] = [c.pk for c in made]
    Disclosure.objects.bulk_create(
        Disclosure(person_id=w.pk["people"][r["id"]], at=w.local_instant(d["at"]), recipient=d["recipient"],
                   information=d["information"], purpose=d["purpose"], channel=d["channel"],
                   consent_id=consents[r["id"]][d["consent"]] if d.get("consent") is not None else None,
                   legal_basis=d.get("legal_basis", ""))
        for r in recs for d in r.get("disclosures", []))
