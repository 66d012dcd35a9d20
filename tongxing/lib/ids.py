"""Ids for records entered in the product that exchange files name them by (EXCHANGE.md: "ids are the file's ids,
kept as external ids"): a record imported keeps the file's id; one entered here gets a random one, so two
installations never give two different records the same id."""

import secrets


def _new(prefix: str) -> str:
    return f"{prefix}-{secrets.token_hex(6)}"


def prerelease_session_id() -> str:
    return _new("pr")


def lecture_id() -> str:
    return _new("lec")


def hotline_call_id() -> str:
    return _new("call")


def kpi_id() -> str:
    return _new("kpi")
