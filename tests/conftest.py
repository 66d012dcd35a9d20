import json
from pathlib import Path

import pytest

SHARED = Path(__file__).resolve().parents[2] / "shared"
SCENARIO = SHARED / "scenarios" / "centre-small-2024.json"


@pytest.fixture(scope="session")
def scenario_doc():
    return json.loads(SCENARIO.read_text(encoding="utf-8"))


@pytest.fixture
def scenario_unit(db, scenario_doc):
    from tongxing.exchange.schema import parse
    from tongxing.exchange.services import import_document
    from tongxing.organisations.models import Unit

    document, problems = parse(scenario_doc)
    assert problems == []
    import_document(document)
    return Unit.objects.get(code="U1")
