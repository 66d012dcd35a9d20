"""Writing people: create, edit, add drug use and children, merge two records of one human."""

from __future__ import annotations

import uuid

from django.db import transaction

from tongxing.activities.models import Attendance, Feedback, MedicalAssessment
from tongxing.appointments.models import Appointment
from tongxing.attachments.models import Attachment
from tongxing.audit.models import Action
from tongxing.audit.services import diff, record
from tongxing.cases.models import Case, Referral
from tongxing.privacy.crypto import lookup_hash
from tongxing.privacy.services import set_identity_number

from .models import CONTACT_FIELDS, EMERGENCY_FIELDS, INTAKE_FIELDS, Child, DrugUse, Person

PERSON_FIELDS = ("reference", "name", "name_en", "phone", "sex", "birth_date", "pregnant", "identified_on",
                 "identification_channel", *INTAKE_FIELDS)


def _audited(field, value):
    """The value the audit trail keeps: an address or emergency contact only as a keyed hash, so the trail shows
    that it changed without holding where the person lives or whom to call."""
    if value is None:
        return None
    if field in CONTACT_FIELDS and value:
        return f"hash:{lookup_hash(value)[:12]}"
    return str(value)


def _snapshot(person, fields=PERSON_FIELDS):
    return {f: _audited(f, getattr(person, f)) for f in fields}


def new_external_id(prefix: str) -> str:
    """Records made on screen get a random id; imported ones keep the source system's."""
    return f"{prefix}-{uuid.uuid4().hex[:12]}"


@transaction.atomic
def create_person(*, unit, data: dict, user, identity=None, request=None) -> Person:
    person = Person(unit=unit, external_id=new_external_id("web"), **data)
    person.full_clean()
    person.save()
    record(Action.CREATE, user=user, obj=person, summary=str(person), changes=_snapshot(person), request=request)
    if identity:
        set_identity_number(person, *identity, user=user, request=request)
    return person


@transaction.atomic
def update_person(person: Person, *, data: dict, user, identity=None, request=None) -> Person:
    before = _snapshot(person)
    for field, value in data.items():
        setattr(person, field, value)
    person.full_clean()
    person.save()
    record(Action.CHANGE, user=user, obj=person, summary=str(person), changes=diff(before, _snapshot(person)),
           request=request)
    if identity:
        set_identity_number(person, *identity, user=user, request=request)
    return person


@transaction.atomic
def add_drug_use(person: Person, *, drug, last_used, user, request=None) -> DrugUse:
    use = DrugUse.objects.create(person=person, drug=drug, last_used=last_used)
    record(Action.CREATE, user=user, obj=person, summary=f"drug use added: {use}",
           changes={"drug": drug, "last_used": str(last_used) if last_used else None}, request=request)
    return use


@transaction.atomic
def add_child(person: Person, *, birth_date, carer, user, request=None) -> Child:
    child = Child.objects.create(person=person, birth_date=birth_date, carer=carer)
    record(Action.CREATE, user=user, obj=person, summary=f"child added: {birth_date}",
           changes={"birth_date": str(birth_date), "carer": carer}, request=request)
    return child


class MergeError(ValueError):
    pass


@transaction.atomic
def merge_people(keep: Person, other: Person, *, user, request=None) -> dict:
    """Make `keep` the one record of this human: every link of `other` moves to it, `other` points to it.

    Both rows stay (with their change history); `other` no longer carries the first identification, so
    the human is counted once (OS2).
    """
    if keep.pk == other.pk or keep.unit_id != other.unit_id:
        raise MergeError("merge needs two records of the same unit")
    if other.merged_into_id or keep.merged_into_id:
        raise MergeError("a record already merged cannot be merged again")
    moved = {}
    moved["cases_as_client"] = Case.objects.filter(client=other).update(client=keep)
    members = Case.members.through.objects
    # A case that already has both as members keeps one membership.
    members.filter(person=other, case__in=members.filter(person=keep).values("case")).delete()
    members.filter(person=other, case__client=keep).delete()
    moved["cases_as_member"] = members.filter(person=other).update(person=keep)
    Attendance.objects.filter(person=other, activity__in=Attendance.objects.filter(person=keep).values(
        "activity")).delete()
    moved["attendance"] = Attendance.objects.filter(person=other).update(person=keep)
    for key, model in (("assessments", MedicalAssessment), ("feedback", Feedback), ("referrals", Referral),
                       ("drug_use", DrugUse), ("children", Child),
                       ("appointments", Appointment), ("attachments", Attachment)):
        moved[key] = model.objects.filter(person=other).update(person=keep)
    moved["merged_records"] = Person.objects.filter(merged_into=other).update(merged_into=keep)

    before = _snapshot(keep)
    for field in ("reference", "name", "name_en", "phone", "birth_date", "pregnant", "district", "address",
                  "education", "employment"):
        if getattr(keep, field) in ("", None) and getattr(other, field) not in ("", None):
            setattr(keep, field, getattr(other, field))
    if not keep.emergency_name and other.emergency_name:  # the contact moves whole: a name with its own phone
        for field in EMERGENCY_FIELDS:
            setattr(keep, field, getattr(other, field))
    # The human was first identified on the earlier of the two dates, through that record's channel.
    if other.identified_on and (keep.identified_on is None or other.identified_on < keep.identified_on):
        keep.identified_on, keep.identification_channel = other.identified_on, other.identification_channel
    keep.save()
    other.identified_on, other.identification_channel, other.merged_into = None, "", keep
    other.save()
    record(Action.CHANGE, user=user, obj=keep, summary=f"merged person {other.pk} into {keep.pk}",
           changes={"merged": other.pk, "moved": moved, "kept": diff(before, _snapshot(keep))}, request=request)
    return moved
