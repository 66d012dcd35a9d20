"""The annual return's exports. The JSON is EXCHANGE.md's machine contract: the same object as the command line
and the API, warnings in English whatever the reader's language. bob supervises the scenario's unit; charlie,
of no unit, is refused."""

import json
import re

import pytest
from django.contrib.auth import get_user_model

from tongxing.audit.models import Action, Event
from tongxing.standards.report import annual_return_document

pytestmark = pytest.mark.django_db


def test_json_export_is_the_contract_object_with_english_warnings(client, scenario_bob, scenario_unit,
                                                                   unstaffed_activity):
    client.force_login(scenario_bob)
    response = client.get("/reports/fsa/U1/2024/export.json", HTTP_ACCEPT_LANGUAGE="zh-hant")
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="fsa-U1-2024.json"'
    body = json.loads(response.content)
    assert body == json.loads(json.dumps(annual_return_document(scenario_unit, 2024)))
    assert f"Activity {unstaffed_activity} has no staff" in body["warnings"]
    assert not any(re.search("[\u4e00-\u9fff]", warning) for warning in body["warnings"])
    assert Event.objects.filter(action=Action.EXPORT, unit_code="U1", summary="annual return 2024 as json").exists()


def test_unknown_format_is_not_found(client, scenario_bob):
    client.force_login(scenario_bob)
    assert client.get("/reports/fsa/U1/2024/export.csv").status_code == 404


def test_charlie_of_no_unit_is_refused(client, scenario_unit):
    client.force_login(get_user_model().objects.create_user("charlie"))
    assert client.get("/reports/fsa/U1/2024/export.json").status_code == 404
