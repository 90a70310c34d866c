"""Many new rows in one `executemany`, without an ORM object per row: intake's batches.

`bulk_create` builds a model instance for every row (defaults, setattr per field) and then converts
every field through it; for 10,000 orders with their lines, reservations and audit events that was
most of intake's CPU. Here each row is a dict of field values: missing fields get the model's
default (or now, for `auto_now` fields), each value goes through the field's own `to_db_value`, so
the database sees exactly what `bulk_create` would have written.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from functools import cache
from typing import Any

from tortoise import timezone
from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.fields import Field
from tortoise.models import Model


@cache
def _columns(model: type[Model]) -> tuple[tuple[str, str, Field[Any]], ...]:
    """(field name, column, field) of every column an INSERT writes (the generated id is not)."""
    meta = model._meta
    return tuple(
        (name, column, meta.fields_map[name])
        for name, column in meta.fields_db_projection.items()
        if not meta.fields_map[name].generated
    )


@cache
def _insert_sql(model: type[Model], dialect: str) -> str:
    columns = _columns(model)
    names = ", ".join(f'"{column}"' for _, column, _ in columns)
    if dialect == "postgres":
        marks = ", ".join(f"${n}" for n in range(1, len(columns) + 1))
    else:
        marks = ", ".join("?" for _ in columns)
    return f'INSERT INTO "{model._meta.db_table}" ({names}) VALUES ({marks})'


def _default(field: Field[Any], now: datetime) -> Any:
    if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
        return now
    default = field.default
    return default() if callable(default) else default


async def insert_rows(
    model: type[Model], rows: Sequence[dict[str, Any]], conn: BaseDBAsyncClient
) -> None:
    """INSERT `rows` (field name → value) of `model` in the caller's transaction."""
    if not rows:
        return
    columns = _columns(model)
    now = timezone.localtime()  # what the ORM stamps auto_now fields with
    defaults = {name: _default(field, now) for name, _, field in columns}
    values = [
        [
            field.to_db_value(row[name] if name in row else defaults[name], model)
            for name, _, field in columns
        ]
        for row in rows
    ]
    if conn.capabilities.dialect == "postgres":
        # COPY: one stream per table, no per-row statement on the server (the same rows as INSERT).
        async with conn.acquire_connection() as raw:
            await raw.copy_records_to_table(
                model._meta.db_table, records=values, columns=[c for _, c, _ in columns]
            )
        return
    await conn.execute_many(_insert_sql(model, conn.capabilities.dialect), values)
