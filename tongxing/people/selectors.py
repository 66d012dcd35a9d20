"""Reading people: search as you type, duplicate candidates, a person's page."""

from __future__ import annotations

import re

from django.db.models import F, Q, QuerySet, Value
from django.db.models.functions import Lower, Replace

from tongxing.accounts.scope import break_glass_candidates, cases_for, people_for
from tongxing.cases.models import Case
from tongxing.lib.sql import InList
from tongxing.privacy.crypto import lookup_hash
from tongxing.privacy.models import IdentityNumber

from .models import Person


def digits(text: str) -> str:
    return re.sub(r"\D", "", text or "")


def _squeezed(field):
    """The field with spaces and dashes removed, lower-cased: "Chan Tai-man" = "chantaiman"."""
    return Lower(Replace(Replace(field, Value(" "), Value("")), Value("-"), Value("")))


def squeeze(text: str) -> str:
    return re.sub(r"[\s\-]", "", text or "").lower()


def active_people(user) -> QuerySet[Person]:
    """People the user may see, without records already merged into another."""
    return people_for(user).filter(merged_into__isnull=True)


def search(user, q: str = "", sex: str = "", base: QuerySet[Person] | None = None) -> QuerySet[Person]:
    """Match name (Chinese or English, ignoring spaces), phone digits or reference number."""
    qs = active_people(user) if base is None else base
    q = (q or "").strip()
    if q:
        match = Q(name__icontains=q) | Q(name_en__icontains=q) | Q(reference__istartswith=q) | Q(external_id__iexact=q)
        squeezed = squeeze(q)
        if squeezed:
            qs = qs.annotate(_name_sq=_squeezed("name"), _name_en_sq=_squeezed("name_en"))
            match |= Q(_name_sq__contains=squeezed) | Q(_name_en_sq__contains=squeezed)
        if any(ch.isdigit() for ch in q):
            # An identity number is found only whole, through its keyed hash; it is never stored readable.
            match |= Q(pk__in=IdentityNumber.objects.filter(lookup=lookup_hash(q)).values("person"))
        if len(digits(q)) >= 3:
            qs = qs.annotate(_phone=Replace(Replace("phone", Value(" "), Value("")), Value("-"), Value("")))
            match |= Q(_phone__contains=digits(q))
        qs = qs.filter(match)
    if sex:
        qs = qs.filter(sex=sex)
    return qs.select_related("unit").order_by("name", "name_en", "pk")


def duplicate_candidates(unit, *, name="", name_en="", birth_date=None, phone="", exclude=None) -> QuerySet[Person]:
    """Records in the unit that may be the same human: similar name and the same birth date, or the same phone.

    Searched across the whole unit (not only what the user may open), so that a duplicate in a colleague's
    caseload is still caught; the view shows only a count for records the user may not open.
    """
    same = Q(pk__in=[])
    if birth_date and (squeeze(name) or squeeze(name_en)):
        names = Q(pk__in=[])
        if squeeze(name):
            names |= Q(_name_sq=squeeze(name))
        if squeeze(name_en):
            names |= Q(_name_en_sq=squeeze(name_en))
        same |= names & Q(birth_date=birth_date)
    if len(digits(phone)) >= 6:
        # The last 8 digits: "+852 9123 4567" and "91234567" are one number.
        same |= Q(_phone__endswith=digits(phone)[-8:])
    qs = Person.objects.filter(unit=unit, merged_into__isnull=True).annotate(
        _name_sq=_squeezed("name"), _name_en_sq=_squeezed("name_en"),
        _phone=Replace(Replace(Replace("phone", Value(" "), Value("")), Value("-"), Value("")), Value("+"),
                       Value("")),
    ).filter(same)
    if exclude is not None:
        qs = qs.exclude(pk=exclude.pk)
    return qs.order_by("name", "pk")


def cases_of(user, person) -> QuerySet[Case]:
    """Cases the person is in (as client or member) that the user may open, with their members for family links.

    The cases they are a member of are one list of ids from the membership's person index: an OR across a join to
    the members made PostgreSQL hash every case of the unit against every membership of every unit (national
    unit: 18 ms)."""
    member_of = Case.members.through.objects.filter(person=person).values("case")
    return (cases_for(user).filter(Q(client=person) | Q(InList(F("pk"), member_of)))
            .select_related("client", "worker", "merged_into").prefetch_related("members")
            .order_by("-pk"))


def outside_caseload(user, q: str, limit: int = 5) -> list[Person]:
    """Records of the user's unit matching a search that the user cannot open but may break the glass for:
    shown by file number only, so that a worker opens the existing record instead of adding a duplicate."""
    if len((q or "").strip()) < 2:
        return []
    return list(search(user, q, base=break_glass_candidates(user))[:limit])
