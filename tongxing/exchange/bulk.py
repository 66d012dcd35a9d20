"""Writing many rows at once, without model instances (the exchange importer's speed at city scale)."""

from __future__ import annotations

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


def insert_rows(model, rows, total: int, progress=None):
    """Insert `rows` (dicts of field name or attname to value) into `model`'s table, unsaved fields given the
    model's defaults: COPY on PostgreSQL, one prepared INSERT run over the rows on SQLite.

    No model instances and no per-row SQL: at city scale building and compiling instances cost more than the
    writing (about 1,000 activities a second). Signals and save() are not run, as with bulk_create."""
    if not total:
        return
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    keys = [(f.attname, f.name, f.get_default()) for f in fields]  # as bulk_create fills a field not given
    postgres = connection.vendor == "postgresql"
    convert = [None if postgres else _sqlite_adapter(f) for f in fields]

    def values(row):
        out = []
        for (attname, name, default), adapt in zip(keys, convert, strict=True):
            value = row[attname] if attname in row else row.get(name, default)
            out.append(adapt(value) if adapt is not None and value is not None else value)
        return out

    table = connection.ops.quote_name(model._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    done = 0
    with connection.cursor() as cursor:
        batch = []
        for row in rows:
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


def _write_batch(cursor, postgres, table, columns, width, batch):
    if not batch:
        return
    if postgres:
        with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
            for row in batch:
                copy.write_row(row)
    else:
        cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({', '.join(['%s'] * width)})", batch)


def _sqlite_adapter(field):
    """How SQLite's backend stores the field's Python value (None: as it is)."""
    ops = connection.ops
    if isinstance(field, DateTimeField):
        return ops.adapt_datetimefield_value
    if isinstance(field, DateField):
        return ops.adapt_datefield_value
    if isinstance(field, TimeField):
        return ops.adapt_timefield_value
    if isinstance(field, DecimalField):
        return lambda v: ops.adapt_decimalfield_value(v, field.max_digits, field.decimal_places)
    if isinstance(field, CharField | TextField | IntegerField | BooleanField | ForeignKey):
        return None
    return lambda v: field.get_db_prep_save(v, connection=connection)
