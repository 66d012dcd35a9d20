"""Quick entry in a real browser: a contact from a case file is saved in at most six field interactions."""

import re

import pytest

from tongxing.activities.models import Activity

from .activities_world import PASSWORD, build
from .conftest import SCREENSHOTS, login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MAX_INTERACTIONS = 6


class Counted:
    """Wraps the page's fill/select/click so the test counts what a worker has to do."""

    def __init__(self, page):
        self.page, self.n = page, 0

    def fill(self, selector, value):
        self.n += 1
        self.page.fill(selector, value)

    def select(self, selector, value):
        self.n += 1
        self.page.select_option(selector, value)

    def click(self, selector):
        self.n += 1
        self.page.click(selector)


def test_contact_from_a_case_in_six_interactions_or_fewer(live_server, page):
    world = build()
    login(page, live_server, "alice", PASSWORD)
    page.goto(f"{live_server.url}/activities/new/?case={world.case.pk}")
    # Prefilled from where the worker came from: the case, its client, today, and herself as staff.
    assert page.locator(".chip").inner_text().startswith(world.client.name)
    assert page.locator(f"input[name=staff][value='{world.alice_staff.pk}']").is_checked()
    do = Counted(page)
    do.select("#id_kind", "phone")
    do.fill("#id_start_time", "14:30")
    do.click("label.dur:has-text('30')")
    do.click("#save")
    page.wait_for_url(re.compile(r"/activities/\d+/$"))
    assert do.n <= MAX_INTERACTIONS
    a = Activity.objects.get()
    assert (a.kind, a.minutes, a.case, a.start_time.strftime("%H:%M")) == ("phone", 30, world.case, "14:30")
    assert list(a.staff.all()) == [world.alice_staff] and list(a.people.all()) == [world.client]


def test_contact_for_a_person_with_end_time_and_a_field_error(live_server, page):
    world = build()
    login(page, live_server, "alice", PASSWORD)
    page.goto(f"{live_server.url}/activities/new/?person={world.member.pk}")
    do = Counted(page)
    do.fill("#id_start_time", "10:00")
    do.click("#save")  # no duration and no end: the message appears next to the durations
    page.locator("#id_duration-error").wait_for()
    do.fill("#id_end_time", "10:40")
    do.click("#save")
    page.wait_for_url(re.compile(r"/activities/\d+/$"))
    assert do.n <= MAX_INTERACTIONS
    a = Activity.objects.get()
    assert (a.kind, a.minutes, list(a.people.all())) == ("interview", 40, [world.member])


def test_adding_a_person_by_search(live_server, page):
    world = build()
    login(page, live_server, "alice", PASSWORD)
    page.goto(f"{live_server.url}/activities/new/")
    page.fill("#people-q", "9123")
    page.click("#people-results button.pick")
    page.locator("#people-chosen .chip").wait_for()
    page.fill("#id_start_time", "09:00")
    page.click("label.dur:has-text('15')")
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=SCREENSHOTS / "quick-entry-zh-Hant.png", full_page=True)
    page.click("#save")
    page.wait_for_url(re.compile(r"/activities/\d+/$"))
    assert list(Activity.objects.get().people.all()) == [world.client]
