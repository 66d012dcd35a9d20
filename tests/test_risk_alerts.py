"""Risk alerts from questionnaire rules (issue 19): raised, shown where the work is, acknowledged with an action."""

import datetime as dt

import pytest
from django.urls import reverse

from tongxing.audit.models import Event
from tongxing.outcomes.library import ensure_library
from tongxing.outcomes.models import Band, Instrument, RiskAlert
from tongxing.outcomes.services import record_administration

from .activities_world import build

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    ensure_library()
    return build()


def _phq9(world, answers, day=1):
    return record_administration(world.alice, instrument=Instrument.objects.get(code="phq9"), person=world.client,
                                 date=dt.date(2024, 7, day), time_point="pre", answers=answers)


def test_item_9_above_0_raises_an_alert_on_the_clients_open_case(world):
    form = _phq9(world, {**{n: 0 for n in range(1, 9)}, 9: 1})
    alert = RiskAlert.objects.get()
    assert alert.administration == form and alert.case == world.case
    assert alert.reasons == [{"item": 9, "value": 1}]
    assert Event.objects.filter(object_type="outcomes.riskalert").exists()


def test_a_severe_total_raises_an_alert_and_a_moderate_one_none(world):
    _phq9(world, {n: 2 for n in range(1, 9)} | {9: 0}, day=1)      # 16: moderately severe
    assert not RiskAlert.objects.exists()
    _phq9(world, {n: 3 for n in range(1, 8)} | {8: 0, 9: 0}, day=2)  # 21: severe
    assert RiskAlert.objects.get().reasons == [{"band": "重度", "band_en": "Severe", "total": 21}]


def test_an_instruments_own_cut_off_raises_an_alert(world):
    ladder = Instrument.objects.get(code="drug-frequency-3m")
    Band.objects.create(instrument=ladder, lower=4, label="每日", label_en="Daily", alert=True)
    record_administration(world.alice, instrument=ladder, person=world.client, date=dt.date(2024, 7, 1),
                          time_point="pre", answers={1: 4})
    assert RiskAlert.objects.get().reasons[0]["band_en"] == "Daily"


def test_alert_shown_to_worker_and_supervisor_until_acknowledged_with_an_action(client, world):
    _phq9(world, {**{n: 0 for n in range(1, 9)}, 9: 2})
    alert = RiskAlert.objects.get()
    for user in (world.alice, world.bob):
        client.force_login(user)
        assert f'id="risk-alert-{alert.pk}"' in client.get(reverse("home")).content.decode()
    client.force_login(world.alice)
    for url in (reverse("person-detail", args=[world.client.pk]), reverse("case-detail", args=[world.case.pk])):
        assert f'id="risk-alert-{alert.pk}"' in client.get(url).content.decode()
    client.force_login(world.charlie)
    assert "risk-alert" not in client.get(reverse("home")).content.decode()
    assert client.post(reverse("risk-alert-acknowledge", args=[alert.pk]),
                       {"action_taken": "已致電案主"}).status_code == 404
    client.force_login(world.alice)
    client.post(reverse("risk-alert-acknowledge", args=[alert.pk]), {"action_taken": " "})
    alert.refresh_from_db()
    assert alert.acknowledged_at is None
    response = client.post(reverse("risk-alert-acknowledge", args=[alert.pk]),
                           {"action_taken": "即日致電案主，評估自殺風險並轉介精神科", "next": "/"})
    assert response.status_code == 302
    alert.refresh_from_db()
    assert alert.acknowledged_by == world.alice and "精神科" in alert.action_taken
    assert Event.objects.filter(object_type="outcomes.riskalert", summary__startswith="risk alert acknowledged")
    client.force_login(world.bob)
    assert f'id="risk-alert-{alert.pk}"' not in client.get(reverse("home")).content.decode()


def test_questionnaire_started_from_the_case_page_is_prefilled(client, world):
    client.force_login(world.alice)
    page = client.get(reverse("case-detail", args=[world.case.pk])).content.decode()
    url = reverse("outcomes-entry") + f"?person={world.client.pk}&amp;case={world.case.pk}"
    assert url in page
    entry = client.get(reverse("outcomes-entry"), {"person": world.client.pk, "case": world.case.pk})
    assert entry.context["form"]["case"].value() == str(world.case.pk)
    assert entry.context["person"] == world.client
