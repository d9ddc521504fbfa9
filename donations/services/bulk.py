"""Inserting many rows: PostgreSQL's COPY (or one prepared INSERT run per row on SQLite) for large
batches, bulk_create otherwise."""

from __future__ import annotations

from collections.abc import Sequence

from django.db import DEFAULT_DB_ALIAS, connections, models
from django.utils import timezone

COPY_THRESHOLD = 500


def insert_rows(model: type[models.Model], objs: Sequence[models.Model]) -> bool:
    """Insert unsaved instances; returns True when their ids were set (bulk_create did it).

    The large-batch paths skip model save hooks, so auto_now_add fields are filled here; a payroll
    run of 100k lines spends most of its time in the ORM's INSERT building otherwise (and, with
    DEBUG on SQLite, in quoting every parameter of it again for the query log).
    """
    if not objs:
        return True
    # The wrapper itself, not the `connection` proxy: values are prepared once per field and row.
    connection = connections[DEFAULT_DB_ALIAS]
    vendor = connection.vendor
    if vendor not in ("postgresql", "sqlite") or len(objs) < COPY_THRESHOLD:
        model.objects.bulk_create(objs, batch_size=1000)
        return all(o.pk for o in objs)
    # Rows rewritten with their ids (payroll lines) keep them; new rows take the sequence's.
    keep_ids = all(o.pk is not None for o in objs)
    fields = [f for f in model._meta.concrete_fields if keep_ids or not f.primary_key]
    now = timezone.now()
    for field in fields:
        if getattr(field, "auto_now_add", False) or getattr(field, "auto_now", False):
            for obj in objs:
                if getattr(obj, field.attname) is None:
                    setattr(obj, field.attname, now)
    table = connection.ops.quote_name(model._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    rows = (
        [f.get_db_prep_save(getattr(obj, f.attname), connection) for f in fields] for obj in objs
    )
    with connection.cursor() as cursor:
        if vendor == "sqlite":
            placeholders = ", ".join(["%s"] * len(fields))
            # Table and column names come from the model's meta, quoted; values are parameters.
            sql = f"INSERT INTO {table} ({columns}) VALUES ({placeholders})"  # noqa: S608
            cursor.executemany(sql, list(rows))
        else:
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
    return keep_ids
