"""The JSON Schema of exchange format v2, made from the record shapes (schema.SHAPES).

`schemas/v2.json` in the repository is this function's output, written by `python -m
tongxing.exchange.schema_build`; tests/test_exchange_v2.py fails when the file and the shapes disagree, and the
importer validates every v2 file against the file (validation.py)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from tongxing.standards.codes import STANDARD_CODES

from .schema import COLLECTIONS, FORMAT, SHAPES, VERSION, WEEKDAYS, YEARS, Field

SCHEMA_PATH = Path(__file__).resolve().parent / "schemas" / f"v{VERSION}.json"
PATTERNS = {"date": r"^\d{4}-\d{2}-\d{2}$", "datetime": r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$",
            "instant": r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$"}
DESCRIPTIONS = {"date": "YYYY-MM-DD", "datetime": "local wall-clock time YYYY-MM-DDTHH:MM",
                "instant": "local wall-clock time to the second YYYY-MM-DDTHH:MM:SS",
                "index": "position (from 0) in a list of the same record", "ref": "id of a record in the file"}


def _field(spec: Field) -> dict:
    k = spec.kind
    optional = not spec.required
    if k in ("str", "text", "ref"):
        out = {"type": "string"}
    elif k in PATTERNS:
        out = {"type": "string", "pattern": PATTERNS[k]}
    elif k == "bool":
        out = {"type": "boolean"}
    elif k == "int":
        out = {"type": "integer", "minimum": 0, "maximum": spec.maximum}
    elif k == "signed":
        out = {"type": "integer", "minimum": -spec.maximum, "maximum": spec.maximum}
    elif k == "index":
        out = {"type": "integer", "minimum": 0}
    elif k == "number":
        out = {"type": "number", "minimum": 0}
    elif k == "enum":
        out = {"enum": list(spec.choices) + (["", None] if optional else [])}
        return _describe(k, out)
    elif k in ("enums", "enumlist"):
        out = {"type": "array", "items": {"enum": list(spec.choices)}, "uniqueItems": True}
        if k == "enums":
            out["minItems"] = 1
    elif k == "refs":
        out = {"type": "array", "items": {"type": "string"}, "uniqueItems": True}
    elif k == "list":
        out = {"type": "array", "items": {"$ref": f"#/$defs/{spec.ref}"}}
    elif k == "object":
        out = {"$ref": f"#/$defs/{spec.ref}"}
        return {"anyOf": [out, {"type": "null"}]} if optional else out
    elif k == "counts":
        out = {"type": "object", "propertyNames": {"enum": list(spec.choices)},
               "additionalProperties": {"type": "integer", "minimum": 0}}
    elif k == "scores":
        out = {"type": "object", "propertyNames": {"pattern": r"^[0-9]+$"}, "minProperties": 1,
               "additionalProperties": {"type": "integer"}}
    elif k == "json":
        return {}
    else:
        raise AssertionError(k)
    if optional:
        # A key not required may be null (or, for strings, empty): the reader then takes its default.
        out["type"] = [out["type"], "null"]
    return _describe(k, out)


def _describe(kind, out):
    if kind in DESCRIPTIONS:
        out["description"] = DESCRIPTIONS[kind]
    return out


def _shape(fields: dict[str, Field]) -> dict:
    return {
        "type": "object",
        "properties": {key: _field(spec) for key, spec in fields.items()},
        "required": [key for key, spec in fields.items() if spec.required],
        "additionalProperties": False,
    }


def build() -> dict:
    defs = {name: _shape(fields) for name, fields in SHAPES.items()}
    hours = {"anyOf": [{"type": "array", "items": {"type": "string", "pattern": r"^\d{2}:\d{2}$"},
                        "minItems": 2, "maxItems": 2}, {"type": "null"}]}
    defs["agreed_levels"] = {
        "type": "object", "required": ["fy"], "additionalProperties": False,
        "properties": {"fy": {"type": "integer", "minimum": 1990, "maximum": YEARS[1]},
                       **{code: {"type": "number", "minimum": 0} for code in STANDARD_CODES}},
    }
    properties = {
        "format": {"const": FORMAT}, "version": {"const": VERSION},
        "notice": {"type": "string", "description": "re-disclosure notice; ignored on import"},
        "organisation": {"type": "object", "required": ["code", "name"], "additionalProperties": False,
                         "properties": {"code": {"type": "string", "minLength": 1},
                                        "name": {"type": "string", "minLength": 1}}},
        "unit": {"type": "object", "required": ["code", "name"], "additionalProperties": False,
                 "properties": {"code": {"type": "string", "minLength": 1}, "name": {"type": "string", "minLength": 1},
                                "timezone": {"type": "string"},
                                "approval_required": {
                                    "type": "boolean",
                                    "description": "case plans and closures need a supervisor's approval"},
                                "opening_hours": {"type": "object", "additionalProperties": False,
                                                  "properties": {day: hours for day in WEEKDAYS}}}},
    }
    for name in COLLECTIONS:
        properties[name] = {"type": "array", "items": {"$ref": f"#/$defs/{name}"}}
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"https://tongxing.example/exchange/v{VERSION}.json",
        "title": f"Tongxing exchange format v{VERSION}",
        "description": "One unit's records; see docs/exchange.md. Cross-record rules (references, dates in "
                       "order, nothing in the future) are checked by the importer after this schema.",
        "type": "object",
        "required": ["format", "version", "unit"],
        "properties": properties,
        "$defs": defs,
    }


def text() -> str:
    return json.dumps(build(), ensure_ascii=False, indent=1) + "\n"


if __name__ == "__main__":  # python -m tongxing.exchange.schema_build  (after `django.setup()` by manage.py shell)
    SCHEMA_PATH.write_text(text(), encoding="utf-8")
    sys.stdout.write(f"wrote {SCHEMA_PATH}\n")
