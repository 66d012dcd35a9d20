from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from tongxing.accounts.models import Level
from tongxing.accounts.scope import can_write, level_of, people_for
from tongxing.audit.models import Action
from tongxing.audit.selectors import who_viewed
from tongxing.audit.services import diff, record

from .forms import ConsentForm, RevokeForm
from .models import Consent
from .services import record_consent

# Who may see the access log of a client: those answerable for the unit's records.
ACCESS_LOG_READERS = {Level.SUPERVISOR, Level.AUDITOR}


def _person(request, pk):
    return get_object_or_404(people_for(request.user).select_related("unit"), pk=pk)


@login_required
def privacy(request, pk):
    """A person's consents, disclosure history (printable) and, for supervisors, who looked at the record."""
    person = _person(request, pk)
    form = ConsentForm(request.POST or None, unit=person.unit)
    if request.method == "POST":
        if not can_write(request.user):
            raise PermissionDenied
        if form.is_valid():
            consent = form.save(commit=False)
            consent.person = person
            record_consent(consent, user=request.user, request=request)
            return redirect("privacy-person", pk=person.pk)
    else:
        with transaction.atomic():
            record(Action.VIEW, request=request, obj=person, summary="privacy page")
    can_see_log = request.user.is_superuser or level_of(request.user) in ACCESS_LOG_READERS
    return render(request, "privacy/person.html", {
        "person": person, "form": form, "today": timezone.localdate(),
        "consents": person.consents.order_by("-given_on"),
        "disclosures": person.disclosures.select_related("consent", "by"),
        "access_log": who_viewed("people.person", person.pk)[:200] if can_see_log else None,
    })


@login_required
@require_POST
def revoke(request, pk, consent_pk):
    person = _person(request, pk)
    if not can_write(request.user):
        raise PermissionDenied
    consent = get_object_or_404(Consent, pk=consent_pk, person=person)
    form = RevokeForm(request.POST)
    if form.is_valid():
        with transaction.atomic():
            before = {"revoked_on": str(consent.revoked_on) if consent.revoked_on else None}
            consent.revoked_on = form.cleaned_data["revoked_on"]
            consent.save(update_fields=["revoked_on"])
            record(Action.CHANGE, request=request, obj=consent, unit_code=person.unit.code, summary="consent revoked",
                   changes=diff(before, {"revoked_on": str(consent.revoked_on)}))
    return redirect("privacy-person", pk=person.pk)


@login_required
@require_GET
def disclosure_history(request, pk):
    """The accounting of disclosures a person may ask for, laid out to print."""
    person = _person(request, pk)
    with transaction.atomic():
        record(Action.VIEW, request=request, obj=person, summary="disclosure history printed")
    return render(request, "privacy/disclosures_print.html", {
        "person": person, "disclosures": person.disclosures.select_related("consent", "by"),
        "today": timezone.localdate()})
