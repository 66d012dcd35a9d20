"""Writing many rows at once, without model instances (the exchange importer's speed at city scale)."""

from __future__ import annotations

import contextlib
import functools
import itertools
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
    model's defaults: COPY on PostgreSQL (one per run of rows sharing their keys, fed as the rows are made, so
    the server stores them while this process makes the next), one prepared INSERT run over each batch of rows
    on SQLite.

    No model instances and no per-row SQL: at city scale building and compiling instances cost more than the
    writing (about 1,000 activities a second). Signals and save() are not run, as with bulk_create. Making the
    rows must not query the database, which may be in a COPY meanwhile."""
    if not total:
        return
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    table = connection.ops.quote_name(model._meta.db_table)
    done = 0
    with connection.cursor() as cursor:
        for columns, batches in itertools.groupby(_batches(fields, rows), key=operator.itemgetter(0)):
            names = ", ".join(connection.ops.quote_name(f.column) for f in columns)
            if connection.vendor == "postgresql":
                with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                    for _columns, batch in batches:
                        for row in batch:
                            copy.write_row(row)
                        done += len(batch)
                        if progress:
                            progress(done)
                continue
            adapters = [(i, adapt) for i, f in enumerate(columns) if (adapt := _sqlite_adapter(f, connection.timezone))]
            sql = f"INSERT INTO {table} ({names}) VALUES ({', '.join(['%s'] * len(columns))})"
            for _columns, batch in batches:
                cursor.executemany(sql, _sqlite_adapted(batch, adapters))
                done += len(batch)
                if progress:
                    progress(done)
    if progress:
        progress(total)


def _batches(fields, rows):
    """The rows as (columns, batch): a batch is the column values of at most BATCH consecutive rows sharing their
    keys (the callers' rows all do: one row reader per call), `columns` the fields they give values for."""
    keys, columns, values, batch = None, None, None, []
    for row in rows:
        if row.keys() != keys:
            if batch:
                yield columns, batch
                batch = []
            keys = row.keys()
            columns, values = _row_reader(fields, row)
        batch.append(values(row))
        if len(batch) == BATCH:
            yield columns, batch
            batch = []
    if batch:
        yield columns, batch


def _row_reader(fields, row):
    """The fields a row with `row`'s keys fills, and a function from such a row to their values: first the fields
    the row gives (by attname, else by name), then, as bulk_create fills a field not given, the others with
    their defaults. Read straight from the row, without a merged dict per row."""
    given = {f: f.attname if f.attname in row else f.name for f in fields if f.attname in row or f.name in row}
    defaulted = [f for f in fields if f not in given]
    defaults = tuple(f.get_default() for f in defaulted)
    keys = list(given.values())
    pick = operator.itemgetter(*keys)
    if len(keys) == 1:  # an itemgetter of one key gives the value, not a tuple

        def values(row):
            return (pick(row), *defaults)

    elif defaults:

        def values(row):
            return pick(row) + defaults

    else:
        values = pick
    return (*given, *defaulted), values


def _sqlite_adapted(batch, adapters):
    """The batch's rows with the values of the adapted columns as SQLite's backend stores them, one column at a
    time."""
    if not adapters:
        return batch
    columns = list(zip(*batch, strict=True))
    for i, adapt in adapters:
        columns[i] = [value if value is None else adapt(value) for value in columns[i]]
    return zip(*columns, strict=True)


def _sqlite_adapter(field, tz):
    """How SQLite's backend stores the field's Python value (None: as it is). Dates and times repeat down a
    column (a city's 70,000 activities have 731 dates and 33,000 start and end times): their stored forms are
    remembered, for the call (a datetime caches its hash, so a repeated object is found at once)."""
    ops = connection.ops
    if isinstance(field, DateTimeField):
        stored = functools.partial(_sqlite_datetime, tz)
        remembered = functools.cache(stored)
        # A repeated wall time (fold=1) equals the first one of its zone but is another instant: not remembered.
        return lambda v: stored(v) if v.fold else remembered(v)
    if isinstance(field, DateField):
        return functools.cache(str)  # what the backend's adapt_datefield_value writes
    if isinstance(field, TimeField):
        return functools.cache(lambda v: ops.adapt_timefield_value(v) if v.tzinfo is not None else str(v))
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
