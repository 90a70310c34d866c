"""What a looked-up value may be compared with: tortoise validates it against the column first.

A filter such as `OrderRow.filter(external_id=code)` raises `ValidationError` when `code` is longer
than the column, instead of finding nothing. Scans and search terms come from people and scanners
(a 77-character code is a plausible misread), so every lookup by such a value asks `fits` first.
"""

from __future__ import annotations

from tortoise.models import Model


def fits(model: type[Model], field: str, value: str) -> bool:
    """Whether `value` can be stored in (and so compared with) `model.field`."""
    limit = getattr(model._meta.fields_map[field], "max_length", None)
    return limit is None or len(value) <= limit
