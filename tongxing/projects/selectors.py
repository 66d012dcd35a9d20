"""Projects within a user's scope, and the dashboard's figures in display form."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tongxing.accounts.scope import units_for
from tongxing.lib.projection import Method, as_text
from tongxing.lib.projection import project as project_year_end
from tongxing.outcomes.analysis import OUTCOMES, format_p
from tongxing.outcomes.models import Use

from .indicators import project_figures
from .models import Enrolment, Project

OUTCOME_LABELS = {"improved": "有改善 Improved", "same": "沒有改變 No change", "worse": "惡化 Worse",
                  "agree": "同意 Agree", "disagree": "不同意 Disagree"}
# How an outcome target was met, in the user's language (the exports print both: render.ROUTES).
ROUTE_LABELS = {"percent": _("percentage"), "t-test": _("paired t-test")}


def projects_for(user) -> QuerySet[Project]:
    return Project.objects.filter(unit__in=units_for(user))


def enrolments_of(user, person) -> QuerySet[Enrolment]:
    """A person's enrolments in the projects the user may see."""
    return (Enrolment.objects.filter(person=person, project__in=projects_for(user))
            .select_related("project", "programme").order_by("-date", "pk"))


def open_projects(user, unit) -> QuerySet[Project]:
    """The unit's projects still running (or yet to start) today, which a participant can be enrolled in."""
    return projects_for(user).filter(unit=unit, end__gte=timezone.localdate()).order_by("start", "code")


def pie(figure) -> dict:
    """Labels and counts of one outcome's pie: improved / no change / worse, or agree / disagree."""
    if figure.indicator.instrument.use == Use.POST_ONLY:
        keys = ("agree", "disagree")
        counts = figure.result.counts
    else:
        keys, counts = OUTCOMES, figure.result.counts
    return {"labels": [OUTCOME_LABELS[k] for k in keys], "counts": [counts[k] for k in keys]}


def output_method(indicator) -> Method:
    """A number of sessions, people or hours grows as the work is done; "70% of those recruited" is a share."""
    return Method.RATE if indicator.target_is_percent else Method.COUNT


def outlook(project: Project, figures: dict, today) -> None:
    """Each indicator's year-end projection over the project period (tongxing.lib.projection): outputs with a
    number for target at the pace so far, shares (a "% of recruited" target, every outcome) as they stand."""
    for figure in figures["outputs"]:
        indicator = figure.indicator
        share = indicator.target_is_percent
        value = (None if figure.share is None else Decimal(str(figure.share)) / 100) if share else figure.achieved
        target = Decimal(indicator.target) / 100 if share else indicator.target
        figure.outlook = project_year_end(value, target, start=project.start, end=project.end, today=today,
                                          method=output_method(indicator))
        figure.projected_text = as_text(figure.outlook.projected, percent=share)
        figure.needed_text = as_text(figure.outlook.needed_per_month, percent=share)
    for figure in figures["outcomes"]:
        percent = figure.result.percent if figure.post_only else figure.result.percents.get("improved")
        value = None if percent is None or not figure.result.n else Decimal(str(percent)) / 100
        figure.outlook = project_year_end(value, Decimal(figure.indicator.threshold) / 100, start=project.start,
                                          end=project.end, today=today, method=Method.RATE)
        figure.projected_text = as_text(figure.outlook.projected, percent=True)
        figure.needed_text = as_text(None)


def dashboard(project: Project, today=None) -> dict:
    figures = project_figures(project)
    for figure in figures["outcomes"]:
        figure.pie = pie(figure)
        figure.post_only = figure.indicator.instrument.use == Use.POST_ONLY
        figure.route_labels = [ROUTE_LABELS[r] for r in figure.verdict.routes]
        figure.p_text = format_p(figure.result.ttest.p) if hasattr(figure.result, "ttest") else None
    outlook(project, figures, today or timezone.localdate())
    return figures
