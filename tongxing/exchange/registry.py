"""The collections exchange format v2 added to v1, and which stored records every collection carries.

Adding a kind of record to the exchange is one registered step here: its shape in schema.SHAPES (and the
regenerated schemas/v2.json), an `export` giving its records as plain dicts, a `write` creating or replacing the
records that changed, and its models in CARRIED. tests/test_exchange_v2.py enumerates every model of the product
and fails for one that holds records but is neither carried nor listed in NOT_CARRIED with the reason.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, OuterRef, Subquery

from tongxing.activities.models import Activity
from tongxing.appointments.models import Appointment
from tongxing.cases.models import Referral
from tongxing.organisations.models import Agency
from tongxing.outcomes.models import (
    Administration,
    Answer,
    Band,
    Instrument,
    Item,
    Option,
    RiskAlert,
    Scale,
    Subscale,
)
from tongxing.outcomes.scoring import AnswerError, score, spec_of
from tongxing.outcomes.services import raise_risk_alert
from tongxing.prevention.models import (
    Consultation,
    HotlineCall,
    HotlineItem,
    Institution,
    Kpi,
    Lecture,
    LectureRegistrant,
    PreReleaseSession,
)
from tongxing.privacy.models import Consent
from tongxing.projects.models import Enrolment, OutcomeIndicator, OutputIndicator, Programme, Project

from .schema import SHAPES, record_key


@dataclass
class Ids:
    """Stored primary key -> file id, per collection, for the unit being exported."""

    staff: dict = field(default_factory=dict)
    people: dict = field(default_factory=dict)
    cases: dict = field(default_factory=dict)
    groups: dict = field(default_factory=dict)
    projects: dict = field(default_factory=dict)


def _d(value):
    return value.isoformat() if value is not None else None


def _n(value: Decimal | None):
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


def _instant(value, tz):
    return value.astimezone(tz).strftime("%Y-%m-%dT%H:%M:%S") if value is not None else None


# --- export ---------------------------------------------------------------------------------------------------------


def export_instruments(unit, ids, tz):
    """The unit's organisation's own questionnaires (the shipped ones every installation has are named, not
    carried)."""
    out = []
    for ins in Instrument.objects.filter(organisation=unit.organisation).order_by("code").prefetch_related(
            "scales__options", "subscales", "items__scale", "items__subscale", "bands"):
        out.append({
            "code": ins.code, "name": ins.name, "name_en": ins.name_en, "description": ins.description,
            "better": ins.better, "use": ins.use, "agree_at": ins.agree_at, "min_change": ins.min_change,
            "scales": [{"code": sc.code, "options": [{"value": o.value, "label": o.label, "label_en": o.label_en}
                                                     for o in sorted(sc.options.all(), key=lambda o: o.value)]}
                       for sc in sorted(ins.scales.all(), key=lambda sc: sc.pk)],
            "subscales": [{"code": sc.code, "name": sc.name, "name_en": sc.name_en}
                          for sc in sorted(ins.subscales.all(), key=lambda sc: sc.pk)],
            "items": [{"number": i.number, "text": i.text, "text_en": i.text_en, "scale": i.scale.code,
                       "reverse": i.reverse, "subscale": i.subscale.code if i.subscale else None,
                       "flag_above": i.flag_above} for i in sorted(ins.items.all(), key=lambda i: i.number)],
            "bands": [{"lower": b.lower, "label": b.label, "label_en": b.label_en, "alert": b.alert}
                      for b in sorted(ins.bands.all(), key=lambda b: b.lower)],
        })
    return out


def export_projects(unit, ids, tz):
    out = []
    for project in Project.objects.filter(unit=unit).order_by("code").prefetch_related(
            "programmes__groups", "programmes__staff", "enrolments", "outputs", "outcomes__instrument"):
        programmes = sorted(project.programmes.all(), key=lambda p: p.pk)
        position = {p.pk: i for i, p in enumerate(programmes)}
        out.append({
            "code": project.code, "title": project.title, "title_en": project.title_en, "funder": project.funder,
            "start": _d(project.start), "end": _d(project.end),
            "counts_in_annual_return": project.counts_in_annual_return,
            "programmes": [{
                "name": p.name, "name_en": p.name_en, "activity_kinds": list(p.activity_kinds),
                "activity_format": p.activity_format, "group_kinds": list(p.group_kinds),
                "groups": [ids.groups[g.pk] for g in sorted(p.groups.all(), key=lambda g: g.pk)],
                "staff": [ids.staff[s.pk] for s in sorted(p.staff.all(), key=lambda s: s.pk)],
                "case_type": p.case_type} for p in programmes],
            "enrolments": [{"programme": position.get(e.programme_id), "person": ids.people[e.person_id],
                            "date": _d(e.date), "ended": _d(e.ended)}
                           for e in sorted(project.enrolments.all(), key=lambda e: e.pk)],
            "outputs": [{"number": o.number, "order": o.order, "description": o.description,
                         "description_en": o.description_en, "kind": o.kind, "programme": position.get(o.programme_id),
                         "at_least": o.at_least, "at_most": o.at_most, "target": _n(o.target),
                         "target_is_percent": o.target_is_percent, "manual_value": _n(o.manual_value),
                         "evidence": o.evidence} for o in sorted(project.outputs.all(), key=lambda o: o.pk)],
            "outcomes": [{"number": o.number, "order": o.order, "description": o.description,
                          "description_en": o.description_en, "instrument": o.instrument.code,
                          "group": ids.groups.get(o.group_id), "criterion": o.criterion, "threshold": _n(o.threshold),
                          "alpha": _n(o.alpha), "rule": o.rule, "min_change": o.min_change, "after": o.after}
                         for o in sorted(project.outcomes.all(), key=lambda o: o.pk)],
        })
    return out


def export_institutions(unit, ids, tz):
    return [{"name": name} for name in Institution.objects.filter(unit=unit).order_by("name")
            .values_list("name", flat=True)]


def export_agencies(unit, ids, tz):
    return [{"name": name, "in_use": in_use} for name, in_use in Agency.objects.filter(unit=unit).order_by("name")
            .values_list("name", "in_use")]


def export_pre_release_sessions(unit, ids, tz):
    return [{"id": s.external_id, "institution": s.institution.name, "kind": s.kind, "date": _d(s.date),
             "participants": s.participants}
            for s in PreReleaseSession.objects.filter(unit=unit).select_related("institution").order_by("date", "pk")]


def export_lectures(unit, ids, tz):
    registrants = defaultdict(list)
    for r in LectureRegistrant.objects.filter(lecture__unit=unit).order_by("pk").values("lecture_id", "person_id",
                                                                                       "attended"):
        registrants[r["lecture_id"]].append({"person": ids.people[r["person_id"]], "attended": r["attended"]})
    consultations = defaultdict(dict)
    for lecture_id, category, count in (Consultation.objects.filter(lecture__unit=unit)
                                        .values_list("lecture_id", "category").annotate(n=Count("pk"))
                                        .order_by("lecture_id", "category")):
        consultations[lecture_id][category] = count
    return [{"id": lec.external_id, "date": _d(lec.date), "title": lec.title, "required": lec.required,
             "attended": lec.attended, "registrants": registrants[lec.pk], "consultations": consultations[lec.pk]}
            for lec in Lecture.objects.filter(unit=unit).order_by("date", "pk")]


def export_hotline_calls(unit, ids, tz):
    items = defaultdict(list)
    for call_id, category in HotlineItem.objects.filter(call__unit=unit).order_by("pk").values_list("call_id",
                                                                                                   "category"):
        items[call_id].append(category)
    return [{"id": c.external_id, "received": c.received.astimezone(tz).strftime("%Y-%m-%dT%H:%M"),
             "caller": c.caller, "items": items[c.pk], "note": c.note}
            for c in HotlineCall.objects.filter(unit=unit).order_by("received", "pk")]


def export_kpis(unit, ids, tz):
    return [{"id": k.external_id, "name": k.name, "formula": k.formula, "target": _n(k.target),
             "as_percent": k.as_percent, "comparison": k.comparison, "starts": _d(k.starts), "ends": _d(k.ends)}
            for k in Kpi.objects.filter(unit=unit).order_by("starts", "pk")]


def export_administrations(unit, ids, tz):
    answers = defaultdict(dict)
    for administration_id, number, value in (Answer.objects.filter(administration__unit=unit)
                                             .values_list("administration_id", "item__number", "value")
                                             .order_by("administration_id", "item__number")):
        answers[administration_id][str(number)] = value
    alerts = {a.administration_id: a for a in RiskAlert.objects.filter(unit=unit)}
    out = []
    for a in (Administration.objects.filter(unit=unit).select_related("instrument")
              .order_by("date", "instrument__code", "person_id", "time_point", "pk")):
        alert = alerts.get(a.pk)
        out.append({
            "instrument": a.instrument.code, "person": ids.people[a.person_id], "case": ids.cases.get(a.case_id),
            "group": ids.groups.get(a.programme_id), "date": _d(a.date), "time_point": a.time_point,
            "answers": answers[a.pk], "entered_at": _instant(a.entered_at, tz),
            "risk_alert": {"case": ids.cases.get(alert.case_id), "reasons": alert.reasons,
                           "raised_at": _instant(alert.raised_at, tz),
                           "acknowledged_at": _instant(alert.acknowledged_at, tz),
                           "action_taken": alert.action_taken} if alert else None,
        })
    return out


def export_appointments(unit, ids, tz):
    activities = dict(Activity.objects.filter(unit=unit).values_list("pk", "external_id"))
    return [{"person": ids.people[a.person_id], "case": ids.cases.get(a.case_id), "staff": ids.staff[a.staff_id],
             "kind": a.kind, "start": a.start.astimezone(tz).strftime("%Y-%m-%dT%H:%M"), "minutes": a.minutes,
             "place": a.place, "purpose": a.purpose, "status": a.status, "status_reason": a.status_reason,
             "activity": activities.get(a.activity_id)}
            for a in Appointment.objects.filter(unit=unit).order_by("start", "pk")]


EXPORTS: dict[str, Callable] = {
    "instruments": export_instruments, "projects": export_projects, "institutions": export_institutions,
    "pre_release_sessions": export_pre_release_sessions, "lectures": export_lectures,
    "hotline_calls": export_hotline_calls, "kpis": export_kpis, "administrations": export_administrations,
    "appointments": export_appointments, "agencies": export_agencies,
}


# --- import ---------------------------------------------------------------------------------------------------------


class Refused(Exception):
    def __init__(self, problems):
        super().__init__("; ".join(problems))
        self.problems = problems


def _date(value):
    return dt.date.fromisoformat(value) if value else None


def _dec(value):
    return Decimal(str(value)) if value is not None else None


def _changed_and_new(model_pks: dict, recs, name):
    """Split records into (stored pk or None, record)."""
    return [(model_pks.get(record_key(name, r)), r) for r in recs]


def write_instruments(w, recs, all_recs):
    org = w.unit.organisation
    stored = {i.code: i for i in Instrument.objects.filter(code__in=[r["code"] for r in recs])}
    problems = []
    for r in recs:
        ins = stored.get(r["code"])
        path = f"instruments[{all_recs.index(r)}]"
        if ins is not None and ins.organisation_id != org.pk:
            problems.append(f"{path}.code: questionnaire {r['code']!r} belongs to another organisation")
        elif ins is not None and ins.administrations.exists():
            problems.append(f"{path}: questionnaire {r['code']!r} already has forms filled in; an import cannot "
                            "change its questions")
    if problems:
        raise Refused(problems)
    for r in recs:
        fields = {k: r.get(k, SHAPES["instruments"][k].default) for k in
                  ("name", "name_en", "description", "better", "use", "agree_at", "min_change")}
        fields = {k: ("" if v is None and k in ("name_en", "description") else v) for k, v in fields.items()}
        ins = stored.get(r["code"])
        if ins is None:
            ins = Instrument.objects.create(code=r["code"], organisation=org, **fields)
        else:
            Instrument.objects.filter(pk=ins.pk).update(**fields)
            Item.objects.filter(instrument=ins).delete()
            for model in (Band, Subscale, Scale):
                model.objects.filter(instrument=ins).delete()
        scales = {}
        for sc in r["scales"]:
            scales[sc["code"]] = Scale.objects.create(instrument=ins, code=sc["code"])
            Option.objects.bulk_create(Option(scale=scales[sc["code"]], value=o["value"], label=o.get("label", ""),
                                              label_en=o.get("label_en", "")) for o in sc["options"])
        subscales = {sc["code"]: Subscale.objects.create(instrument=ins, code=sc["code"], name=sc["name"],
                                                         name_en=sc.get("name_en", "")) for sc in r["subscales"]}
        Item.objects.bulk_create(Item(instrument=ins, number=i["number"], text=i["text"], text_en=i.get("text_en", ""),
                                      scale=scales[i["scale"]], reverse=i["reverse"],
                                      subscale=subscales.get(i.get("subscale")), flag_above=i.get("flag_above"))
                                 for i in r["items"])
        Band.objects.bulk_create(Band(instrument=ins, lower=b["lower"], label=b["label"],
                                      label_en=b.get("label_en", ""), alert=b["alert"]) for b in r["bands"])


def write_projects(w, recs, all_recs):
    stored = {p.code: p for p in Project.objects.filter(unit=w.unit, code__in=[r["code"] for r in recs])}
    instruments = dict(Instrument.objects.values_list("code", "pk"))
    for r in recs:
        fields = {"title": r["title"], "title_en": r.get("title_en", ""), "funder": r.get("funder", ""),
                  "start": _date(r["start"]), "end": _date(r["end"]),
                  "counts_in_annual_return": r["counts_in_annual_return"]}
        project = stored.get(r["code"])
        if project is None:
            project = Project.objects.create(unit=w.unit, code=r["code"], **fields)
        else:
            Project.objects.filter(pk=project.pk).update(**fields)
            # Indicators name programmes (PROTECT): they go first, then what hangs on the programmes.
            OutputIndicator.objects.filter(project=project).delete()
            OutcomeIndicator.objects.filter(project=project).delete()
            Enrolment.objects.filter(project=project).delete()
            Programme.objects.filter(project=project).delete()
        programmes = []
        for p in r["programmes"]:
            programme = Programme.objects.create(
                project=project, name=p["name"], name_en=p.get("name_en", ""), activity_kinds=p["activity_kinds"],
                activity_format=p.get("activity_format", ""), group_kinds=p["group_kinds"],
                case_type=p.get("case_type", ""))
            programme.groups.set([w.ref("groups", g) for g in p["groups"]])
            programme.staff.set([w.ref("staff", s) for s in p["staff"]])
            programmes.append(programme)

        def programme_id(index, programmes=programmes):
            return programmes[index].pk if index is not None else None

        Enrolment.objects.bulk_create(Enrolment(project=project, programme_id=programme_id(e.get("programme")),
                                                person_id=w.ref("people", e["person"]), date=_date(e["date"]),
                                                ended=_date(e.get("ended"))) for e in r["enrolments"])
        OutputIndicator.objects.bulk_create(OutputIndicator(
            project=project, number=o["number"], order=o["order"], description=o["description"],
            description_en=o.get("description_en", ""), kind=o["kind"], programme_id=programme_id(o.get("programme")),
            at_least=o.get("at_least"), at_most=o.get("at_most"), target=_dec(o["target"]),
            target_is_percent=o["target_is_percent"], manual_value=_dec(o.get("manual_value")),
            evidence=o.get("evidence", "")) for o in r["outputs"])
        OutcomeIndicator.objects.bulk_create(OutcomeIndicator(
            project=project, number=o["number"], order=o["order"], description=o["description"],
            description_en=o.get("description_en", ""), instrument_id=instruments[o["instrument"]],
            group_id=w.ref("groups", o.get("group")), criterion=o["criterion"], threshold=_dec(o["threshold"]),
            alpha=_dec(o["alpha"]), rule=o["rule"], min_change=o.get("min_change"), after=o["after"])
            for o in r["outcomes"])
    w.pk["projects"] = dict(Project.objects.filter(unit=w.unit).values_list("code", "pk"))


def write_institutions(w, recs, all_recs):
    Institution.objects.bulk_create(Institution(unit=w.unit, name=r["name"]) for r in recs)


def write_agencies(w, recs, all_recs):
    for r in recs:
        Agency.objects.update_or_create(unit=w.unit, name=r["name"], defaults={"in_use": r.get("in_use", True)})


def link_agencies(unit):
    """Point the unit's referrals and consents at the agency of the unit's list their agency or recipient names
    (none where the list has no such agency), in two statements whatever the number of records."""
    named = Agency.objects.filter(unit=unit)
    Referral.objects.filter(unit=unit).update(
        destination=Subquery(named.filter(name=OuterRef("agency")).values("pk")[:1]))
    Consent.objects.filter(person__unit=unit).update(
        agency=Subquery(named.filter(name=OuterRef("recipient")).values("pk")[:1]))


def _by_external_id(model, unit):
    return dict(model.objects.filter(unit=unit).values_list("external_id", "pk"))


def write_pre_release_sessions(w, recs, all_recs):
    institutions = dict(Institution.objects.filter(unit=w.unit).values_list("name", "pk"))
    stored = _by_external_id(PreReleaseSession, w.unit)
    for r in recs:
        fields = {"institution_id": institutions[r["institution"]], "kind": r["kind"], "date": _date(r["date"]),
                  "participants": r["participants"]}
        PreReleaseSession.objects.update_or_create(pk=stored.get(r["id"]), defaults={
            "unit": w.unit, "external_id": r["id"], **fields})


def write_lectures(w, recs, all_recs):
    stored = _by_external_id(Lecture, w.unit)
    for r in recs:
        lecture, _ = Lecture.objects.update_or_create(pk=stored.get(r["id"]), defaults={
            "unit": w.unit, "external_id": r["id"], "date": _date(r["date"]), "title": r["title"],
            "required": r["required"], "attended": r["attended"]})
        LectureRegistrant.objects.filter(lecture=lecture).delete()
        Consultation.objects.filter(lecture=lecture).delete()
        LectureRegistrant.objects.bulk_create(LectureRegistrant(lecture=lecture, person_id=w.ref("people", g["person"]),
                                                                attended=g["attended"]) for g in r["registrants"])
        Consultation.objects.bulk_create(Consultation(lecture=lecture, category=category)
                                         for category, count in r["consultations"].items() for _ in range(count))


def write_hotline_calls(w, recs, all_recs):
    stored = _by_external_id(HotlineCall, w.unit)
    for r in recs:
        received = w.local(r["received"])
        call, _ = HotlineCall.objects.update_or_create(pk=stored.get(r["id"]), defaults={
            "unit": w.unit, "external_id": r["id"], "received": received, "caller": r["caller"],
            "note": r.get("note", "")})
        HotlineItem.objects.filter(call=call).delete()
        HotlineItem.objects.bulk_create(HotlineItem(call=call, category=c) for c in r["items"])


def write_kpis(w, recs, all_recs):
    stored = _by_external_id(Kpi, w.unit)
    for r in recs:
        Kpi.objects.update_or_create(pk=stored.get(r["id"]), defaults={
            "unit": w.unit, "external_id": r["id"], "name": r["name"], "formula": r["formula"],
            "target": _dec(r["target"]), "as_percent": r["as_percent"], "comparison": r["comparison"],
            "starts": _date(r["starts"]), "ends": _date(r["ends"])})


def write_administrations(w, recs, all_recs):
    instruments = {i.code: i for i in Instrument.objects.filter(code__in={r["instrument"] for r in recs})}
    people = {pk: ext for ext, pk in w.pk["people"].items()}
    stored = {(ins_code, people.get(person_id), time_point, _d(date)): pk
              for pk, ins_code, person_id, time_point, date in Administration.objects.filter(unit=w.unit).values_list(
                  "pk", "instrument__code", "person_id", "time_point", "date")}
    specs, problems = {}, []
    for r in recs:
        path = f"administrations[{all_recs.index(r)}]"
        ins = instruments.get(r["instrument"])
        if ins is None:
            problems.append(f"{path}.instrument: no questionnaire {r['instrument']!r}")
            continue
        if ins.organisation_id not in (None, w.unit.organisation_id):
            problems.append(f"{path}.instrument: questionnaire {r['instrument']!r} belongs to another organisation")
            continue
        spec = specs.setdefault(ins.code, spec_of(ins))
        try:
            result = score(spec, {int(k): v for k, v in r["answers"].items()})
        except AnswerError as e:
            problems.append(f"{path}.answers: {e}")
            continue
        r["_score"] = result
    if problems:
        raise Refused(problems)
    for r in recs:
        result = r.pop("_score")
        ins = instruments[r["instrument"]]
        pk = stored.get(record_key("administrations", r))
        if pk is not None:
            Administration.objects.filter(pk=pk).delete()
        entered_at = w.local_instant(r.get("entered_at")) if r.get("entered_at") else w.now
        administration = Administration.objects.create(
            unit=w.unit, instrument=ins, person_id=w.ref("people", r["person"]), case_id=w.ref("cases", r.get("case")),
            programme_id=w.ref("groups", r.get("group")), date=_date(r["date"]), time_point=r["time_point"],
            total=result.total, subscales=result.subscales, band=result.band.label if result.band else "",
            flagged=bool(result.flags))
        # entered_at is set on creation (auto_now_add): the file's time is written after.
        Administration.objects.filter(pk=administration.pk).update(entered_at=entered_at)
        items = dict(Item.objects.filter(instrument=ins).values_list("number", "pk"))
        Answer.objects.bulk_create(Answer(administration=administration, item_id=items[int(n)], value=v)
                                   for n, v in r["answers"].items())
        alert = r.get("risk_alert")
        if alert is None and w.raise_alerts and pk is None:
            raise_risk_alert(administration, flags=result.flags, user=None)
        elif alert:
            RiskAlert.objects.create(
                unit=w.unit, administration=administration, person_id=administration.person_id,
                case_id=w.ref("cases", alert.get("case")), reasons=alert["reasons"],
                raised_at=w.local_instant(alert["raised_at"]),
                acknowledged_at=w.local_instant(alert.get("acknowledged_at")),
                action_taken=alert.get("action_taken", ""))


def write_appointments(w, recs, all_recs):
    people = {pk: ext for ext, pk in w.pk["people"].items()}
    staff = {pk: ext for ext, pk in w.pk["staff"].items()}
    stored = {(people.get(person_id), staff.get(staff_id), start.astimezone(w.tz).strftime("%Y-%m-%dT%H:%M")): pk
              for pk, person_id, staff_id, start in Appointment.objects.filter(unit=w.unit).values_list(
                  "pk", "person_id", "staff_id", "start")}
    activities = dict(Activity.objects.filter(unit=w.unit).values_list("external_id", "pk"))
    for r in recs:
        pk = stored.get(record_key("appointments", r))
        if pk is not None:
            Appointment.objects.filter(pk=pk).delete()
        # save() sets the local date and time the agenda reads.
        Appointment(unit=w.unit, person_id=w.ref("people", r["person"]), case_id=w.ref("cases", r.get("case")),
                    staff_id=w.ref("staff", r["staff"]), kind=r["kind"], start=w.local(r["start"]),
                    minutes=r["minutes"], place=r.get("place", ""), purpose=r.get("purpose", ""), status=r["status"],
                    status_reason=r.get("status_reason", ""),
                    activity_id=activities.get(r["activity"]) if r.get("activity") else None).save()


# In the order they are written: what a record names is written before it.
WRITES: dict[str, Callable] = {
    "instruments": write_instruments, "projects": write_projects, "institutions": write_institutions,
    "pre_release_sessions": write_pre_release_sessions, "lectures": write_lectures,
    "hotline_calls": write_hotline_calls, "kpis": write_kpis, "administrations": write_administrations,
    "appointments": write_appointments, "agencies": write_agencies,
}
