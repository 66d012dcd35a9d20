"""Attachments in Chromium (issue 19), screenshots under docs/screenshots/: alice attaches a signed consent to her
case, the nurse on the case team downloads it, a colleague outside the team is refused."""


import pytest
from django.utils import timezone

from tongxing.attachments.models import Attachment
from tongxing.teams.models import TeamMember, TeamRole

from .activities_world import PASSWORD, build, worker_login
from .conftest import login, shot
from .test_attachments import pdf

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_file_is_attached_downloaded_by_the_team_and_refused_to_others(live_server, page, browser, tmp_path):
    w = build()
    worker_login(w, "nina", staff=w.nurse)
    TeamMember.objects.create(case=w.case, staff=w.nurse, role=TeamRole.NURSE, added_on=timezone.localdate())
    worker_login(w, "gina")
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
