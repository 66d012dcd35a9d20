"""The importer never raises (issue 13, finding 8): every malformed file gives `PATH: message`, exit 2,
and writes nothing; lengths are checked against the columns; a file cannot move a unit to another
organisation; concurrent imports wait for each other."""

import json

import pytest
from django.core.management import call_command
from django.db import connection

from tongxing.activities.models import Activity
from tongxing.audit.models import Event
from tongxing.organisations.models import Organisation, Unit
from tongxing.people.models import Person

from .import_fuzz import DEEP, mutations, small_document

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def small(scenario_doc):
    return small_document(scenario_doc)


def _import(tmp_path, text, capsys):
    """(exit code, stderr lines) of `tongxing import` on the text; a traceback fails the test."""
    path = tmp_path / "in.json"
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    try:
        call_command("import", str(path))
        code = 0
    except SystemExit as e:
        code = e.code
    return code, capsys.readouterr().err.splitlines()


def _counts():
    return (Organisation.objects.count(), Unit.objects.count(), Person.objects.count(), Activity.objects.count(),
            Event.objects.count())


def _text(doc):
    return json.dumps(doc, ensure_ascii=True, allow_nan=True).replace(json.dumps(DEEP), "[" * 2000 + "]" * 2000)


def _set(doc, path, value):
    target = doc
    for key in path[:-1]:
        target = target[key]
    if value is KeyError:
        del target[path[-1]]
    else:
        target[path[-1]] = value


MALFORMED = {
    "activity kind missing": (("activities", 0, "kind"), KeyError, "activities[0].kind: missing"),
    "activity kind invalid": (("activities", 0, "kind"), ["x"], "activities[0].kind: unknown value"),
    "case type null": (("cases", 0, "type"), None, "cases[0].type: missing"),
    "integer above 2^63": (("workplaces", 0, "employees"), 2**63 + 5, "workplaces[0].employees: too large"),
    "year 1 datetime": (("activities", 0, "start"), "0001-01-01T00:00", "activities[0].start: year out of range"),
    "NaN agreed level": (("agreed_levels", 0, "OS1"), float("nan"), "not a number JSON allows"),
    "Infinity agreed level": (("agreed_levels", 0, "OS1"), float("inf"), "not a number JSON allows"),
    "nesting 2000 deep": (("activities", 0, "note"), DEEP, "nested too deeply"),
    "lone surrogate": (("people", 0, "name"), "\ud800", "people[0].name: contains an unpaired surrogate"),
    "NUL character": (("people", 0, "name"), "a\x00b", "people[0].name: contains a NUL character"),
    "over-long unit code": (("unit", "code"), "U" * 10_000, "unit.code: too long: 10000 characters (at most 32)"),
    "over-long name": (("people", 0, "name"), "名" * 201, "people[0].name: too long: 201 characters (at most 200)"),
    "over-long id": (("staff", 0, "id"), "s" * 65, "staff[0].id: too long: 65 characters (at most 64)"),
    "over-long organisation name": (("organisation",), {"code": "O", "name": "o" * 201},
                                    "organisation.name: too long"),
    "conversion year out of smallint": (("conversions", 0, "fy"), 40_000, "conversions[0].fy: too large"),
}


@pytest.mark.parametrize("case", MALFORMED, ids=list(MALFORMED))
def test_a_malformed_file_is_named_refused_with_exit_2_and_writes_nothing(case, small, tmp_path, capsys):
    path, value, message = MALFORMED[case]
    doc = json.loads(json.dumps(small))
    _set(doc, path, value)
    before = _counts()
    code, lines = _import(tmp_path, _text(doc), capsys)
    assert code == 2, lines
    assert any(message in line for line in lines), lines
    assert lines[-1].endswith("nothing was imported.")
    assert _counts() == before


def test_a_file_cannot_move_a_unit_to_another_organisation(small, tmp_path, capsys):
    doc = json.loads(json.dumps(small))
    doc["organisation"] = {"code": "ORG-A", "name": "A"}
    assert _import(tmp_path, _text(doc), capsys)[0] == 0
    doc["organisation"] = {"code": "ORG-B", "name": "B"}
    before = _counts()
    code, lines = _import(tmp_path, _text(doc), capsys)
    assert code == 2
    assert "organisation.code: unit U1 belongs to organisation ORG-A; an import cannot move it to ORG-B" in lines
    assert _counts() == before
    assert Unit.objects.get(code="U1").organisation.code == "ORG-A"
    assert not Organisation.objects.filter(code="ORG-B").exists()


def test_a_file_without_an_organisation_leaves_an_existing_unit_in_its_own(small, tmp_path, capsys):
    doc = json.loads(json.dumps(small))
    doc["organisation"] = {"code": "ORG-A", "name": "A"}
    assert _import(tmp_path, _text(doc), capsys)[0] == 0
    del doc["organisation"]
    assert _import(tmp_path, _text(doc), capsys)[0] == 0
    assert Unit.objects.get(code="U1").organisation.code == "ORG-A"


def test_fuzzed_files_exit_0_or_2_never_a_traceback_and_write_nothing_on_failure(scenario_doc, tmp_path, capsys,
                                                                                 monkeypatch):
    """150 mutations of the public scenario: each is imported or refused with its problems named."""
    monkeypatch.setattr("tongxing.exchange.management.commands.import.ensure_migrated", lambda: None)
    outcomes = {0: 0, 2: 0}
    for text in mutations(scenario_doc, 150):
        before = _counts()
        code, lines = _import(tmp_path, text, capsys)
        assert code in outcomes, (code, lines)
        outcomes[code] += 1
        if code == 2:
            assert _counts() == before
            assert lines and all(": " in line for line in lines[:-1]), lines
    assert outcomes[0] and outcomes[2]


def test_an_import_waits_for_another_and_says_so_when_it_cannot(tmp_path, monkeypatch):
    """Two imports into one SQLite file: the second waits for the first (no "database is locked"), and one
    that waits too long is told that another import is running."""
    import threading

    from django.conf import settings

    from tongxing.exchange.services import ImportBusy, import_lock

    if connection.vendor == "sqlite":
        monkeypatch.setitem(settings.DATABASES["default"], "NAME", str(tmp_path / "db.sqlite3"))
        monkeypatch.setattr(connection, "is_in_memory_db", lambda: False)
    held, release, order = threading.Event(), threading.Event(), []

    def first():
        with import_lock():
            held.set()
            release.wait(10)
            order.append("first done")
        connection.close()

    thread = threading.Thread(target=first)
    thread.start()
    held.wait(10)
    with pytest.raises(ImportBusy, match="another import is running"), import_lock(wait=0.3):
        pass
    threading.Timer(0.3, release.set).start()
    with import_lock(wait=10):
        order.append("second")
    thread.join()
    assert order == ["first done", "second"]


def _activity_foreign_keys():
    """The foreign keys of the tables a first import checks in one pass, as the database describes them."""
    from tongxing.exchange.services import ACTIVITY_TABLES

    tables = [m._meta.db_table for m in ACTIVITY_TABLES]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint "
                           "WHERE contype = 'f' AND conrelid = ANY(%s::regclass[])", [tables])
            return set(cursor.fetchall())
        return {(table, tuple(c["columns"]), c["foreign_key"]) for table in tables
                for c in connection.introspection.get_constraints(cursor, table).values() if c["foreign_key"]}


def _activity_indexes():
    """Every index of the tables a first import writes without their plain indexes, with its definition."""
    from tongxing.exchange.services import ACTIVITY_TABLES

    tables = [m._meta.db_table for m in ACTIVITY_TABLES]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT indexrelid::regclass::text, pg_get_indexdef(indexrelid) FROM pg_index "
                           "WHERE indrelid = ANY(%s::regclass[])", [[connection.ops.quote_name(t) for t in tables]])
        else:
            cursor.execute("SELECT name, sql FROM sqlite_master WHERE type = 'index' "
                           f"AND tbl_name IN ({', '.join(['%s'] * len(tables))})", tables)
        return set(cursor.fetchall())


def test_a_first_import_keeps_every_foreign_key_and_one_refused_late_writes_nothing(scenario_doc, monkeypatch):
    """A first import has its activities' references checked in one pass (PostgreSQL: the constraints are dropped
    and added back in its transaction; the plain indexes are dropped and built again at the end): they are all
    there afterwards, as they were defined, and after an import refused once its activities were written, which
    leaves nothing behind."""
    from tongxing.exchange import services
    from tongxing.exchange.schema import parse

    before, indexes = _activity_foreign_keys(), _activity_indexes()
    assert len(before) >= 14
    assert len(indexes) >= 16
    document, problems = parse(json.loads(json.dumps(scenario_doc)))
    assert problems == []

    def refuse(unit):
        raise services.ImportRefused(["agencies: refused after the activities were written"])

    monkeypatch.setattr(services, "link_agencies", refuse)
    with pytest.raises(services.ImportRefused):
        services.import_document(document)
    assert _activity_foreign_keys() == before
    assert _activity_indexes() == indexes  # the dropped indexes came back with the rollback
    assert _counts() == (0, 0, 0, 0, 0)
    monkeypatch.undo()
    services.import_document(parse(scenario_doc)[0])
    assert _activity_foreign_keys() == before
    assert _activity_indexes() == indexes  # built again, each as it was defined
    assert Activity.objects.exists()


def test_an_import_into_a_database_in_use_checks_row_by_row(scenario_doc, monkeypatch):
    """Only a database holding no activities yet has its constraints and plain indexes dropped for the one-pass work:
    another centre's file imported later must not keep the first centre's staff from reading while it runs."""
    from tongxing.exchange import services
    from tongxing.exchange.schema import parse

    services.import_document(parse(scenario_doc)[0])

    def one_pass(models):
        raise AssertionError("constraints dropped in a database in use")

    monkeypatch.setattr(services, "foreign_keys_checked_at_end", one_pass)
    monkeypatch.setattr(services, "indexes_built_at_end", one_pass)
    neighbour = json.loads(json.dumps(scenario_doc))
    neighbour["unit"] = {**neighbour["unit"], "code": "NEXT1"}
    services.import_document(parse(neighbour)[0])
    assert Activity.objects.filter(unit__code="NEXT1").exists()
