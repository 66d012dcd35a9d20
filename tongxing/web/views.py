from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from tongxing.activities.models import Activity
from tongxing.cases.models import Episode
from tongxing.organisations.selectors import units_for
from tongxing.reports.views import current_fy
from tongxing.standards.engine import Period


@require_GET
@login_required
def home(request):
    fy = current_fy()
    period = Period.financial_year(fy)
    today = timezone.localdate()
    units = units_for(request.user).annotate(
        open_cases=Count("cases", filter=Q(cases__episodes__closed__isnull=True, cases__merged_into__isnull=True),
                         distinct=True),
    ).order_by("code")
    activity_counts = dict(Activity.objects.filter(unit__in=units).filter(period.dates("date")).values_list(
        "unit").annotate(n=Count("pk")))
    without_plan = dict(Episode.objects.filter(case__unit__in=units, closed__isnull=True, plan__isnull=True)
                        .values_list("case__unit").annotate(n=Count("pk")))
    rows = [{"unit": u, "open_cases": u.open_cases, "activities": activity_counts.get(u.pk, 0),
             "without_plan": without_plan.get(u.pk, 0)} for u in units]
    return render(request, "web/home.html", {"rows": rows, "fy": fy, "today": today})
