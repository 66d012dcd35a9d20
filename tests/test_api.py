"""The read API: scoped like the pages, same figures as the report command, OpenAPI schema published."""

import json
import re

import pytest
from django.contrib.auth import get_user_model

from tongxing.accounts.models import Access, Level
from tongxing.audit.models import Action, Event
from tongxing.standards.report import annual_return_document

from .conftest import verified_login

pytestmark = pytest.mark.django_db


@pytest.fixture
def charlie(scenario_unit):
    from tongxing.organisations.models import Organisation

    other = Organisation.objects.create(code="OTHER", name="另一機構")
    user = get_user_model().objects.create_user("charlie")
    Access.objects.create(user=user, level=Level.ORG_ADMIN, organisation=other)
    return user


def test_annual_return_matches_the_report(client, scenario_bob, scenario_unit):
    verified_login(client, scenario_bob)
    response = client.get("/api/units/U1/fsa/2024")
    assert response.status_code == 200
    assert response.json() == json.loads(json.dumps(annual_return_document(scenario_unit, 2024)))
    assert Event.objects.filter(action=Action.EXPORT, unit_code="U1").exists()


def test_annual_return_warnings_are_in_english_for_a_chinese_reader(client, scenario_bob, unstaffed_activity):
    verified_login(client, scenario_bob)
    response = client.get("/api/units/U1/fsa/2024", HTTP_ACCEPT_LANGUAGE="zh-hant")
    assert f"Activity {unstaffed_activity} has no staff" in response.json()["warnings"]
    assert not any(re.search("[\u4e00-\u9fff]", warning) for warning in response.json()["warnings"])


def test_drilldown_names_the_excluded_records_and_why(client, scenario_bob):
    verified_login(client, scenario_bob)
    rows = client.get("/api/units/U1/fsa/2024/OS1").json()
    assert sum(r["counted"] for r in rows) == 11
    assert any("少於1小時" in reason for r in rows for reason in r["reasons"])


def test_people_search_is_scoped_and_audited(client, scenario_bob, charlie):
    verified_login(client, scenario_bob)
    found = client.get("/api/people", {"q": "p1"}).json()
    assert [p["external_id"] for p in found] == ["p1"]
    assert Event.objects.filter(action=Action.VIEW, object_type="people.person").count() == 1
    client.logout()
    verified_login(client, charlie)
    assert client.get("/api/people", {"q": "p1"}).json() == []
    assert client.get("/api/units").json() == []
    assert client.get("/api/units/U1/fsa/2024").status_code == 404


def test_anonymous_callers_are_refused(client):
    assert client.get("/api/units").status_code == 401


def test_openapi_schema_lists_every_operation(client, scenario_bob):
    verified_login(client, scenario_bob)
    schema = client.get("/api/openapi.json").json()
    assert {"/api/units", "/api/units/{code}/fsa/{fy}", "/api/units/{code}/fsa/{fy}/{standard}",
            "/api/people"} <= set(schema["paths"])


def test_the_docs_page_serves_swagger_from_our_own_static_files(client, scenario_bob):
    """Issue 13 finding 10: /api/docs loaded Swagger from a CDN with an inline script the CSP blocks."""
    verified_login(client, scenario_bob)
    page = client.get("/api/docs")
    html = page.content.decode()
    assert page.status_code == 200 and "script-src 'self'" in page["Content-Security-Policy"]
    scripts = re.findall(r"<script([^>]*)>(.*?)</script>", html, re.S)
    assert scripts and "cdn" not in html.lower() and "https://" not in html
    for attrs, _body in scripts:  # every script is a file of ours, or data the browser does not run
        assert 'src="/static/' in attrs or 'type="application/json"' in attrs, attrs
        if 'src="' in attrs:
            src = re.search(r'src="([^"]+)"', attrs).group(1)
            assert client.get(src).status_code == 200, src
