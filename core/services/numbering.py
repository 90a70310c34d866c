"""Gapless document numbers. A number is taken inside the caller's transaction: rolled back, no gap."""

from __future__ import annotations

from datetime import date

from tortoise.backends.base.client import BaseDBAsyncClient

from core.domain.numbering import DEFAULT_RANGES, NumberRange, validate_pattern
from core.errors import NotFound
from core.persistence.models import NumberRangeRow


async def ensure_range(
    company: str, name: str, pattern: str | None = None, *, yearly_reset: bool = True
) -> NumberRangeRow:
    """Create the range if it does not exist (with the default pattern for well-known names)."""
    pattern = pattern or DEFAULT_RANGES.get(name) or f"{name.upper()[:3]}-{{YYYY}}-{{seq:05}}"
    validate_pattern(pattern)
    row, _ = await NumberRangeRow.get_or_create(
        company=company, name=name, defaults={"pattern": pattern, "yearly_reset": yearly_reset}
    )
    return row


async def allocate(
    company: str, name: str, on: date, using_db: BaseDBAsyncClient, *, create: bool = True
) -> str:
    """Take the next number of a range. Must run inside a transaction (`using_db`).

    PostgreSQL: the range row is locked (`FOR UPDATE`) until the transaction ends, so concurrent
    allocators queue up. SQLite: transactions begin IMMEDIATE, so there is one writer at a time.
    """
    row = (
        await NumberRangeRow.filter(company=company, name=name)
        .select_for_update()
        .using_db(using_db)
        .first()
    )
    if row is None:
        if not create:
            raise NotFound(f"No number range {name!r} for company {company!r}.")
        pattern = DEFAULT_RANGES.get(name) or f"{name.upper()[:3]}-{{YYYY}}-{{seq:05}}"
        await NumberRangeRow.create(company=company, name=name, pattern=pattern, using_db=using_db)
        row = (
            await NumberRangeRow.filter(company=company, name=name)
            .select_for_update()
            .using_db(using_db)
            .get()
        )
    rng = NumberRange(
        company=row.company,
        name=row.name,
        pattern=row.pattern,
        next_seq=row.next_seq,
        yearly_reset=row.yearly_reset,
        current_year=row.current_year,
    )
    number = rng.allocate(on)
    row.next_seq, row.current_year = rng.next_seq, rng.current_year
    await row.save(using_db=using_db, update_fields=["next_seq", "current_year"])
    return number
