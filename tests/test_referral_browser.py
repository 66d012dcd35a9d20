"""A referral blocked for lack of consent, sent by recording the consent in one step (issue 19), in Chromium, with
screenshots committed under docs/screenshots/: alice refers her client to an agency of the unit's list, is told
there is no consent, saves the referral as waiting for it, records the consent on the form filled in from the
referral, and sees the referral sent."""


import pytest

from tongxing.cases.models import Referral
from tongxing.organisations.models import Agency
from tongxing.privacy.models import Consent, Disclosure

from .activities_world import PASSWORD, build
from .conftest import login, shot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_blocked_referral_is_sent_by_recording_the_consent_in_one_step(live_server, page):
    w = build()
    clinic = Agency.objects.create(unit=w.unit, name="油麻地物質誤用診所")
    login(page, live_server, "alice", PASSWORD)
    page.goto(f"{live_server.url}/referrals/new/?case={w.case.pk}")
    page.select_option("select[name=category]", "substance_abuse_clinic")
    page.select_option("select[name=destination]", str(clinic.pk))
    page.fill("textarea[name=reason]", "氯胺酮引致膀胱問題，需要評估")
    page.click("#save-referral")
    page.wait_for_load_state()
    assert page.locator("#needs-consent").count() == 1 and page.locator("#id_legal_basis-error").count() == 1
    assert not Referral.objects.exists()
    shot(page, "referral-blocked-without-consent")
    page.click("#await-consent")
    referral = Referral.objects.get()
    page.wait_for_url(f"{live_server.url}/referrals/{referral.pk}/consent/")
    assert referral.awaiting_consent and not Disclosure.objects.exists()
    assert "油麻地物質誤用診所" in page.locator("#consent-agency").inner_text()
    assert "氯胺酮引致膀胱問題" in page.input_value("input[name=purpose]")
    page.fill("input[name=information]", "個案摘要及尿液測試結果")
    shot(page, "referral-record-consent-in-one-step")
    page.click("#save-consent")
    page.wait_for_url(f"{live_server.url}/referrals/{referral.pk}/")
    referral.refresh_from_db()
    assert not referral.awaiting_consent and page.locator("#awaiting-consent").count() == 0
    assert Disclosure.objects.get().consent == Consent.objects.get(agency=clinic, person=w.client)
    shot(page, "referral-sent-after-consent")
