"""Shared set-up for the benchmarks: a city-scale unit imported into a fresh database."""

import os
import time
from pathlib import Path

OUT = Path(__file__).resolve().parent / "out"


def configure(database_url: str):
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tongxing.settings")
    import django

    django.setup()


def fresh_database(kind: str) -> str:
    """A new empty database of `kind` (sqlite or postgres); returns its URL."""
    OUT.mkdir(exist_ok=True)
    if kind == "sqlite":
        path = OUT / "city.sqlite3"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        return f"sqlite:///{path}"
    import psycopg

    with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as conn:
        conn.execute("DROP DATABASE IF EXISTS tongxing_bench")
        conn.execute("CREATE DATABASE tongxing_bench")
    return "postgres://postgres@127.0.0.1:5432/tongxing_bench"


def city_document(people=6000, activities_per_year=35000, years=(2023, 2024)):
    from tongxing.demo.generate import generate

    started = time.perf_counter()
    doc = generate(unit_code="CITY", unit_name="城市中心", people=people, activities_per_year=activities_per_year,
                   years=years, seed=7)
    return doc, time.perf_counter() - started


def import_city(doc):
    """Migrate, validate and import; returns (parse seconds, import seconds)."""
    from django.core.management import call_command

    from tongxing.exchange.schema import parse
    from tongxing.exchange.services import import_document

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    document, problems = parse(doc)
    assert not problems, problems[:5]
    parsed = time.perf_counter()
    import_document(document)
    return parsed - started, time.perf_counter() - parsed
