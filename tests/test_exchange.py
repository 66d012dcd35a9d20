"""Exchange format v1: all-or-nothing import, idempotent re-import, byte-identical round trip."""

import copy
import json
import os
import subprocess
import sys

import pytest
from django.core.management import call_command

from tongxing.activities.models import Activity
from tongxing.exchange.schema import parse
from tongxing.exchange.selectors import dumps, export_unit
from tongxing.exchange.services import import_document
from tongxing.organisations.models import Unit
from tongxing.people.models import Person

from .conftest import SCENARIO


def test_scenario_imports_every_record(scenario_unit, scenario_doc):
    assert Activity.objects.filter(unit=scenario_unit).count() == len(scenario_doc["activities"])
    assert Person.objects.filter(unit=scenario_unit).count() == len(scenario_doc["people"])


def test_reimport_changes_nothing(scenario_unit, scenario_doc, django_assert_max_num_queries):
    document, _ = parse(scenario_doc)
    before = dumps(export_unit(scenario_unit))
    summary = import_document(document)
    assert not summary.changed
    assert sum(summary.unchanged.values()) > 1000
    assert dumps(export_unit(scenario_unit)) == before


def test_reimport_of_a_changed_record_updates_only_it(scenario_unit, scenario_doc):
    doc = copy.deepcopy(scenario_doc)
    doc["activities"][0]["end"] = "2024-10-27T23:00"
    doc["activities"][0]["staff"] = ["s3"]
    summary = import_document(parse(doc)[0])
    assert summary.updated["activities"] == 1
    assert sum(summary.updated.values()) == 1 and sum(summary.created.values()) == 0
    a = Activity.objects.get(unit=scenario_unit, external_id="a1")
    assert a.minutes == 180
    assert list(a.staff.values_list("external_id", flat=True)) == ["s3"]


def test_export_import_export_is_identical(scenario_unit):
    """Importing an export into another unit reproduces it exactly (the unit code aside)."""
    first = dumps(export_unit(scenario_unit))
    copy_doc = json.loads(first)
    copy_doc["unit"]["code"] = "U1COPY"
    import_document(parse(copy_doc)[0])
    second = dumps(export_unit(Unit.objects.get(code="U1COPY")))
    assert second == first.replace('"code": "U1",\n  "name": "中心 1",\n  "timezone"',
                                   '"code": "U1COPY",\n  "name": "中心 1",\n  "timezone"')


def _cli(db_path, *args, stdin=None):
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{db_path}"}
    return subprocess.run([sys.executable, "-m", "tongxing.cli", *args], env=env, capture_output=True,
                          text=True, input=stdin, check=False)


def test_cli_round_trip_into_an_empty_database_is_byte_identical(tmp_path):
    """The contract as EXCHANGE.md states it, through the real commands and two new database files."""
    first_db, second_db = tmp_path / "a.db", tmp_path / "b.db"
    assert _cli(first_db, "import", str(SCENARIO)).returncode == 0
    export1 = _cli(first_db, "export", "--unit", "U1")
    assert export1.returncode == 0
    (tmp_path / "e1.json").write_text(export1.stdout, encoding="utf-8")
    assert _cli(second_db, "import", str(tmp_path / "e1.json")).returncode == 0
    export2 = _cli(second_db, "export", "--unit", "U1")
    assert export2.stdout.encode() == export1.stdout.encode()
    again = _cli(second_db, "import", str(tmp_path / "e1.json"))
    assert "nothing changed" in again.stdout


BAD_FILE_MISTAKES = {
    "staff[1].roles": "unknown value 'janitor'",                    # unknown enum
    "people[3].id": "duplicate id 'p0'",                            # duplicate id
    "people[4].birth_date": "not a date",                           # bad date
    "people[5].sex": "missing",                                     # missing required key
    "cases[0].client": "unknown people id 'nobody'",                # missing reference
    "cases[1].episodes[0].closed": "before opened",                 # closed before opened
    "activities[0].end": "before start",                            # end before start
    "activities[1].headcount": "must be a whole number",            # wrong type
    "activities[2].start": "not a local time",                      # bad datetime
    "activities[3].staff[0]": "unknown staff id 'ghost'",           # missing reference in a list
    "feedback[0].positive": "must be true or false",                # wrong type
    "agreed_levels[0].OS99": "unknown standard",                    # unknown key where keys are codes
    "unit.opening_hours.mon": "closes before it opens",             # bad opening hours
}


def _bad_document(doc):
    doc = copy.deepcopy(doc)
    doc["staff"][1]["roles"] = ["janitor"]
    doc["people"][3]["id"] = "p0"
    doc["people"][4]["birth_date"] = "1999-02-30"
    del doc["people"][5]["sex"]
    doc["cases"][0]["client"] = "nobody"
    doc["cases"][1]["episodes"][0]["closed"] = "2000-01-01"
    doc["activities"][0]["end"] = "2024-10-27T19:00"
    doc["activities"][1]["headcount"] = "12"
    doc["activities"][2]["start"] = "2024-13-01T10:00"
    doc["activities"][3]["staff"] = ["ghost"]
    doc["feedback"][0]["positive"] = "yes"
    doc["agreed_levels"][0]["OS99"] = 1
    doc["unit"]["opening_hours"]["mon"] = ["18:00", "09:00"]
    return doc


def test_parse_reports_every_mistake_with_its_path(scenario_doc):
    document, problems = parse(_bad_document(scenario_doc))
    assert document is None
    for path, message in BAD_FILE_MISTAKES.items():
        assert any(p.startswith(f"{path}: ") and message in p for p in problems), (path, problems)


@pytest.mark.django_db
def test_import_command_with_mistakes_writes_nothing_and_exits_2(tmp_path, scenario_doc, capsys):
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(_bad_document(scenario_doc)), encoding="utf-8")
    with pytest.raises(SystemExit) as exit_info:
        call_command("import", str(bad))
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert all(path in err for path in BAD_FILE_MISTAKES)
    assert not Unit.objects.exists() and not Person.objects.exists()


@pytest.mark.django_db
def test_not_json_exits_2(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text("{not json", encoding="utf-8")
    with pytest.raises(SystemExit) as exit_info:
        call_command("import", str(bad))
    assert exit_info.value.code == 2


def test_an_import_is_audited(scenario_unit):
    from tongxing.audit.models import Action, Event

    event = Event.objects.get(action=Action.IMPORT)
    assert event.unit_code == "U1" and event.changes["created"]["activities"] == 528


@pytest.mark.django_db
def test_import_command_shows_its_progress_bar_only_on_a_terminal_or_when_asked(tmp_path, scenario_doc):
    import io

    path = tmp_path / "scenario.json"
    path.write_text(json.dumps(scenario_doc), encoding="utf-8")
    quiet, shown = io.StringIO(), io.StringIO()  # not terminals
    call_command("import", str(path), stdout=io.StringIO(), stderr=quiet)
    call_command("import", str(path), "--progress", stdout=io.StringIO(), stderr=shown)
    assert quiet.getvalue() == ""
    # The re-import writes nothing, so its bar is empty: a fresh copy of the unit shows the activities written.
    copy_doc = {**scenario_doc, "unit": {**scenario_doc["unit"], "code": "U1BAR"}}
    path.write_text(json.dumps(copy_doc), encoding="utf-8")
    bar = io.StringIO()
    call_command("import", str(path), "--progress", stdout=io.StringIO(), stderr=bar)
    activities = len(scenario_doc["activities"])
    assert f"] {activities}/{activities}" in bar.getvalue() and bar.getvalue().startswith("\rstaff")


def test_local_times_in_canonical_form_are_read_fast_and_others_as_before(scenario_doc):
    doc = copy.deepcopy(scenario_doc)
    doc["activities"][0]["start"] = "２０２４-10-27T20:00"  # full-width digits: accepted, written back in ASCII
    document, problems = parse(doc)
    assert not problems and document.records["activities"][0]["start"] == "2024-10-27T20:00"
    for bad in ("2024-10-27T24:00", "2024-10-27T20:60", "2024-02-30T20:00", "2024-10-27 20:00", "2024-10-27T2000"):
        doc["activities"][0]["start"] = bad
        assert "activities[0].start: not a local time (YYYY-MM-DDTHH:MM)" in "\n".join(parse(doc)[1]), bad


def test_a_required_key_given_blank_is_missing(scenario_doc):
    """A blank id or name ("" or spaces) is reported, not left out of the record without a word (the importer
    then failed with a KeyError)."""
    doc = copy.deepcopy(scenario_doc)
    doc["people"][0]["id"] = ""
    doc["staff"][0]["name"] = "  "
    document, problems = parse(doc)
    assert document is None
    assert "people[0].id: missing" in problems and "staff[0].name: missing" in problems
