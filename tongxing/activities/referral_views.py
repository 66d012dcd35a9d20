"""Referrals with their closed loop: sent → accepted → attended / not attended (or declined), with dates."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import F
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django.views.decorators.http import require_GET, require_http_methods

from tongxing.accounts.scope import can_write
from tongxing.cases.models import NOT_A_REFERRAL, ReferralStatus
from tongxing.privacy.forms import ReferralConsentForm

from .forms import ReferralCancelForm, ReferralFilterForm, ReferralForm, ReferralStatusForm
from .selectors import OPEN_REFERRAL, filtered_referrals, referrals_for
from .services import (
    CANCELLABLE,
    advance_referral,
    allowed_next,
    cancel_referral,
    create_referral,
    send_with_consent,
)
from .views import _starting_point, export, paginate, require_write, safe_next

REFERRAL_HEADERS = (
    gettext_noop("date"), gettext_noop("direction"), gettext_noop("person"), gettext_noop("case"),
    gettext_noop("category"), gettext_noop("agency"), gettext_noop("status"), gettext_noop("status date"),
    gettext_noop("days waiting"),
)


def _waiting(referral, today):
    """Days an outstanding referral has waited since its last step; None once the loop is closed."""
    if referral.status not in OPEN_REFERRAL:
        return None
    return (today - (referral.status_date or referral.date)).days


@login_required
@require_GET
def referral_list(request):
    form = ReferralFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_bound and form.is_valid() else {}
    qs = filtered_referrals(request.user, data)
    today = timezone.localdate()
    if request.GET.get("export") == "xlsx":
        rows = ((r.date, r.get_direction_display(), str(r.person), r.case.external_id if r.case else "",
                 r.get_category_display(), r.agency, r.get_status_display(), r.status_date, _waiting(r, today))
                for r in qs.iterator())
        return export(request, filename="referrals", headers=[_(h) for h in REFERRAL_HEADERS], rows=rows,
                      count=qs.count(), what="referrals")
    page, rest = paginate(request, qs)
    for r in page.object_list:
        r.waiting = _waiting(r, today)
    outstanding = referrals_for(request.user).filter(status__in=OPEN_REFERRAL).count()
    return render(request, "activities/referrals.html", {
        "form": form, "page": page, "rest": rest, "outstanding": outstanding, "can_write": can_write(request.user),
    })


@login_required
@require_http_methods(["GET", "POST"])
def referral_new(request):
    require_write(request.user)
    unit, case, people, _group = _starting_point(request)
    awaiting = request.POST.get("action") == "await_consent"
    form = ReferralForm(request.POST or None, user=request.user, unit=unit, awaiting_consent=awaiting,
                        initial={"person": people[0] if people else None, "case": case})
    if request.method == "POST" and form.is_valid():
        referral = form.save(commit=False)
        referral.unit = unit
        create_referral(user=request.user, referral=referral, legal_basis=form.cleaned_data["legal_basis"],
                        awaiting_consent=form.needs_consent, request=request)
        if referral.awaiting_consent:
            messages.warning(request, _("Referral saved as waiting for consent: it is not sent until the consent "
                                        "is recorded"))
            return redirect("activities:referral-consent", pk=referral.pk)
        messages.success(request, _("Referral saved"))
        return redirect(safe_next(request, reverse("activities:referral", args=[referral.pk])))
    return render(request, "activities/referral_form.html", {"form": form, "unit": unit})


@login_required
@require_http_methods(["GET", "POST"])
def referral_consent(request, pk):
    """The consent a referral waits for, recorded in one step from the referral: the form comes filled in with the
    person, the agency and the purpose; saving it sends the referral."""
    referral = get_object_or_404(referrals_for(request.user).select_related("person", "unit", "destination"), pk=pk)
    require_write(request.user)
    if not referral.awaiting_consent or referral.status in NOT_A_REFERRAL:
        messages.info(request, _("This referral is not waiting for consent"))
        return redirect("activities:referral", pk=referral.pk)
    purpose = referral.get_category_display() + (f": {referral.reason}" if referral.reason else "")
    form = ReferralConsentForm(request.POST or None, referral=referral, initial={
        "information": _("referral information"), "purpose": purpose[:300]})
    if request.method == "POST" and form.is_valid():
        consent = form.save(commit=False)
        consent.person = referral.person
        send_with_consent(user=request.user, referral=referral, consent=consent, request=request)
        messages.success(request, _("Consent recorded: the referral is sent"))
        return redirect("activities:referral", pk=referral.pk)
    return render(request, "activities/referral_consent.html", {"r": referral, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def referral_detail(request, pk):
    referral = get_object_or_404(referrals_for(request.user).select_related("person", "case", "unit"), pk=pk)
    cancelling = request.method == "POST" and request.POST.get("action") == "cancel"
    posted = request.POST if request.method == "POST" else None
    form = ReferralStatusForm(None if cancelling else posted, referral=referral) if allowed_next(referral) else None
    cancel = ReferralCancelForm(posted if cancelling else None, referral=referral) \
        if referral.status in CANCELLABLE else None
    if request.method == "POST":
        require_write(request.user)
        if cancelling and cancel is not None and cancel.is_valid():
            cancel_referral(user=request.user, referral=referral, status=cancel.cleaned_data["status"],
                            reason=cancel.cleaned_data["reason"], on=cancel.cleaned_data["date"], request=request)
            messages.success(request, _("Referral cancelled: it no longer counts, and keeps its reason"))
            return redirect("activities:referral", pk=referral.pk)
        if not cancelling and form is not None and form.is_valid():
            advance_referral(user=request.user, referral=referral, status=form.cleaned_data["status"],
                             on=form.cleaned_data["date"], request=request)
            messages.success(request, _("Referral status updated"))
            return redirect("activities:referral", pk=referral.pk)
    steps = (referral.history.order_by("history_date", "history_id")
             .values("status", "status_date", "date", "history_date", username=F("history_user__username")))
    loop = []
    for step in steps:
        if not loop or loop[-1]["status"] != step["status"]:
            loop.append({**step, "label": ReferralStatus(step["status"]).label})
    return render(request, "activities/referral.html", {
        "r": referral, "form": form, "cancel": cancel, "loop": loop, "waiting": _waiting(referral, timezone.localdate()),
        "can_write": can_write(request.user),
    }, status=409 if form is not None and form.conflict else 200)
