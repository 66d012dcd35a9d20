"""Small pieces every casework view shares: paging, write permission, the unit a new record belongs to."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render

from tongxing.accounts.scope import access_of, can_write, units_for

PER_PAGE = 25


def paginate(request, queryset, per_page: int = PER_PAGE):
    """The requested page (an out-of-range or malformed number shows the last or first page)."""
    return Paginator(queryset, per_page).get_page(request.GET.get("page"))


def query_without_page(request) -> str:
    """The current filters, for page links and the Excel export link."""
    params = request.GET.copy()
    params.pop("page", None)
    params.pop("export", None)
    return params.urlencode()


def require_write(request):
    if not can_write(request.user):
        raise PermissionDenied


def unit_for_new_records(user, among=None):
    """A login tied to a unit writes there; one with several units in scope writes to the first. `among`: the
    units in the user's scope, already read in code order, to choose from without a query."""
    access = access_of(user)
    own = access.unit_id if access is not None else None
    if among:
        found = next((u for u in among if u.pk == own), None) if own else among[0]
        if found is not None:
            return found
    if own:
        return access.unit
    unit = units_for(user).order_by("code").first()
    if unit is None:
        raise Http404("no unit")
    return unit


def drilldown_response(request, fragment: str, context: dict):
    """A figure's drill-down: the fragment alone for the page that asked for it (HTMX), a full styled page when
    its address is opened directly (a bookmark, a new tab, a link sent to a colleague)."""
    if request.headers.get("HX-Request"):
        return render(request, fragment, context)
    return render(request, "web/drilldown_page.html", {**context, "fragment": fragment})
