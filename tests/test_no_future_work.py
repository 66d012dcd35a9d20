"""No future work: records of work done dated after today are refused by the exchange import (the web
forms' refusals are tested with their screens; the spreadsheet import's in test_spreadsheet_import)."""

import copy
import datetime as dt
import json

import pytest
from django.core.management import call_command

from tongxing.activities.models import Activity
from tongxing.exchange.schema import parse, unit_today


def _tomorrow():
    return unit_today("Asia/Hong_Kong") + dt.timedelta(days=1)


def test_the_public_scenario_is_in_the_past(scenario_doc):
    assert parse(scenario_doc)[1] == []


def test_a_future_dated_activity_is_refused_with_its_path(scenario_doc):
    doc = copy.deepcopy(scenario_doc)
    doc["activities"][3]["start"] = f"{_tomorrow()}T10:00"
    doc["activities"][3]["end"] = f"{_tomorrow()}T11:00"
    document, problems = parse(doc)
    assert document is None
    assert problems == [f"activities[3].start: after today ({_tomorrow() - dt.timedelta(days=1)}): "
                        "records of work done cannot be dated in the future"]


def test_every_kind_of_dated_work_is_checked_against_the_day_given(scenario_doc):
    """With today set to the middle of FY2024, the scenario's later records are all refused, each by path."""
    today = dt.date(2024, 10, 1)
    problems = parse(scenario_doc, today=today)[1]
    paths = {p.split(": ")[0].split("[")[0] + "." + p.split(": ")[0].rsplit(".", 1)[-1] for p in problems}
    assert {"activities.start", "cases.closed", "involvements.date", "medical_assessments.date"} <= paths
    assert all("after today (2024-10-01)" in p for p in problems)
    assert not any(p.startswith("agreed_levels") or p.startswith("conversions") for p in problems)
    # Every refused activity really starts after that day, and none on or before it is refused.
    late = {i for i, a in enumerate(scenario_doc["activities"]) if a["start"][:10] > "2024-10-01"
            and not (a["kind"] == "group_session" and not a.get("people"))}
    refused = {int(p.split("]")[0].split("[")[1]) for p in problems if p.startswith("activities[")}
    assert refused == late


def test_a_planned_group_session_without_attendance_may_be_ahead(scenario_doc):
    doc = copy.deepcopy(scenario_doc)
    session = next(a for a in doc["activities"] if a["kind"] == "group_session")
    session["start"], session["end"], session["people"] = f"{_tomorrow()}T14:00", f"{_tomorrow()}T16:00", []
    doc["feedback"] = [f for f in doc["feedback"] if f["activity"] != session["id"]]
    assert parse(doc)[1] == []
    session["people"] = [doc["people"][0]["id"]]
    assert any(p.startswith("activities[") and "after today" in p for p in parse(doc)[1])


def test_a_future_closure_imports_nothing(db, scenario_doc, tmp_path, capsys):
    doc = copy.deepcopy(scenario_doc)
    case = next(c for c in doc["cases"] if c["episodes"] and c["episodes"][-1].get("closed"))
    i = len(case["episodes"]) - 1
    case["episodes"][i]["closed"] = _tomorrow().isoformat()
    path = tmp_path / "future.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    with pytest.raises(SystemExit) as exit_:
        call_command("import", str(path))
    assert exit_.value.code == 2
    assert f"episodes[{i}].closed: after today" in capsys.readouterr().err
    assert Activity.objects.count() == 0


@pytest.mark.parametrize("until", [dt.date(2026, 4, 1), dt.date(2026, 6, 30), dt.date(2027, 1, 15)])
def test_the_generator_stops_at_today(until):
    """The demo generates the running year up to today, whatever day of the year that is."""
    from tongxing.demo.generate import generate

    doc = generate(people=40, activities_per_year=200, years=(2025, 2026), seed=7, until=until)
    assert parse(doc, today=until)[1] == []
    assert max(a["start"][:10] for a in doc["activities"] if a["people"]) <= until.isoformat()
