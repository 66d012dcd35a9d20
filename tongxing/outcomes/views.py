from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tongxing.accounts.scope import access_of, can_manage, can_write, people_for, units_for
from tongxing.audit.models import Action
from tongxing.audit.services import record

from . import services
from .forms import AdministrationForm, LikertForm, parse_answers
from .models import Item, Option
from .scoring import AnswerError
from .selectors import administrations_for, instruments_for, open_risk_alerts

PAGE = 50
@login_required
@require_GET
def instrument_list(request):
    instruments = instruments_for(request.user).annotate(n_items=Count("items")).order_by("organisation_id", "name")
    page = Paginator(instruments, PAGE).get_page(request.GET.get("page"))
    return render(request, "outcomes/instrument_list.html", {"page": page, "may_define": can_manage(request.user)})


def _items_with_options(instrument):
    options = Prefetch("scale__options", queryset=Option.objects.order_by("value"))
    return Item.objects.filter(instrument=instrument).select_related("scale", "subscale").prefetch_related(options)


@login_required
@require_GET
def instrument_detail(request, pk):
    instrument = get_object_or_404(instruments_for(request.user), pk=pk)
    return render(request, "outcomes/instrument_detail.html", {
        "instrument": instrument, "items": _items_with_options(instrument), "bands": instrument.bands.all(),
        "subscales": instrument.subscales.all(),
    })


@login_required
@require_http_methods(["GET", "POST"])
def instrument_create(request):
    if not can_manage(request.user):
        raise PermissionDenied
    form = LikertForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        access = access_of(request.user)
        organisation = access.organisation if access else units_for(request.user).first().organisation
        instrument = services.create_likert(
            request.user, organisation=organisation, name=d["name"], name_en=d["name_en"], better=d["better"],
            use=d["use"], low=d["low"], high=d["high"], items=d["item_list"], labels=d["label_list"],
            agree_at=d["agree_at"], min_change=d["min_change"], request=request)
        messages.success(request, _("Instrument added"))
        return redirect("outcomes-instrument", pk=instrument.pk)
    return render(request, "outcomes/instrument_form.html", {"form": form})


@login_required
@require_GET
def people_search(request):
    """Matches for the entry form's person search (HTMX): by name, English name or external id."""
    q = request.GET.get("q", "").strip()
    people = []
    if q:
        people = (people_for(request.user).filter(name__icontains=q) | people_for(request.user).filter(
            external_id__icontains=q) | people_for(request.user).filter(name_en__icontains=q)).order_by("name")[:10]
    return render(request, "outcomes/_people.html", {"people": people, "q": q})


@login_required
@require_GET
def answer_grid(request):
    """The grid of radio buttons for the chosen instrument (HTMX); part of the entry page, so writers only."""
    if not can_write(request.user):
        raise PermissionDenied
    instrument = None
    if request.GET.get("instrument"):
        instrument = get_object_or_404(instruments_for(request.user), pk=request.GET["instrument"])
    return render(request, "outcomes/_grid.html", {
        "instrument": instrument, "items": _items_with_options(instrument) if instrument else [], "answers": {},
        "problems": {}})


@login_required
@require_http_methods(["GET", "POST"])
def administration_new(request):
    """Fast entry of paper forms: after saving, the same instrument, time point and date stay chosen."""
    if not can_write(request.user):
        raise PermissionDenied
    form = AdministrationForm(request.user, request.POST or None, initial={
        k: request.GET[k] for k in ("instrument", "time_point", "date", "programme", "person", "case")
        if request.GET.get(k)})
    instrument = None
    chosen = form["instrument"].value()
    if chosen:
        instrument = instruments_for(request.user).filter(pk=chosen).first()
    items = list(_items_with_options(instrument)) if instrument else []
    answers, problems = {}, {}
    if request.method == "POST":
        answers, problems = parse_answers(request.POST, items)
        if form.is_valid() and not problems:
            d = form.cleaned_data
            try:
                saved = services.record_administration(
                    request.user, instrument=d["instrument"], person=d["person"], date=d["date"],
                    time_point=d["time_point"], answers=answers, case=d["case"], programme=d["programme"],
                    request=request)
            except AnswerError as error:
                problems = error.problems
            else:
                note = _("Saved") + f": {saved.person} · {saved.instrument} · {saved.total}"
                if saved.band:
                    note += f" ({saved.band})"
                messages.success(request, note)
                if hasattr(saved, "risk_alert"):
                    messages.warning(request, _("Risk alert raised: the case's worker and the supervisor see it "
                                                "on their home page until it is acknowledged."))
                again = {"instrument": saved.instrument_id, "time_point": saved.time_point,
                         "date": saved.date.isoformat()}
                if saved.programme_id:
                    again["programme"] = saved.programme_id
                return redirect(f"{reverse('outcomes-entry')}?{urlencode(again)}")
    return render(request, "outcomes/administration_form.html", {
        "form": form, "instrument": instrument, "items": items, "answers": answers, "problems": problems,
        "person": people_for(request.user).filter(pk=form["person"].value()).first() if form["person"].value() else None,
    })


@login_required
@require_GET
def administration_list(request):
    qs = administrations_for(request.user).select_related("instrument", "person").order_by("-date", "-pk")
    if request.GET.get("instrument"):
        qs = qs.filter(instrument_id=request.GET["instrument"])
    page = Paginator(qs, PAGE).get_page(request.GET.get("page"))
    return render(request, "outcomes/administration_list.html", {"page": page})


@login_required
@require_GET
def administration_detail(request, pk):
    administration = get_object_or_404(
        administrations_for(request.user).select_related("instrument", "person", "case", "programme"), pk=pk)
    answers = administration.answers.select_related("item").order_by("item__number")
    record(Action.VIEW, request=request, obj=administration.person, unit_code=administration.unit.code,
           summary=f"questionnaire answers: {administration.instrument} (administration {administration.pk})"[:300])
    return render(request, "outcomes/administration_detail.html", {"a": administration, "answers": answers})


@login_required
@require_POST
def risk_alert_acknowledge(request, pk):
    """Acknowledge an alert by saying what was done; back to the page it was shown on."""
    if not can_write(request.user):
        raise PermissionDenied
    alert = get_object_or_404(open_risk_alerts(request.user), pk=pk)
    action = request.POST.get("action_taken", "").strip()
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        target = reverse("home")
    if len(action) < 5:
        messages.error(request, _("Say what action was taken (at least 5 characters) to acknowledge the alert."))
        return redirect(target)
    services.acknowledge_risk_alert(alert, action_taken=action, user=request.user, request=request)
    messages.success(request, _("Risk alert acknowledged: %(person)s") % {"person": alert.person})
    return redirect(target)
