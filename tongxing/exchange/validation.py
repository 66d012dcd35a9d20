"""Checking an exchange file against the JSON Schema in the repository (schemas/v2.json), before the importer's
own rules: every mistake as a `PATH: message` line, the importer's form (EXCHANGE.md)."""

from __future__ import annotations

import functools
import json
from pathlib import Path

SCHEMAS = Path(__file__).resolve().parent / "schemas"
TYPE_NAMES = {"string": "a string", "integer": "a whole number", "number": "a number", "boolean": "true or false",
              "array": "a list", "object": "an object", "null": "null"}


def _schema(version: int) -> dict:
    return json.loads((SCHEMAS / f"v{version}.json").read_text(encoding="utf-8"))


@functools.cache
def _fast_validator(version: int):
    """The same schema compiled by jsonschema-rs: it says whether a city-scale file conforms in a fraction of a
    second, where the pure-Python validator takes about 13 s of CPU for 70,000 activities."""
    import jsonschema_rs

    return jsonschema_rs.validator_for(_schema(version))


@functools.cache
def _validator(version: int):
    from jsonschema import Draft202012Validator

    schema = _schema(version)
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


def _path(parts) -> str:
    out = ""
    for part in parts:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(document)"


def _short(value, limit=60) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[:limit] + "…"


def _message(error) -> tuple[str, str]:
    path = _path(error.absolute_path)
    v = error.validator
    if v == "required":
        key = error.message.split("'")[1] if "'" in error.message else "?"
        return (f"{path}.{key}" if error.absolute_path else key), "missing"
    if v == "additionalProperties":
        extra = sorted(set(error.instance) - set(error.schema.get("properties", {})))
        return path, "unknown key(s): " + ", ".join(map(str, extra))
    if v == "type":
        wanted = error.validator_value if isinstance(error.validator_value, list) else [error.validator_value]
        return path, (f"must be {' or '.join(TYPE_NAMES.get(t, t) for t in wanted)}, "
                      f"not {_short(error.instance)}")
    if v == "enum":
        allowed = [c for c in error.validator_value if c not in ("", None)]
        return path, f"unknown value {_short(error.instance)} (expected one of {', '.join(map(str, allowed))})"
    if v == "pattern":
        return path, f"not in the form {error.schema.get('description', error.validator_value)}: {_short(error.instance)}"
    if v == "const":
        return path, f"must be {error.validator_value!r}"
    if v in ("minimum", "maximum"):
        return path, f"out of range ({v} {error.validator_value}): {_short(error.instance)}"
    if v == "uniqueItems":
        return path, "lists the same value twice"
    return path, error.message


def validate(doc: dict, version: int) -> list[str]:
    """The file's departures from the schema of its version, as `PATH: message` lines (empty: it conforms).

    A conforming file is known as such by the fast validator; only a file that does not conform is gone through
    by the pure-Python one, whose errors give the lines (tests/test_import_robust.py holds both to one verdict)."""
    try:
        if _fast_validator(version).is_valid(doc):
            return []
    except (ValueError, TypeError, OverflowError):
        pass  # a value it cannot take: the pure-Python validator below says what is wrong
    problems = sorted({_message(e) for e in _validator(version).iter_errors(doc)})
    return [f"{path}: {message}" for path, message in problems]
