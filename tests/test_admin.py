"""The Django admin works for every registered model, and its changes enter the audit trail."""

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.urls import reverse

from tongxing.audit.models import Action, Event

from .conftest import verified_login

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser_client(client, scenario_unit):
    verified_login(client, get_user_model().objects.create_superuser("root", password="a-long-enough-password"))
    return client


def test_every_model_lists_and_opens(superuser_client):
    for model, model_admin in admin.site._registry.items():
        opts = model._meta
        changelist = superuser_client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"))
        assert changelist.status_code == 200, opts.label
        if model_admin.has_add_permission(changelist.wsgi_request):
            assert superuser_client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_add")).status_code == 200
        first = model.objects.first()
        if first is not None:
            url = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[first.pk])
            assert superuser_client.get(url).status_code == 200, opts.label


def test_admin_changes_are_audited(superuser_client, scenario_unit):
    url = reverse("admin:organisations_workplace_add")
    response = superuser_client.post(url, {"unit": scenario_unit.pk, "external_id": "w9", "name": "新工作間",
                                           "employees": 8})
    assert response.status_code == 302
    assert Event.objects.filter(action=Action.CREATE, object_type="organisations.workplace").count() == 1


def test_audit_events_cannot_be_edited_in_the_admin(superuser_client):
    event = Event.objects.create(at="2024-01-01T00:00Z", action="view", previous_digest="0" * 64, digest="x")
    assert superuser_client.get(reverse("admin:audit_event_change", args=[event.pk])).status_code in (200, 403)
    assert superuser_client.post(reverse("admin:audit_event_delete", args=[event.pk]), {"post": "yes"}).status_code == 403


def test_the_admin_is_closed_to_everyone_but_superusers(client, scenario_unit):
    """Issue 13 finding 3: a staff supervisor with standards permissions changed another organisation's level."""
    from django.contrib.auth.models import Permission

    from tongxing.accounts.models import Access, Level
    from tongxing.organisations.models import Organisation, Unit
    from tongxing.standards.models import AgreedLevel

    other = Unit.objects.create(organisation=Organisation.objects.create(code="ELSE", name="另一機構"), code="UZ",
                                name="丙中心")
    level = AgreedLevel.objects.create(unit=other, fy=2024, standard="OS1", value=10)
    sup = get_user_model().objects.create_user("sup", password="a-long-enough-password", is_staff=True)
    sup.user_permissions.set(Permission.objects.filter(content_type__app_label="standards"))
    Access.objects.create(user=sup, level=Level.SUPERVISOR, organisation=scenario_unit.organisation,
                          unit=scenario_unit)
    verified_login(client, sup)
    url = reverse("admin:standards_agreedlevel_change", args=[level.pk])
    for page in (reverse("admin:index"), reverse("admin:standards_agreedlevel_changelist"), url):
        response = client.get(page)
        assert response.status_code == 302 and response["Location"].startswith("/admin/login/"), page
    client.post(url, {"unit": other.pk, "fy": 2024, "standard": "OS1", "value": "99"})
    level.refresh_from_db()
    assert level.value == 10


def test_superuser_reads_in_the_admin_are_audited_under_the_csp(superuser_client, client):
    url = reverse("admin:standards_agreedlevel_changelist")
    response = superuser_client.get(url)
    assert response.status_code == 200
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert Event.objects.filter(action=Action.VIEW, object_type="admin:standards_agreedlevel_changelist").count() == 1
    assert "Content-Security-Policy" in client.get(reverse("admin:login")).headers
