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


def database_url(kind: str, name: str = "city") -> str:
    if kind == "sqlite":
        return f"sqlite:///{OUT / name}.sqlite3"
    # Several developers may share one server: TONGXING_BENCH_DB prefixes this bench's databases.
    return f"postgres://postgres@127.0.0.1:5432/{os.environ.get('TONGXING_BENCH_DB', 'tongxing_bench')}_{name}"


def database_exists(kind: str, name: str = "city") -> bool:
    if kind == "sqlite":
        return (OUT / f"{name}.sqlite3").exists()
    import psycopg

    with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as conn:
        return conn.execute("SELECT 1 FROM pg_database WHERE datname = %s",
                            [database_url(kind, name).rsplit("/", 1)[1]]).fetchone() is not None


def fresh_database(kind: str, name: str = "city") -> str:
    """A new empty database of `kind` (sqlite or postgres); returns its URL."""
    OUT.mkdir(exist_ok=True)
    url = database_url(kind, name)
    if kind == "sqlite":
        path = OUT / f"{name}.sqlite3"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        return url
    import psycopg

    with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{url.rsplit("/", 1)[1]}"')
        conn.execute(f'CREATE DATABASE "{url.rsplit("/", 1)[1]}"')
    return url


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
