from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tongxing.audit.models import Action
from tongxing.audit.services import record
from tongxing.organisations.models import Agency

from .models import Consent, Disclosure, IdentityNumber

# Carried by every export that contains personal data (42 CFR Part 2 style prohibition on re-disclosure).
REDISCLOSURE_NOTICE = (
    "本資料受私隱保護，內容涉及藥物濫用治療紀錄。除非獲得當事人書面同意或法律許可，收件人不得再向他人披露。"
    " This information has been disclosed from records protected by confidentiality rules for substance use "
    "treatment. Further disclosure is prohibited unless the person concerned has consented in writing or the "
    "law permits it."
)


class NoConsent(Exception):
    pass


def consent_for(person, recipient: Agency | str, day=None) -> Consent | None:
    """The person's consent valid on `day` to disclose to `recipient`: an agency of the unit's list is matched as
    that agency (whatever its name is written as); any other recipient by its name."""
    day = day or timezone.localdate()
    given = Consent.objects.filter(person=person)
    given = given.filter(agency=recipient) if isinstance(recipient, Agency) else given.filter(recipient=recipient)
    for consent in given.order_by("-given_on", "-pk"):
        if consent.valid_on(day):
            return consent
    return None


@transaction.atomic
def record_consent(consent: Consent, *, user, request=None) -> Consent:
    """Save a consent (its recipient named as the agency chosen from the unit's list) and its audit event."""
    if consent.agency_id:
        consent.recipient = consent.agency.name
    consent.recorded_by = user
    consent.save()
    record(Action.CREATE, user=user, request=request, obj=consent, unit_code=consent.person.unit.code,
           summary=f"consent to {consent.recipient}",
           changes={"agency": [None, consent.agency_id], "given_on": [None, str(consent.given_on)]})
    return consent


@transaction.atomic
def disclose(person, *, recipient, information, purpose, channel, user=None, legal_basis="", request=None,
             agency: Agency | None = None):
    """Log a disclosure with the consent it relies on; without a valid consent a legal basis must be named."""
    consent = consent_for(person, agency or recipient)
    if consent is None and not legal_basis:
        raise NoConsent(_("no valid consent and no other legal basis"))
    disclosure = Disclosure.objects.create(
        person=person, at=timezone.now(), recipient=recipient, information=information, purpose=purpose,
        channel=channel, consent=consent, legal_basis=legal_basis, by=user)
    record(Action.DISCLOSE, user=user, obj=person, request=request,
           summary=f"{channel} → {recipient}: {information}",
           changes={"consent": consent.pk if consent else None, "legal_basis": legal_basis})
    return disclosure


@transaction.atomic
def set_identity_number(person, kind, number, *, user=None, request=None) -> IdentityNumber:
    identity = IdentityNumber.objects.filter(person=person, kind=kind).first() or IdentityNumber(person=person,
                                                                                                   kind=kind)
    identity.set_number(number)
    identity.save()
    record(Action.CHANGE, user=user, obj=person, request=request, summary=f"identity number {kind} set",
           changes={"identity_number": [None, f"…{identity.hint}"]})
    return identity


def find_by_identity_number(number: str, people=None):
    """People with exactly this number (any document kind), found through the keyed hash."""
    from tongxing.people.models import Person

    from . import crypto

    qs = people if people is not None else Person.objects.all()
    return qs.filter(identity_numbers__lookup=crypto.lookup_hash(number)).distinct()
