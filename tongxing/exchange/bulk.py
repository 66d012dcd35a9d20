"""Writing many rows at once, without model instances (the exchange importer's speed at city scale)."""

from __future__ import annotations

import contextlib
import functools
import operator

from django.db import connection
from django.db.models import (
    BooleanField,
    CharField,
    DateField,
    DateTimeField,
    DecimalField,
    ForeignKey,
    IntegerField,
    TextField,
    TimeField,
)

BATCH = 2000


@contextlib.contextmanager
def foreign_keys_checked_at_end(models):
    """On PostgreSQL, the foreign keys of `models`' tables checked once per constraint when the block ends (one
    anti-join over the table) instead of once per written row at commit (a queued trigger running an index probe
    and a row lock for every reference: about 3 µs each, half the server's time in a city-scale import).

    The constraints are dropped and added back, with their own names and definitions, inside the caller's
    transaction: no other session ever sees the tables without them, a row naming nothing fails the block as it
    would fail the commit, and an error in the block rolls the drop back with everything else. The price: until
    the transaction ends, other sessions wait to read these tables and the ones they name, and adding a
    constraint back reads every stored row. So callers use it only where nothing is stored yet (a centre's first
    import into its new database), where nobody waits and the one pass costs less than the per-row checks."""
    if connection.vendor != "postgresql":
        yield
        return
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute("SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint "
                       "WHERE contype = 'f' AND conrelid = ANY(%s::regclass[]) ORDER BY conrelid, conname",
                       [[quote(m._meta.db_table) for m in models]])
        keys = cursor.fetchall()
        # A table cannot be altered while checks of rows already written to it wait for the commit: they run now.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        for table, name, _definition in keys:
            cursor.execute(f"ALTER TABLE {table} DROP CONSTRAINT {quote(name)}")
        # Every deferrable constraint of the schema is a foreign key declared INITIALLY DEFERRED.
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
    yield
    with connection.cursor() as cursor:
        for table, name, definition in keys:
            cursor.execute(f"ALTER TABLE {table} ADD CONSTRAINT {quote(name)} {definition}")


@contextlib.contextmanager
def indexes_built_at_end(models):
    """The plain (not unique) indexes of `models`' tables dropped for the block and built again when it ends: one
    sort per index instead of an index entry placed per written row (on PostgreSQL and SQLite alike, the
    greater part of writing a city's activities, which carry sixteen such indexes).

    Unique indexes stay, so a duplicate still fails where it is written. As for foreign_keys_checked_at_end,
    the drop and the rebuild are inside the caller's transaction (an error rolls both back; no other session
    sees the tables without them) and callers use it only where the tables hold nothing yet: rebuilding reads
    every stored row."""
    tables = [m._meta.db_table for m in models]
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT indexrelid::regclass::text, pg_get_indexdef(indexrelid) FROM pg_index "
                           "WHERE indrelid = ANY(%s::regclass[]) AND NOT indisunique ORDER BY 1",
                           [[quote(t) for t in tables]])
        else:
            cursor.execute("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL AND "
                           f"sql NOT LIKE 'CREATE UNIQUE%%' AND tbl_name IN ({', '.join(['%s'] * len(tables))}) "
                           "ORDER BY name", tables)
        indexes = cursor.fetchall()
        for name, _definition in indexes:
            cursor.execute(f"DROP INDEX {name if connection.vendor == 'postgresql' else quote(name)}")
    yield
    with connection.cursor() as cursor:
        for _name, definition in indexes:
            cursor.execute(definition)


def insert_rows(model, rows, total: int, progress=None):
    """Insert `rows` (dicts of field name or attname to value) into `model`'s table, unsaved fields given the
    model's defaults: COPY on PostgreSQL, one prepared INSERT run over the rows on SQLite.

    No model instances and no per-row SQL: at city scale building and compiling instances cost more than the
    writing (about 1,000 activities a second). Signals and save() are not run, as with bulk_create."""
    if not total:
        return
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    postgres = connection.vendor == "postgresql"
    adapters = [] if postgres else [(i, adapt) for i, f in enumerate(fields)
                                    if (adapt := _sqlite_adapter(f, connection.timezone))]
    table = connection.ops.quote_name(model._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    done = 0
    values, keys = None, None
    with connection.cursor() as cursor:
        batch = []
        for row in rows:
            if row.keys() != keys:  # the callers' rows share their keys: the row reader is made once per shape
                keys = row.keys()
                values = _row_reader(fields, row, adapters)
            batch.append(values(row))
            if len(batch) == BATCH:
                _write_batch(cursor, postgres, table, columns, len(fields), batch)
                done += len(batch)
                batch = []
                if progress:
                    progress(done)
        _write_batch(cursor, postgres, table, columns, len(fields), batch)
    if progress:
        progress(total)


def _row_reader(fields, row, adapters):
    """A function from a row with `row`'s keys to the table's column values, in the order of `fields`: the given
    value (by attname, else by name) or, as bulk_create fills a field not given, the field's default."""
    defaults = {f.attname: f.get_default() for f in fields if f.attname not in row and f.name not in row}
    renamed = {f.name: f.attname for f in fields if f.attname not in row and f.name in row}
    pick = operator.itemgetter(*(f.attname for f in fields))
    single = len(fields) == 1

    def values(row):
        if renamed:
            row = {renamed.get(k, k): v for k, v in row.items()}
        out = pick({**defaults, **row})
        out = [out] if single else list(out)
        for i, adapt in adapters:
            if out[i] is not None:
                out[i] = adapt(out[i])
        return out

    return values


def _write_batch(cursor, postgres, table, columns, width, batch):
    if not batch:
        return
    if postgres:
        with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
            for row in batch:
                copy.write_row(row)
    else:
        cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({', '.join(['%s'] * width)})", batch)


def _sqlite_adapter(field, tz):
    """How SQLite's backend stores the field's Python value (None: as it is)."""
    ops = connection.ops
    if isinstance(field, DateTimeField):
        return functools.partial(_sqlite_datetime, tz)
    if isinstance(field, DateField):
        return str  # what the backend's adapt_datefield_value writes
    if isinstance(field, TimeField):
        return lambda v: ops.adapt_timefield_value(v) if v.tzinfo is not None else str(v)
    if isinstance(field, DecimalField):
        return lambda v: ops.adapt_decimalfield_value(v, field.max_digits, field.decimal_places)
    if isinstance(field, CharField | TextField | IntegerField | BooleanField | ForeignKey):
        return None
    return lambda v: field.get_db_prep_save(v, connection=connection)


def _sqlite_datetime(tz, value):
    """What the backend's adapt_datetimefield_value writes (naive UTC text for an aware value), without its
    per-value settings and time-zone look-ups."""
    if value.tzinfo is None or value.utcoffset() is None:
        return connection.ops.adapt_datetimefield_value(value)
    return str(value.astimezone(tz).replace(tzinfo=None))
