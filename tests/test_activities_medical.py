"""Medical assessments (OS12): by a doctor or nurse, for a person in scope, listed and exported."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from tongxing.activities.models import MedicalAssessment
from tongxing.audit.models import Event

from .activities_world import build

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return build()


def test_assessment_by_a_nurse_is_saved_and_listed(client, world):
    client.force_login(world.alice)
    url = reverse("activities:assessment-new") + f"?person={world.client.pk}"
    form = client.get(url).context["form"]
    assert form.initial["person"] == world.client
    assert set(form.fields["by"].queryset) == {world.nurse, world.doctor}
    today = timezone.localdate().isoformat()
    response = client.post(url, {"person": world.client.pk, "date": today, "by": world.nurse.pk, "plan": "on",
                                 "health_condition": "血壓偏高，睡眠差", "drug_needs": "每週吸食氯胺酮兩次",
                                 "plan_details": "轉介物質誤用診所；兩週後覆診"})
    assert response.status_code == 302
    m = MedicalAssessment.objects.get()
    assert (m.person, m.by, m.plan, m.unit) == (world.client, world.nurse, True, world.unit)
    assert (m.health_condition, m.drug_needs, m.plan_details) == ("血壓偏高，睡眠差", "每週吸食氯胺酮兩次",
                                                                  "轉介物質誤用診所；兩週後覆診")
    assert Event.objects.get(object_type="activities.medicalassessment").action == "create"
    listing = client.get(reverse("activities:assessments"))
    assert list(listing.context["page"]) == [m]
    assert client.get(reverse("activities:assessments"), {"export": "xlsx"}).status_code == 200


def test_assessment_errors_stay_next_to_fields(client, world):
    client.force_login(world.alice)
    future = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
    response = client.post(reverse("activities:assessment-new"), {"date": future, "by": world.alice_staff.pk})
    assert {"person", "date", "by"} <= set(response.context["form"].errors)
    assert not MedicalAssessment.objects.exists()


def test_assessments_of_other_units_are_hidden(client, world):
    MedicalAssessment.objects.create(unit=world.unit, external_id="m1", person=world.client,
                                     date=timezone.localdate(), by=world.nurse)
    client.force_login(world.charlie)
    assert list(client.get(reverse("activities:assessments")).context["page"]) == []
    assert client.get(reverse("activities:assessment-new") + f"?person={world.client.pk}").status_code == 404


def test_assessment_list_filters(client, world):
    day = timezone.localdate()
    MedicalAssessment.objects.create(unit=world.unit, external_id="m1", person=world.client, date=day, by=world.nurse,
                                     plan=True)
    MedicalAssessment.objects.create(unit=world.unit, external_id="m2", person=world.member,
                                     date=day - dt.timedelta(days=40), by=world.doctor)
    client.force_login(world.bob)
    url = reverse("activities:assessments")
    assert client.get(url, {"plan": "yes"}).context["page"].paginator.count == 1
    assert client.get(url, {"date_to": (day - dt.timedelta(days=1)).isoformat()}).context["page"][0].person == \
        world.member
