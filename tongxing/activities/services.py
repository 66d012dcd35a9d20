"""Writes for activities, attendance, assessments and referrals: each change and its audit event commit together."""

from __future__ import annotations

import datetime as dt
import uuid

from django.db import transaction
from django.utils.translation import gettext as _

from tongxing.audit.models import Action
from tongxing.audit.services import diff, record
from tongxing.cases.models import NOT_A_REFERRAL, Referral, ReferralStatus
from tongxing.privacy.models import Consent
from tongxing.privacy.services import disclose, record_consent

from .models import Activity, ActivityStaff, Attendance, Group, MedicalAssessment, NursingRecord, UrineTest

# Closed-loop referral steps (DOMAIN.md): sent → accepted → attended / not attended; sent → declined.
NEXT_STATUS = {
    ReferralStatus.SENT: (ReferralStatus.ACCEPTED, ReferralStatus.DECLINED),
    ReferralStatus.ACCEPTED: (ReferralStatus.ATTENDED, ReferralStatus.NOT_ATTENDED),
}


def new_external_id() -> str:
    """Records made on screen get an id of their own, distinct from any imported file's ids."""
    return f"web-{uuid.uuid4().hex[:16]}"


def _snapshot(activity: Activity) -> dict:
    return {
        "kind": activity.kind, "start": activity.start.isoformat(), "end": activity.end.isoformat(),
        "format": activity.format, "headcount": activity.headcount, "psa_contacted": activity.psa_contacted,
        "case": activity.case_id, "group": activity.group_id, "school": activity.school_id,
        "workplace": activity.workplace_id, "funded_by": activity.funded_by, "place": activity.place,
        "full_day": activity.full_day, "project": activity.project_id,
    }


def _summary(activity: Activity) -> str:
    # No names: the audit trail is read more widely than the case file.
    return f"{activity.kind} {activity.start:%Y-%m-%d} {activity.minutes} min"


@transaction.atomic
def save_activity(*, user, activity: Activity, staff, people, request=None) -> Activity:
    """Create or update an activity with exactly `staff` and `people`; one transaction, one audit event."""
    creating = activity.pk is None
    before = {} if creating else _snapshot(Activity.objects.get(pk=activity.pk))
    before_staff = set() if creating else set(activity.staffing.values_list("staff_id", flat=True))
    before_people = set() if creating else set(activity.attendance.values_list("person_id", flat=True))
    if creating:
        activity.external_id = activity.external_id or new_external_id()
    activity.save()
    staff_ids = {s.pk for s in staff}
    people_ids = [p.pk for p in people]
    ActivityStaff.objects.filter(activity=activity).exclude(staff_id__in=staff_ids).delete()
    ActivityStaff.objects.bulk_create([ActivityStaff(activity=activity, staff_id=pk)
                                       for pk in sorted(staff_ids - before_staff)])
    Attendance.objects.filter(activity=activity).exclude(person_id__in=people_ids).delete()
    # In the order given: the first person of a brief counselling session is the one it serves (OS9).
    Attendance.objects.bulk_create([Attendance(activity=activity, person_id=pk)
                                    for pk in people_ids if pk not in before_people])
    changes = diff(before, _snapshot(activity))
    if before_staff != staff_ids:
        changes["staff"] = [sorted(before_staff), sorted(staff_ids)]
    if before_people != set(people_ids):
        changes["people"] = [sorted(before_people), sorted(people_ids)]
    record(Action.CREATE if creating else Action.CHANGE, user=user, obj=activity, request=request,
           summary=_summary(activity), changes=changes)
    return activity


NURSING_FIELDS = ("systolic", "diastolic", "pulse", "temperature", "weight", "medication")


def _nursing_snapshot(record: NursingRecord | None, urine: dict) -> dict:
    values = {f: getattr(record, f) if record else None for f in NURSING_FIELDS}
    values = {f: (str(v) if v is not None and f != "medication" else v) for f, v in values.items()}
    # Medication notes are clinical free text: the audit trail says that they changed, not what they say.
    values["medication"] = bool(values["medication"])
    return {**values, "urine": dict(sorted(urine.items()))}


@transaction.atomic
def save_nursing_record(*, user, activity: Activity, values: dict, urine: dict, request=None) -> NursingRecord | None:
    """Set a nursing session's vital signs, medication notes and urine panel (`urine`: drug → result for the
    substances tested); a session with nothing recorded keeps no record. One audit event with the changes."""
    record_ = NursingRecord.objects.filter(activity=activity).first()
    before = _nursing_snapshot(record_, dict(record_.urine.values_list("drug", "result")) if record_ else {})
    empty = not urine and all(values.get(f) in (None, "") for f in NURSING_FIELDS)
    if empty:
        if record_ is not None:
            record_.delete()
            record_ = None
    else:
        record_ = record_ or NursingRecord(activity=activity)
        for f in NURSING_FIELDS:
            setattr(record_, f, values.get(f) if f != "medication" else (values.get(f) or "").strip())
        record_.save()
        UrineTest.objects.filter(record=record_).exclude(drug__in=list(urine)).delete()
        for drug, result in urine.items():
            UrineTest.objects.update_or_create(record=record_, drug=drug, defaults={"result": result})
    after = _nursing_snapshot(record_, urine if record_ else {})
    if changes := diff(before, after):
        record(Action.CHANGE, user=user, obj=activity,
               request=request, summary=f"nursing record {activity.start:%Y-%m-%d}", changes=changes)
    return record_


@transaction.atomic
def mark_attendance(*, user, session: Activity, shown, present, request=None) -> tuple[int, int]:
    """Tick the sheet: of the people `shown`, those in `present` attended and the rest did not.

    People not on the sheet (outside the user's view) keep whatever attendance they have.
    Returns (added, removed).
    """
    shown_ids = {p.pk for p in shown}
    present_ids = {p.pk for p in present}
    had = set(Attendance.objects.filter(activity=session, person_id__in=shown_ids | present_ids)
              .values_list("person_id", flat=True))
    add = present_ids - had
    remove = (had & shown_ids) - present_ids
    Attendance.objects.filter(activity=session, person_id__in=remove).delete()
    Attendance.objects.bulk_create([Attendance(activity=session, person_id=pk) for pk in sorted(add)])
    if add or remove:
        record(Action.CHANGE, user=user, obj=session, request=request,
               summary=f"attendance {session.start:%Y-%m-%d}: +{len(add)} -{len(remove)}",
               changes={"attendance": {"added": sorted(add), "removed": sorted(remove)}})
    return len(add), len(remove)


@transaction.atomic
def create_group(*, user, unit, kind, title, request=None) -> Group:
    group = Group.objects.create(unit=unit, kind=kind, title=title, external_id=new_external_id())
    record(Action.CREATE, user=user, obj=group, request=request, summary=f"group {kind}",
           changes={"kind": [None, kind], "title": [None, title]})
    return group


@transaction.atomic
def create_assessment(*, user, assessment: MedicalAssessment, request=None) -> MedicalAssessment:
    assessment.external_id = new_external_id()
    assessment.save()
    record(Action.CREATE, user=user, obj=assessment, request=request, summary=f"medical assessment {assessment.date}",
           changes={"date": [None, str(assessment.date)], "by": [None, assessment.by_id],
                    "plan": [None, assessment.plan]})
    return assessment


@transaction.atomic
def create_referral(*, user, referral: Referral, legal_basis="", awaiting_consent=False, request=None) -> Referral:
    """Save a referral; one going out carries personal data, so it is also logged as a disclosure with the
    consent it relies on (or the other legal basis given). One saved as waiting for the person's consent
    discloses nothing and counts nowhere until the consent is recorded (`send_with_consent`)."""
    referral.external_id = new_external_id()
    referral.status = ReferralStatus.SENT
    referral.status_date = None  # the sent date is the referral's own date
    referral.awaiting_consent = awaiting_consent and referral.direction == "out"
    if referral.destination_id:
        referral.agency = referral.destination.name
    referral.save()
    record(Action.CREATE, user=user, obj=referral, request=request,
           summary=f"referral {referral.direction} {referral.category} {referral.date}",
           changes={"status": [None, referral.status], "date": [None, str(referral.date)],
                    "destination": [None, referral.destination_id],
                    "awaiting_consent": [None, referral.awaiting_consent]})
    if referral.direction == "out" and not referral.awaiting_consent:
        _disclose_referral(referral, user=user, legal_basis=legal_basis, request=request)
    return referral


def _disclose_referral(referral: Referral, *, user, legal_basis="", request=None):
    disclose(referral.person, recipient=referral.agency, agency=referral.destination,
             information=str(_("referral information")), purpose=referral.get_category_display(),
             channel="referral", legal_basis=legal_basis, user=user, request=request)


@transaction.atomic
def send_with_consent(*, user, referral: Referral, consent: Consent, request=None) -> Referral:
    """Record the consent a referral waits for and send the referral on it, in one transaction: the consent and
    its audit event, the referral no longer waiting and its audit event, and the disclosure relying on the
    consent. The form has fixed the consent's person and agency to the referral's."""
    # Only the referral row is locked: PostgreSQL refuses FOR UPDATE on the nullable side of a join.
    referral = (Referral.objects.select_for_update(of=("self",)).select_related("destination", "person__unit")
                .get(pk=referral.pk))
    if not referral.awaiting_consent or referral.status in NOT_A_REFERRAL:
        raise ValueError("this referral is not waiting for consent")
    if consent.person_id != referral.person_id or consent.agency_id != referral.destination_id:
        raise ValueError("the consent is not for this referral's person and agency")
    record_consent(consent, user=user, request=request)
    referral.awaiting_consent = False
    referral.save(update_fields=["awaiting_consent"])
    record(Action.CHANGE, user=user, obj=referral, request=request, summary="referral sent with the consent recorded",
           changes={"awaiting_consent": [True, False], "consent": [None, consent.pk]})
    _disclose_referral(referral, user=user, request=request)
    return referral


def allowed_next(referral: Referral) -> tuple:
    if referral.awaiting_consent:
        return ()  # not sent yet: nothing can have happened to it
    return NEXT_STATUS.get(referral.status, ())


@transaction.atomic
def advance_referral(*, user, referral: Referral, status: str, on: dt.date, request=None) -> Referral:
    """Move a referral one step along its loop; the form has checked the step and the date."""
    referral = Referral.objects.select_for_update().get(pk=referral.pk)
    if status not in allowed_next(referral):
        raise ValueError(f"{referral.status} → {status}")
    before = [referral.status, str(referral.status_date)]
    referral.status, referral.status_date = status, on
    referral.save(update_fields=["status", "status_date"])
    record(Action.CHANGE, user=user, obj=referral, request=request, summary=f"referral {before[0]} → {status}",
           changes={"status": [before[0], status], "status_date": [before[1], str(on)]})
    return referral


#: A referral may be cancelled (by the centre) or withdrawn (by the person) only before it is acted on.
CANCELLABLE = (ReferralStatus.SENT, ReferralStatus.ACCEPTED)


@transaction.atomic
def cancel_referral(*, user, referral: Referral, status: str, reason: str, on: dt.date, request=None) -> Referral:
    """Cancel or withdraw a referral not yet acted on: it leaves every count but stays on file with its reason
    (DOMAIN.md "Taiwan")."""
    referral = Referral.objects.select_for_update().get(pk=referral.pk)
    reason = reason.strip()
    if status not in NOT_A_REFERRAL or referral.status not in CANCELLABLE or not reason:
        raise ValueError(f"{referral.status} → {status}")
    before = [referral.status, str(referral.status_date)]
    referral.status, referral.status_date, referral.status_reason = status, on, reason
    referral.save(update_fields=["status", "status_date", "status_reason"])
    record(Action.CHANGE, user=user, obj=referral, request=request, summary=f"referral {before[0]} → {status}",
           changes={"status": [before[0], status], "status_date": [before[1], str(on)],
                    "status_reason": ["", reason]})
    return referral
