"""What a captured log says, read the way a person would read it."""

from __future__ import annotations

import re


def names_number(log: str, *numbers: str) -> bool:
    """Whether any of `numbers` (a PIN, say) stands in `log` as a number of its own.

    A plain `in` is not enough: a timestamp's microseconds (…18.987639) may hold a PIN's digits.
    """
    return any(re.search(rf"(?<!\d){re.escape(n)}(?!\d)", log) for n in numbers)
