"""A referral cancelled or withdrawn before it is acted on, in the web: a reason is required, it leaves every count
and stays on file with its reason (DOMAIN.md "Taiwan"); only a referral not yet acted on can be cancelled.
alice (her client's referral) cancels; charlie (unit B) is refused."""

import datetime as dt

import pytest
from django.utils import timezone

from tongxing.audit.models import Event
from tongxing.cases.models import Referral, ReferralStatus, counted_referral

from .activities_world import build

pytestmark = pytest.mark.django_db


@pytest.fixture
def w():
    world = build()
    world.referral = Referral.objects.create(unit=world.unit, external_id="r1", person=world.client, case=world.case,
                                             direction="out", category="employment", agency="勞工局",
                                             date=timezone.localdate() - dt.timedelta(days=3))
    return world


def cancel(client, w, **fields):
    data = {"action": "cancel", "cancel-status": ReferralStatus.CANCELLED, "cancel-reason": "個案已自行求職",
            "cancel-date": timezone.localdate().isoformat(), **fields}
    return client.post(f"/referrals/{w.referral.pk}/", data)


def test_cancelled_with_its_reason_and_out_of_every_count(client, w):
    client.force_login(w.alice)
    assert 'id="cancel-referral"' in client.get(f"/referrals/{w.referral.pk}/").content.decode()
    assert cancel(client, w).status_code == 302
    w.referral.refresh_from_db()
    assert (w.referral.status, w.referral.status_reason) == (ReferralStatus.CANCELLED, "個案已自行求職")
    assert not Referral.objects.filter(counted_referral(), pk=w.referral.pk).exists()
    assert Event.objects.filter(object_type="cases.referral", action="change").latest("pk").changes["status"] == [
        "sent", "cancelled"]
    page = client.get(f"/referrals/{w.referral.pk}/").content.decode()
    assert "個案已自行求職" in page and 'id="cancel-referral"' not in page
    assert cancel(client, w, **{"cancel-status": ReferralStatus.WITHDRAWN}).status_code == 200  # no second time


@pytest.mark.parametrize("fields", [{"cancel-reason": "   "}, {"cancel-status": "attended"},
                                    {"cancel-date": "2000-01-01"}, {"cancel-date": "2999-01-01"}])
def test_a_missing_reason_or_a_bad_status_or_date_is_refused(client, w, fields):
    client.force_login(w.alice)
    response = cancel(client, w, **fields)
    assert response.status_code == 200 and response.context["cancel"].errors
    w.referral.refresh_from_db()
    assert w.referral.status == ReferralStatus.SENT and not w.referral.status_reason


def test_an_acted_on_referral_cannot_be_cancelled_and_outsiders_are_refused(client, w):
    client.force_login(w.charlie)
    assert cancel(client, w).status_code == 404
    w.referral.status = ReferralStatus.ATTENDED
    w.referral.save()
    client.force_login(w.alice)
    response = cancel(client, w)
    assert response.status_code == 200 and response.context["cancel"] is None
    w.referral.refresh_from_db()
    assert w.referral.status == ReferralStatus.ATTENDED
