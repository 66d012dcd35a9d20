"""The referral's lifecycle (issue 19): destinations chosen from the unit's agency list and offered by region,
reason and notes, a referral waiting for consent that is sent by recording the consent in one step, and cancelled,
withdrawn or waiting referrals left out of every count with their reason in the drill-down (DOMAIN.md "Taiwan").
alice refers; bob (the unit's supervisor) sees and keeps the agency list; charlie (unit B) is refused."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from tongxing.activities.services import cancel_referral
from tongxing.audit.models import Event
from tongxing.cases.models import CATEGORIES_BY_REGION, Referral, ReferralCategory, ReferralStatus
from tongxing.organisations.models import Agency, Region
from tongxing.prevention.statistics import Span, report
from tongxing.privacy.models import Consent, Disclosure

from .activities_world import build

pytestmark = pytest.mark.django_db
TAIWAN_ONLY = {ReferralCategory.EMPLOYMENT, ReferralCategory.REHABILITATION_PROTECTION, ReferralCategory.HALFWAY_HOUSE}
HONG_KONG_ONLY = {ReferralCategory.SUBSTANCE_ABUSE_CLINIC, ReferralCategory.SPECIALIST_TREATMENT}


@pytest.fixture
def w():
    world = build()
    world.clinic = Agency.objects.create(unit=world.unit, name="油麻地物質誤用診所")
    world.elsewhere = Agency.objects.create(unit=world.other_unit, name="乙中心轉介機構")
    return world


def fields(w, **more):
    return {"person": w.client.pk, "case": w.case.pk, "direction": "out",
            "category": ReferralCategory.SUBSTANCE_ABUSE_CLINIC, "destination": w.clinic.pk,
            "date": timezone.localdate().isoformat(), "reason": "氯胺酮引致膀胱問題，需要評估", "notes": "案主只可下午",
            **more}


def choices(response, name):
    return {value for value, _label in response.context["form"].fields[name].choices if value}


def test_alice_refers_bob_sees_and_charlie_is_refused(client, w):
    Consent.objects.create(person=w.client, recipient=w.clinic.name, agency=w.clinic, information="轉介資料",
                           purpose="轉介", given_on=timezone.localdate())
    client.force_login(w.alice)
    response = client.post(reverse("activities:referral-new"), fields(w))
    referral = Referral.objects.get()
    assert response.url == reverse("activities:referral", args=[referral.pk])
    assert (referral.destination, referral.agency, referral.awaiting_consent) == (w.clinic, w.clinic.name, False)
    assert Disclosure.objects.get(person=w.client).consent.agency == w.clinic
    client.force_login(w.bob)
    page = client.get(reverse("activities:referral", args=[referral.pk])).content.decode()
    assert "油麻地物質誤用診所" in page and "氯胺酮引致膀胱問題" in page and "案主只可下午" in page
    client.force_login(w.charlie)
    assert client.get(reverse("activities:referral", args=[referral.pk])).status_code == 404
    assert client.get(reverse("activities:referral-consent", args=[referral.pk])).status_code == 404
    # charlie's own form offers his unit's agencies only, never unit A's.
    offered = {a.pk for a in client.get(reverse("activities:referral-new")).context["form"]
               .fields["destination"].queryset}
    assert offered == {w.elsewhere.pk}


def test_the_agency_comes_from_the_units_list(client, w):
    retired = Agency.objects.create(unit=w.unit, name="已停辦中途宿舍", in_use=False)
    client.force_login(w.alice)
    for bad in (w.elsewhere.pk, retired.pk, "油麻地物質誤用診所", ""):
        response = client.post(reverse("activities:referral-new"), fields(w, destination=bad, legal_basis="law",
                                                                            legal_basis_note="區域法院命令 123"))
        assert "destination" in response.context["form"].errors and 'role="alert"' in response.content.decode()
    assert not Referral.objects.exists() and not Disclosure.objects.exists()


def test_each_region_is_offered_its_own_destination_categories(client, w):
    client.force_login(w.alice)
    hong_kong = choices(client.get(reverse("activities:referral-new")), "category")
    assert HONG_KONG_ONLY <= hong_kong and not hong_kong & TAIWAN_ONLY
    refused = client.post(reverse("activities:referral-new"), fields(w, category=ReferralCategory.EMPLOYMENT))
    assert "category" in refused.context["form"].errors and not Referral.objects.exists()
    w.unit.timezone = "Asia/Taipei"
    w.unit.save()
    assert w.unit.region == Region.TAIWAN
    taiwan = choices(client.get(reverse("activities:referral-new")), "category")
    assert taiwan == {c.value for c in CATEGORIES_BY_REGION[Region.TAIWAN]} and not taiwan & HONG_KONG_ONLY
    refused = client.post(reverse("activities:referral-new"), fields(w))  # a Hong Kong category
    assert "category" in refused.context["form"].errors and not Referral.objects.exists()


def test_blocked_then_consent_in_one_step_then_sent(client, w):
    client.force_login(w.alice)
    url = reverse("activities:referral-new")
    blocked = client.post(url, fields(w))
    assert blocked.context["form"].needs_consent and 'id="await-consent"' in blocked.content.decode()
    assert not Referral.objects.exists()
    response = client.post(url, fields(w, action="await_consent"))
    referral = Referral.objects.get()
    assert response.url == reverse("activities:referral-consent", args=[referral.pk])
    assert referral.awaiting_consent and not Disclosure.objects.exists()
    detail = client.get(reverse("activities:referral", args=[referral.pk]))
    assert 'id="record-consent"' in detail.content.decode() and detail.context["form"] is None  # no step yet
    form = client.get(response.url).context["form"]
    assert form.initial["agency"] == w.clinic.pk and "氯胺酮引致膀胱問題" in form.initial["purpose"]
    assert form.initial["given_on"] == timezone.localdate()
    consent_url = reverse("activities:referral-consent", args=[referral.pk])
    good = {"information": "個案摘要", "purpose": "轉介物質誤用診所評估", "given_on": timezone.localdate().isoformat()}
    tomorrow = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
    yesterday = (timezone.localdate() - dt.timedelta(days=1)).isoformat()
    for bad in ({"given_on": tomorrow}, {"purpose": ""}, {"expires_on": yesterday}):
        refused = client.post(consent_url, {**good, **bad})
        assert set(bad) <= set(refused.context["form"].errors) and 'role="alert"' in refused.content.decode()
    assert not Consent.objects.exists() and Referral.objects.get().awaiting_consent
    last_event = Event.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    # The agency cannot be changed on this form: the consent is for the referral's agency.
    sent = client.post(consent_url, {**good, "agency": w.elsewhere.pk})
    assert sent.url == reverse("activities:referral", args=[referral.pk])
    referral.refresh_from_db()
    consent = Consent.objects.get()
    assert not referral.awaiting_consent
    assert (consent.person, consent.agency, consent.recipient, consent.recorded_by) == (
        w.client, w.clinic, w.clinic.name, w.alice)
    assert Disclosure.objects.get().consent == consent
    made = Event.objects.filter(pk__gt=last_event)
    assert {(e.object_type, e.action) for e in made} >= {("privacy.consent", "create"), ("cases.referral", "change")}
    page = client.get(reverse("activities:referral", args=[referral.pk]))
    assert 'id="awaiting-consent"' not in page.content.decode() and page.context["form"] is not None
    assert client.get(consent_url).status_code == 302  # nothing waits any more


def test_a_read_only_user_cannot_record_the_consent(client, w):
    from tongxing.accounts.models import Access, Level
    referral = Referral.objects.create(unit=w.unit, external_id="r1", person=w.client, case=w.case, direction="out",
                                       category=ReferralCategory.SUBSTANCE_ABUSE_CLINIC, destination=w.clinic,
                                       agency=w.clinic.name, date=timezone.localdate(), awaiting_consent=True)
    Access.objects.filter(user=w.alice).update(level=Level.AUDITOR, unit=None)
    client.force_login(w.alice)
    assert client.post(reverse("activities:referral-consent", args=[referral.pk]), {
        "information": "x", "purpose": "x", "given_on": timezone.localdate().isoformat()}).status_code in (403, 404)
    assert not Consent.objects.exists() and Referral.objects.get().awaiting_consent


def test_cancelled_withdrawn_and_waiting_referrals_count_nowhere_and_show_their_reason(client, w):
    w.unit.timezone = "Asia/Taipei"
    w.unit.save()
    day = timezone.localdate() - dt.timedelta(days=5)

    def referral(n, **more):
        return Referral.objects.create(unit=w.unit, external_id=f"r{n}", person=w.client, case=w.case,
                                       direction="out", category=ReferralCategory.MEDICAL_TREATMENT,
                                       destination=w.clinic, agency=w.clinic.name, date=day, **more)

    referral(1)
    cancelled, withdrawn = referral(2), referral(3)
    referral(4, awaiting_consent=True)
    cancel_referral(user=w.alice, referral=cancelled, status=ReferralStatus.CANCELLED, reason="中心人手不足暫停轉介",
                    on=timezone.localdate())
    cancel_referral(user=w.alice, referral=withdrawn, status=ReferralStatus.WITHDRAWN, reason="案主決定自行求診",
                    on=timezone.localdate())
    span = Span(day - dt.timedelta(days=30), timezone.localdate())
    figures = report(w.unit, span)["figures"]
    assert (figures["referrals"], figures["referrals_medical_treatment"]) == (1, 1)
    assert figures["referrals_closed_loop"] == 0  # the cancelled and withdrawn ones did not close a loop
    client.force_login(w.bob)
    page = client.get(reverse("prevention-records", args=[w.unit.code, "referrals:medical_treatment"]),
                      {"start": span.start.isoformat(), "end": span.end.isoformat()})
    text = page.content.decode()
    assert "中心人手不足暫停轉介" in text and "案主決定自行求診" in text
    counted = [row for row in page.context["rows"] if row.get("counted")]
    assert len(counted) == 1 and len(page.context["rows"]) == 4


def test_the_supervisor_keeps_the_agency_list_on_the_set_up_pages(client, w):
    client.force_login(w.alice)
    assert client.get(reverse("setup-agencies", args=[w.unit.code])).status_code == 403
    client.force_login(w.charlie)
    assert client.post(reverse("setup-agency-new", args=[w.unit.code]), {"name": "x"}).status_code in (403, 404)
    client.force_login(w.bob)
    new = reverse("setup-agency-new", args=[w.unit.code])
    assert client.post(new, {"name": "社會福利署綜合家庭服務中心", "in_use": "on"}).status_code == 302
    refused = client.post(new, {"name": "  油麻地物質誤用診所 ", "in_use": "on"})
    assert refused.status_code == 400 and "name" in refused.context["form"].errors
    assert Agency.objects.filter(unit=w.unit).count() == 2
    edit = reverse("setup-agency", args=[w.unit.code, w.clinic.pk])
    token = client.get(edit).context["form"]["edit_token"].value()
    assert client.post(edit, {"name": w.clinic.name, "edit_token": token}).status_code == 302
    w.clinic.refresh_from_db()
    assert not w.clinic.in_use
    assert Event.objects.filter(object_type="organisations.agency").count() == 2
    page = client.get(reverse("setup-agencies", args=[w.unit.code])).content.decode()
    assert "社會福利署綜合家庭服務中心" in page and "乙中心轉介機構" not in page
