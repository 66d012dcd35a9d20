"""Home pages by role: a worker's caseload with its three alert lists; a supervisor's unit overview."""

import datetime as dt
import io

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from tongxing.accounts.models import Access
from tongxing.cases.models import Episode
from tongxing.cases.services import PLAN_PARTS, open_case, save_plan
from tongxing.organisations.models import Staff
from tongxing.reports.views import current_fy
from tongxing.standards.engine import Period

from .casework import PASSWORD, agreed, case, caseload, contact, person, world

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


@pytest.fixture
def w():
    return world()


def login(client, u):
    assert client.login(username=u.username, password=PASSWORD)
    return client


def test_worker_sees_own_caseload_and_alerts(client, w):
    today = TODAY
    no_plan = case(w.unit, person(w.unit, 1, name="甲"), w.alice_staff, today - dt.timedelta(days=10), 1)
    quiet = case(w.unit, person(w.unit, 2, name="乙"), w.alice_staff, today - dt.timedelta(days=90), 2, plan=True)
    contact(w.unit, quiet, w.alice_staff, today - dt.timedelta(days=31), 1)
    fine = case(w.unit, person(w.unit, 3, name="丙"), w.alice_staff, today - dt.timedelta(days=90), 3, plan=True)
    contact(w.unit, fine, w.alice_staff, today - dt.timedelta(days=3), 2)
    fine.next_action_due, fine.next_action = today - dt.timedelta(days=1), "覆診"
    fine.save()
    case(w.unit, person(w.unit, 4, name="丁"), w.bob_staff, today, 4)  # a colleague's case
    login(client, w.alice)
    response = client.get(reverse("home"))
    assert response.templates[0].name == "web/home_worker.html"
    ctx = response.context
    assert set(ctx["page"]) == {fine, no_plan, quiet}
    assert list(ctx["due"]) == [fine]
    assert list(ctx["without_plan"]) == [no_plan]
    assert set(ctx["not_contacted"]) == {no_plan, quiet}
    html = response.content.decode()
    assert "丁" not in html and "逾期" in html


def test_supervisor_sees_workers_status_and_progress(client, w):
    fy = current_fy(TODAY)
    agreed(w.unit, fy, OS5=4, OS4=10)
    caseload(w, 6)
    case(w.unit, person(w.unit, 50), w.bob_staff, TODAY, 50, plan=True)
    login(client, w.bob)
    response = client.get(reverse("home"))
    assert response.templates[0].name == "web/home_supervisor.html"
    workers = {r["worker__name"]: r for r in response.context["workers"]}
    assert workers["Alice"]["open"] == 6 and workers["Alice"]["without_plan"] == 2
    assert workers["Bob"]["open"] == 1
    status = response.context["status"]
    assert status["with_plan"] == 5 and status["without_plan"] == 2
    os5 = next(r for r in response.context["progress"] if r["code"] == "OS5")
    assert os5["agreed"] == 4 and os5["achieved"] >= 1
    assert 'id="home-chart"' in response.content.decode()
    export = client.get(reverse("home"), {"export": "xlsx"})
    ws = load_workbook(io.BytesIO(export.content)).active
    assert [c.value for c in ws[2]][:3] == ["Alice", 6, 0]


def test_supervisor_chart_counts_cases_closed_since_the_year_began_and_merged_ones(client, w):
    start = Period.financial_year(current_fy(TODAY)).start
    before, since = start - dt.timedelta(days=1), start
    case(w.unit, person(w.unit, 1), w.alice_staff, before - dt.timedelta(days=30), 1, closed=since)  # counted
    case(w.unit, person(w.unit, 2), w.alice_staff, before - dt.timedelta(days=30), 2, closed=before)  # closed before
    reopened = case(w.unit, person(w.unit, 3), w.alice_staff, before - dt.timedelta(days=30), 3, closed=since)
    Episode.objects.create(case=reopened, opened=since)  # open again: not closed
    twice = case(w.unit, person(w.unit, 4), w.alice_staff, before - dt.timedelta(days=60), 4,
                 closed=before - dt.timedelta(days=40))
    Episode.objects.create(case=twice, opened=before - dt.timedelta(days=10), closed=since, plan_achieved=True)  # counted
    target = case(w.unit, person(w.unit, 5), w.alice_staff, before, 5, type="family")
    merged = case(w.unit, person(w.unit, 6), w.alice_staff, before - dt.timedelta(days=30), 6, closed=since,
                  type="family")
    merged.merged_into = target
    merged.save()
    elsewhere = Staff.objects.create(unit=w.other_unit, external_id="s9", name="Carl")
    case(w.other_unit, person(w.other_unit, 7), elsewhere, before - dt.timedelta(days=30), 7, closed=since)
    login(client, w.bob)
    status = client.get(reverse("home")).context["status"]
    assert (status["closed"], status["merged"]) == (2, 1)


def test_charlie_sees_only_his_unit(client, w):
    caseload(w, 3)
    login(client, w.charlie)
    response = client.get(reverse("home"))
    assert list(response.context["page"]) == []


def _count(client, url):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


# The home page's queries, a worker's and a supervisor's (the chart's open caseload summed from the per-worker
# table, the unit list read once); lower it when the page reads less, never raise it.
HOME_QUERIES = 15


@pytest.mark.parametrize("who", ["alice", "bob"])
def test_home_query_count_is_constant(client, w, who, django_assert_num_queries):
    caseload(w, 10)
    login(client, getattr(w, who))
    client.get(reverse("home"))  # the first page after signing in starts the idle clock: a session write
    small = _count(client, reverse("home"))
    assert small <= HOME_QUERIES
    caseload(w, 190, start=10)
    with django_assert_num_queries(small):
        client.get(reverse("home"))


def _os5_and_queries(client):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse("home"))
    return next(r for r in response.context["progress"] if r["code"] == "OS5")["achieved"], len(ctx.captured_queries)


def test_remembered_return_on_home_changes_right_after_a_write(client, w):
    agreed(w.unit, current_fy(TODAY), OS5=4)
    caseload(w, 3)
    login(client, w.bob)
    client.get(reverse("person-list"))  # the idle clock's first stamp: a session write
    counted, counting = _os5_and_queries(client)
    remembered, reading = _os5_and_queries(client)
    assert remembered == counted and reading < counting  # the second page did not count the year again
    # An audited read changes no record: the figure stays remembered.
    assert client.get(reverse("person-detail", args=[person(w.unit, 90).pk])).status_code == 200
    assert _os5_and_queries(client) == (counted, reading)
    opened = open_case(person=person(w.unit, 91), type="psa", parent_case=False, worker=w.alice_staff,
                       opened=TODAY, user=w.bob)
    save_plan(opened.episodes.get(), data={**dict.fromkeys(PLAN_PARTS, "計劃"), "date": TODAY}, revision=0, user=w.alice)
    after, recounting = _os5_and_queries(client)
    assert after == counted + 1 and recounting > reading


def test_language_choice_is_kept_per_user(client, w):
    login(client, w.alice)
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert response.status_code == 302
    assert Access.objects.get(user=w.alice).language == "en"
    # On a new browser, the first page after login switches to the saved language and remembers it.
    fresh = client.__class__()
    login(fresh, w.alice)
    home = fresh.get(reverse("home"))
    assert home.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    assert fresh.get(reverse("person-list"))["Content-Language"] == "en"
