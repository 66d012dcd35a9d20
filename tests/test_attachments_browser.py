"""Attachments in Chromium (issue 19), screenshots under docs/screenshots/: alice attaches a signed consent to her
case, the nurse on the case team downloads it, a colleague outside the team is refused."""

from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from tongxing.accounts.models import Access, Level
from tongxing.attachments.models import Attachment
from tongxing.organisations.models import Role, Staff, StaffRole
from tongxing.teams.models import TeamMember, TeamRole

from .activities_world import PASSWORD, build
from .conftest import login
from .test_attachments import pdf

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SCREENSHOTS = Path(__file__).resolve().parents[1] / "docs" / "screenshots"


def shot(page, name):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / f"{name}.png", full_page=True)


def _worker(w, username, staff=None):
    user = get_user_model().objects.create_user(username, password=PASSWORD)
    Access.objects.create(user=user, level=Level.WORKER, organisation=w.unit.organisation, unit=w.unit)
    if staff is None:
        staff = Staff.objects.create(unit=w.unit, external_id=f"s-{username}", name="吳同事")
        StaffRole.objects.create(staff=staff, role=Role.SOCIAL_WORKER)
    staff.user = user
    staff.save()
    return user


def test_a_file_is_attached_downloaded_by_the_team_and_refused_to_others(live_server, page, browser, tmp_path):
    w = build()
    _worker(w, "nina", w.nurse)
    TeamMember.objects.create(case=w.case, staff=w.nurse, role=TeamRole.NURSE, added_on=timezone.localdate())
    _worker(w, "gina")
    consent = tmp_path / "轉介同意書.pdf"
    consent.write_bytes(pdf())
    case_url = f"{live_server.url}/cases/{w.case.pk}/"

    login(page, live_server, "alice", PASSWORD)
    page.goto(case_url)
    page.set_input_files("#attachments input[type=file]", str(consent))
    page.fill("#attachments input[name=description]", "簽署的轉介同意書")
    page.click("#attachments button.primary")
    page.wait_for_load_state()
    link = page.locator("#attachments a[download]")
    assert link.inner_text() == "轉介同意書.pdf"
    shot(page, "attachment-on-case-zh-Hant")
    attachment = Attachment.objects.get()

    for username, allowed in (("nina", True), ("gina", False)):
        context = browser.new_context(viewport={"width": 1366, "height": 900})
        other = context.new_page()
        login(other, live_server, username, PASSWORD)
        if allowed:
            other.goto(case_url)
            with other.expect_download() as download:
                other.click("#attachments a[download]")
            saved = tmp_path / f"{username}.pdf"
            download.value.save_as(saved)
            assert saved.read_bytes() == pdf()
            shot(other, "attachment-team-member-downloads-zh-Hant")
        else:
            response = other.goto(f"{live_server.url}/attachments/{attachment.pk}/")
            assert response.status == 404
            shot(other, "attachment-refused-to-non-member-zh-Hant")
        context.close()
