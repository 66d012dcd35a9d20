from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Max
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tongxing.accounts.scope import can_write, people_for
from tongxing.activities.selectors import assessments_of, nursing_of
from tongxing.appointments import selectors as appointment_selectors
from tongxing.audit.models import Action
from tongxing.audit.services import record
from tongxing.cases.selectors import PERSON_TIMELINE_ROWS, person_timeline
from tongxing.lib.xlsx import xlsx_response
from tongxing.outcomes.selectors import risk_alerts_shown
from tongxing.projects.selectors import enrolments_of, open_projects
from tongxing.teams.views import find_or_refuse
from tongxing.web.common import paginate, query_without_page, require_write, unit_for_new_records

from . import selectors, services
from .forms import ChildForm, DrugUseForm, PersonForm
from .models import INTAKE_FIELDS, Person, Sex


def _headers():
    return [Person._meta.get_field(f).verbose_name for f in ("reference", "name", "name_en", "sex", "birth_date",
                                                            "phone", "identified_on", "identification_channel")]


@require_GET
@login_required
def person_list(request):
    q, sex = request.GET.get("q", ""), request.GET.get("sex", "")
    people = selectors.search(request.user, q, sex)
    if request.GET.get("export") == "xlsx":
        record(Action.EXPORT, request=request, object_type="people.person", summary=f"people list q={q!r}"[:300])
        rows = ([p.reference or p.external_id, p.name, p.name_en, p.get_sex_display(), p.birth_date, p.phone,
                 p.identified_on, p.get_identification_channel_display()] for p in people.iterator())
        return xlsx_response("people", _headers(), rows, title=_("Person"))
    context = {"page": paginate(request, people), "q": q, "sex": sex, "sexes": Sex.choices,
               "outside": selectors.outside_caseload(request.user, q),
               "query": query_without_page(request), "can_write": can_write(request.user)}
    # Typing in the search box asks only for the results, not the whole page.
    template = "people/_results.html" if request.headers.get("HX-Request") else "people/list.html"
    return render(request, template, context)


def _visible_and_hidden(request, candidates):
    visible_ids = set(people_for(request.user).filter(pk__in=[c.pk for c in candidates]).values_list("pk", flat=True))
    return [c for c in candidates if c.pk in visible_ids], sum(1 for c in candidates if c.pk not in visible_ids)


@require_http_methods(["GET", "POST"])
@login_required
def person_new(request):
    require_write(request)
    unit = unit_for_new_records(request.user)
    duplicates, hidden = [], 0
    if request.method == "POST":
        form = PersonForm(request.POST, unit=unit, duplicates_possible=True)
        if form.is_valid():
            data = form.cleaned_data
            candidates = list(selectors.duplicate_candidates(unit, name=data["name"], name_en=data["name_en"],
                                                             birth_date=data["birth_date"], phone=data["phone"]))
            if candidates and not data.get("confirm_duplicate"):
                duplicates, hidden = _visible_and_hidden(request, candidates)
                form.add_error("confirm_duplicate", _("This person may already have a record: check the records below first, or tick this box to create a new one anyway."))
            else:
                person = services.create_person(unit=unit, data=form.person_data(), user=request.user,
                                                identity=form.identity(), request=request)
                messages.success(request, _("Person record created: %(name)s") % {"name": person})
                return redirect("person-detail", pk=person.pk)
    else:
        form = PersonForm(initial={"name": request.GET.get("name", "")}, unit=unit)
    return render(request, "people/form.html", {"form": form, "duplicates": duplicates, "hidden": hidden,
                                                 "unit": unit})


@require_http_methods(["GET", "POST"])
@login_required
def person_edit(request, pk):
    require_write(request)
    person = get_object_or_404(selectors.active_people(request.user), pk=pk)
    form = PersonForm(request.POST or None, instance=person, unit=person.unit)
    if request.method == "GET":
        record(Action.VIEW, request=request, obj=person, summary="person edit form")
    if request.method == "POST" and form.is_valid():
        services.update_person(Person.objects.get(pk=person.pk), data=form.person_data(), user=request.user,
                               identity=form.identity(), request=request)
        messages.success(request, _("Saved"))
        return redirect("person-detail", pk=person.pk)
    return render(request, "people/form.html", {"form": form, "person": person, "unit": person.unit},
                  status=409 if form.conflict else 200)


MEDICAL_ROWS = 10  # the latest assessments in the page's medical section; the timeline lists more


def _detail(request, person, drug_form=None, child_form=None, status=200):
    """The person page; every caller read `person` through `people_for(request.user)` in this request."""
    cases = list(selectors.cases_of(request.user, person))
    drug_use = person.drug_use.order_by("-last_used", "drug")
    children = person.children.order_by("birth_date")
    attendance = person.attendance.aggregate(n=Count("pk"), last=Max("activity__date"))
    merged_from = person.merged_from.order_by("pk")
    # Read once, shown twice: in their own lists and on the timeline.
    appointments = appointment_selectors.every_one_of_person(request.user, person)
    assessments = assessments_of(request.user, person, limit=PERSON_TIMELINE_ROWS)
    return render(request, "people/detail.html", {
        "person": person, "cases": cases, "drug_use": drug_use, "children": children, "attendance": attendance,
        "merged_from": merged_from, "can_write": can_write(request.user),
        "appointments": appointment_selectors.scheduled(appointments),
        "timeline": person_timeline(request.user, person, lambda a: reverse("activities:detail", args=[a.pk]),
                                    appointments=appointments, assessments=assessments),
        "schedule_query": f"person={person.pk}", "today": timezone.localdate(),
        "risk_alerts": risk_alerts_shown(request.user, person=person), "can_acknowledge": can_write(request.user),
        "identity_numbers": person.identity_numbers.order_by("kind"),
        "enrolments": enrolments_of(request.user, person), "open_projects": open_projects(request.user, person.unit),
        "nursing": nursing_of(request.user, person), "assessments": assessments[:MEDICAL_ROWS],
        "drug_form": drug_form or DrugUseForm(prefix="drug"), "child_form": child_form or ChildForm(prefix="child"),
    }, status=status)


@require_GET
@login_required
def person_detail(request, pk):
    person, refusal = find_or_refuse(request, people_for(request.user).select_related("unit", "merged_into"), pk,
                                     kind="person")
    if refusal:
        return refusal
    record(Action.VIEW, request=request, obj=person, summary="person page")
    return _detail(request, person)


def _add_person_record(request, pk, form_class, prefix, form_name, add, message):
    require_write(request)
    person = get_object_or_404(selectors.active_people(request.user), pk=pk)
    form = form_class(request.POST, prefix=prefix)
    if not form.is_valid():
        return _detail(request, person, status=400, **{form_name: form})
    add(person, user=request.user, request=request, **form.cleaned_data)
    messages.success(request, message)
    return redirect("person-detail", pk=person.pk)


@require_POST
@login_required
def person_drug_use(request, pk):
    return _add_person_record(request, pk, DrugUseForm, "drug", "drug_form", services.add_drug_use,
                              _("Drug use added"))


@require_POST
@login_required
def person_child(request, pk):
    return _add_person_record(request, pk, ChildForm, "child", "child_form", services.add_child,
                              _("Child added"))


def _links(people_ids):
    """How much each record carries, so the worker can see which one to keep."""
    base = Person.objects.filter(pk__in=people_ids)
    return {p["pk"]: p for p in base.values("pk").annotate(
        cases=Count("cases_as_client", distinct=True) + Count("cases_as_member", distinct=True),
        attendance=Count("attendance", distinct=True),
        drug_use=Count("drug_use", distinct=True), children=Count("children", distinct=True),
    )}


@require_http_methods(["GET", "POST"])
@login_required
def person_merge(request, pk):
    require_write(request)
    visible = selectors.active_people(request.user)
    person = get_object_or_404(visible, pk=pk)
    other_id = request.POST.get("other") or request.GET.get("other")
    if not other_id:
        # Until the worker searches, suggest records with the same name or the same duplicate signs.
        q = request.GET.get("q", "")
        same = selectors.duplicate_candidates(person.unit, name=person.name, name_en=person.name_en,
                                              birth_date=person.birth_date, phone=person.phone, exclude=person)
        found = (selectors.search(request.user, q or person.name or person.name_en).filter(unit=person.unit)
                 | visible.filter(pk__in=same.values("pk")))
        found = found.exclude(pk=person.pk).distinct()[:20]
        record(Action.VIEW, request=request, obj=person, summary="merge: choosing the other record")
        return render(request, "people/merge_pick.html", {"person": person, "found": found, "q": q})
    other = get_object_or_404(visible.filter(unit=person.unit).exclude(pk=person.pk), pk=other_id)
    error = None
    if request.method == "POST":
        keep_id = request.POST.get("keep")
        if keep_id in (str(person.pk), str(other.pk)):
            keep, drop = (person, other) if keep_id == str(person.pk) else (other, person)
            services.merge_people(keep, drop, user=request.user, request=request)
            messages.success(request, _("Merged: the records of %(drop)s were moved to %(keep)s") % {"drop": drop, "keep": keep})
            return redirect("person-detail", pk=keep.pk)
        error = _("Choose the record to keep")
    links = _links([person.pk, other.pk])
    for shown in (person, other):
        record(Action.VIEW, request=request, obj=shown, summary="merge page: two records side by side")
    return render(request, "people/merge.html", {
        "person": person, "other": other, "error": error,
        "pair": [(person, links.get(person.pk, {})), (other, links.get(other.pk, {}))],
        "fields": ["reference", "name", "name_en", "sex", "birth_date", "phone", "identified_on",
                   "identification_channel", *INTAKE_FIELDS],
    })
