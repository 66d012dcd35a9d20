"""Referrals: the form, the closed loop sent → accepted → attended / not attended (or declined), the outstanding view."""

import datetime as dt
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from tongxing.audit.models import Event
from tongxing.cases.models import Referral, ReferralCategory, ReferralStatus
from tongxing.organisations.models import Agency
from tongxing.privacy.models import Consent, Disclosure

from .activities_world import build

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return build()


def _referral(world, days_ago=10, status=ReferralStatus.SENT, **fields):
    return Referral.objects.create(unit=world.unit, external_id=f"r{Referral.objects.count()}", person=world.client,
                                   case=world.case, direction="out", category=ReferralCategory.MEDICAL_TREATMENT,
                                   agency="美沙酮診所", date=timezone.localdate() - dt.timedelta(days=days_ago),
                                   status=status, **fields)


def test_new_referral_from_a_case(client, world):
    client.force_login(world.alice)
    url = reverse("activities:referral-new") + f"?case={world.case.pk}"
    form = client.get(url).context["form"]
    assert form.initial["person"] == world.client and form.initial["case"] == world.case
    today = timezone.localdate().isoformat()
    labour = Agency.objects.create(unit=world.unit, name="勞工處")
    fields = {"person": world.client.pk, "case": world.case.pk, "direction": "out",
              "category": ReferralCategory.DRUG_TREATMENT_REHABILITATION, "destination": labour.pk, "date": today,
              "reason": "需要就業支援", "notes": "案主下午方便"}
    refused = client.post(url, fields)  # a referral out discloses personal data: consent or a legal basis first
    assert "legal_basis" in refused.context["form"].errors and not Referral.objects.exists()
    # A consent to another agency written with the same name does not cover this one: the list decides.
    other = Agency.objects.create(unit=world.unit, name="勞工處 ")
    Consent.objects.create(person=world.client, recipient="勞工處", agency=other, information="轉介資料",
                           purpose="就業轉介", given_on=timezone.localdate() - dt.timedelta(days=3))
    assert "legal_basis" in client.post(url, fields).context["form"].errors and not Referral.objects.exists()
    Consent.objects.create(person=world.client, recipient="勞工處", agency=labour, information="轉介資料",
                           purpose="就業轉介", given_on=timezone.localdate() - dt.timedelta(days=3))
    response = client.post(url, fields)
    referral = Referral.objects.get()
    assert (referral.destination, referral.agency, referral.reason, referral.notes) == (
        labour, "勞工處", "需要就業支援", "案主下午方便")
    disclosure = Disclosure.objects.get(person=world.client)
    assert (disclosure.recipient, disclosure.channel, disclosure.consent.agency) == ("勞工處", "referral", labour)
    assert response.url == reverse("activities:referral", args=[referral.pk])
    assert (referral.status, referral.status_date, referral.unit) == (ReferralStatus.SENT, None, world.unit)
    assert Event.objects.get(object_type="cases.referral").action == "create"


def test_referral_form_errors_save_nothing(client, world):
    client.force_login(world.alice)
    response = client.post(reverse("activities:referral-new"), {"direction": "out", "category": "",
                                                                "destination": "", "date": "2999-01-01"})
    errors = response.context["form"].errors
    assert {"person", "category", "destination", "date"} <= set(errors)
    assert "role=\"alert\"" in response.content.decode()
    assert not Referral.objects.exists()


def test_the_loop_moves_one_step_at_a_time_with_dates(client, world):
    referral = _referral(world, days_ago=10)
    client.force_login(world.alice)
    url = reverse("activities:referral", args=[referral.pk])
    page = client.get(url)
    assert [c for c, _ in page.context["form"].fields["status"].choices] == ["accepted", "declined"]
    assert page.context["waiting"] == 10
    too_early = (referral.date - dt.timedelta(days=1)).isoformat()
    assert "date" in client.post(url, {"status": "accepted", "date": too_early}).context["form"].errors
    assert "status" in client.post(url, {"status": "attended", "date": referral.date}).context["form"].errors
    accepted_on = referral.date + dt.timedelta(days=2)
    assert client.post(url, {"status": "accepted", "date": accepted_on.isoformat()}).status_code == 302
    referral.refresh_from_db()
    assert (referral.status, referral.status_date) == ("accepted", accepted_on)
    assert "date" in client.post(url, {"status": "attended", "date": referral.date}).context["form"].errors
    attended_on = accepted_on + dt.timedelta(days=3)
    client.post(url, {"status": "attended", "date": attended_on.isoformat()})
    page = client.get(url)
    assert page.context["form"] is None and page.context["waiting"] is None
    assert [(s["status"], s["status_date"]) for s in page.context["loop"]] == [
        ("sent", None), ("accepted", accepted_on), ("attended", attended_on)]
    assert list(Event.objects.filter(object_type="cases.referral").values_list("action", flat=True)) == [
        "change", "change"]


def test_outstanding_view_lists_open_referrals_oldest_first(client, world):
    old = _referral(world, days_ago=40)
    _referral(world, days_ago=5, status=ReferralStatus.ATTENDED, status_date=timezone.localdate())
    accepted = _referral(world, days_ago=20, status=ReferralStatus.ACCEPTED,
                         status_date=timezone.localdate() - dt.timedelta(days=15))
    client.force_login(world.bob)
    page = client.get(reverse("activities:referrals"), {"outstanding": "on"})
    rows = list(page.context["page"])
    assert rows == [old, accepted]
    assert [r.waiting for r in rows] == [40, 15]
    assert page.context["outstanding"] == 2
    assert client.get(reverse("activities:referrals")).context["page"].paginator.count == 3
    assert client.get(reverse("activities:referrals"), {"status": "attended"}).context["page"].paginator.count == 1
    export = client.get(reverse("activities:referrals"), {"outstanding": "on", "export": "xlsx"})
    ws = load_workbook(io.BytesIO(export.content)).active
    assert ws.max_row == 3 + 2 and ws.cell(2, 9).value == 40  # and a blank row with the re-disclosure notice


def test_other_units_and_read_only_users(client, world):
    referral = _referral(world)
    client.force_login(world.charlie)
    url = reverse("activities:referral", args=[referral.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"status": "accepted", "date": referral.date}).status_code == 404
    assert list(client.get(reverse("activities:referrals")).context["page"]) == []
    assert client.get(reverse("activities:referral-new") + f"?person={world.client.pk}").status_code == 404
    from tongxing.accounts.models import Level

    world.bob.access.level = Level.AUDITOR
    world.bob.access.save()
    client.force_login(world.bob)
    assert client.get(url).status_code == 404  # auditors see no page that names a person
    assert client.post(url, {"status": "accepted", "date": referral.date}).status_code == 404
    assert client.get(reverse("activities:referral-new")).status_code == 403
    referral.refresh_from_db()
    assert referral.status == "sent"


@pytest.mark.parametrize("n", [10, 200])
def test_referral_list_query_count_does_not_grow(client, world, n, django_assert_num_queries):
    Referral.objects.bulk_create([
        Referral(unit=world.unit, external_id=f"r{i}", person=world.client, case=world.case, direction="out",
                 category=ReferralCategory.NGO, date=timezone.localdate(), agency="明愛") for i in range(n)])
    client.force_login(world.alice)
    with django_assert_num_queries(9):
        client.get(reverse("activities:referrals"))


def test_a_referral_cancelled_or_withdrawn_keeps_its_reason_and_leaves_the_counts(client, world):
    from django.db import IntegrityError, transaction

    from tongxing.activities.services import cancel_referral
    from tongxing.prevention.statistics import Span, referrals_by_category_and_status

    kept, cancelled, acted_on = _referral(world), _referral(world), _referral(world, status=ReferralStatus.ATTENDED)
    on = timezone.localdate()
    cancel_referral(user=world.alice, referral=cancelled, status=ReferralStatus.WITHDRAWN, reason="  本人撤回  ", on=on)
    cancelled.refresh_from_db()
    assert (cancelled.status, cancelled.status_reason, cancelled.status_date) == (ReferralStatus.WITHDRAWN, "本人撤回", on)
    assert Event.objects.filter(summary__contains="→ withdrawn").count() == 1
    for bad in ({"referral": acted_on, "status": ReferralStatus.CANCELLED, "reason": "x"},  # already acted on
                {"referral": kept, "status": ReferralStatus.CANCELLED, "reason": " "},  # no reason
                {"referral": kept, "status": ReferralStatus.DECLINED, "reason": "x"}):  # not a cancellation
        with pytest.raises(ValueError):
            cancel_referral(user=world.alice, on=on, **bad)
    with pytest.raises(IntegrityError), transaction.atomic():  # the database refuses one without a reason
        Referral.objects.filter(pk=kept.pk).update(status=ReferralStatus.CANCELLED)

    span = Span(on - dt.timedelta(days=30), on)
    counts = referrals_by_category_and_status(world.unit, span)
    assert sum(counts.values()) == 2 and (ReferralCategory.MEDICAL_TREATMENT, ReferralStatus.WITHDRAWN) not in counts
    client.force_login(world.alice)
    page = client.get(reverse("activities:referral", args=[cancelled.pk])).content.decode()
    assert "本人撤回" in page


def test_a_referral_without_consent_needs_a_legal_basis_chosen_and_explained(client, world):
    """Issue 13 finding 10: any text ("x") passed as a legal basis."""
    client.force_login(world.alice)
    url = reverse("activities:referral-new")
    fields = {"person": world.client.pk, "direction": "out", "category": ReferralCategory.SPECIALIST_TREATMENT,
              "destination": Agency.objects.create(unit=world.unit, name="勞工處").pk,
              "date": timezone.localdate().isoformat()}
    for basis, note, wrong in (("x", "", "legal_basis"), ("law", "", "legal_basis_note"),
                               ("law", "x", "legal_basis_note"), ("", "區域法院命令 DCCC 123/2024", "legal_basis")):
        refused = client.post(url, {**fields, "legal_basis": basis, "legal_basis_note": note})
        assert wrong in refused.context["form"].errors, (basis, note)
    assert not Referral.objects.exists() and not Disclosure.objects.exists()
    client.post(url, {**fields, "legal_basis": "law", "legal_basis_note": "區域法院命令 DCCC 123/2024"})
    disclosure = Disclosure.objects.get()
    assert disclosure.consent is None and disclosure.legal_basis == "law: 區域法院命令 DCCC 123/2024"
