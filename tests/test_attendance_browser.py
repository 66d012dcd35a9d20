"""The attendance sheet in a real browser, in both languages: tick members, add a walk-in, save."""

import pytest

from tongxing.people.models import Person, Sex

from .activities_world import PASSWORD, build, group_with_members
from .conftest import SCREENSHOTS, login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("language", ["zh-Hant", "en"])
def test_attendance_sheet_ticks_members_and_adds_a_walk_in(live_server, page, language):
    world = build()
    group, people, first, second = group_with_members(world, 5)
    Person.objects.create(unit=world.unit, external_id="w1", name="即場參加者", sex=Sex.FEMALE, phone="97770000")
    page.context.add_cookies([{"name": "django_language", "value": language.lower(), "url": live_server.url}])
    login(page, live_server, "alice", PASSWORD)
    page.goto(f"{live_server.url}/activities/sessions/{second.pk}/attendance/")
    assert page.locator("html").get_attribute("lang") == language.lower()
    for person in people[:4]:
        page.check(f"#members input[value='{person.pk}']")
    page.fill("#present-q", "9777")
    page.click("#present-results button.pick")
    page.locator("#members li:has-text('即場參加者') input:checked").wait_for()
    page.click("#save")
    page.locator(".messages li").wait_for()
    assert set(second.people.values_list("name", flat=True)) == {p.name for p in people[:4]} | {"即場參加者"}
    # Six different people in all now: the small-group warning is gone.
    assert page.locator("#small-group").count() == 0
    assert page.locator("#members input:checked").count() == 5
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=SCREENSHOTS / f"attendance-sheet-{language}.png", full_page=True)
