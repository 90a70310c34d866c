"""Number ranges: patterns like ``RE-{YYYY}-{seq:05}``, gapless per company and kind."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from core.domain.errors import DomainError

_TOKEN = re.compile(r"\{(YYYY|YY|MM|seq(?::0?(\d+))?)\}")


def validate_pattern(pattern: str) -> None:
    """A pattern must hold exactly one `{seq}` and no unknown tokens."""
    tokens = re.findall(r"\{[^}]*\}", pattern)
    unknown = [t for t in tokens if not _TOKEN.fullmatch(t)]
    if unknown:
        raise DomainError(
            f"Number pattern {pattern!r} has unknown token {unknown[0]}; "
            "use {YYYY}, {YY}, {MM} and {seq:05}."
        )
    if sum(t.startswith("{seq") for t in tokens) != 1:
        raise DomainError(f"Number pattern {pattern!r} needs exactly one {{seq}} token.")


def format_number(pattern: str, seq: int, on: date) -> str:
    """Render a document number, e.g. ``format_number("RE-{YYYY}-{seq:05}", 7, …) == "RE-2026-00007"``."""

    def sub(m: re.Match[str]) -> str:
        token = m.group(1)
        if token == "YYYY":
            return f"{on.year:04d}"
        if token == "YY":
            return f"{on.year % 100:02d}"
        if token == "MM":
            return f"{on.month:02d}"
        width = int(m.group(2) or 0)
        return str(seq).rjust(width, "0")

    return _TOKEN.sub(sub, pattern)


@dataclass
class NumberRange:
    """One sequence of document numbers for a company and a kind (invoice, delivery note …)."""

    company: str
    name: str
    pattern: str
    next_seq: int = 1
    yearly_reset: bool = True
    current_year: int | None = None
    id: int | None = None

    def allocate(self, on: date) -> str:
        """Take the next number (mutates; the caller persists inside its transaction)."""
        if self.yearly_reset and self.current_year is not None and on.year > self.current_year:
            self.next_seq = 1
        if self.current_year is None or on.year > self.current_year:
            self.current_year = on.year
        number = format_number(self.pattern, self.next_seq, on)
        self.next_seq += 1
        return number


DEFAULT_RANGES = {
    "invoice": "RE-{YYYY}-{seq:05}",
    "delivery_note": "LS-{YYYY}-{seq:05}",
    "credit_note": "GS-{YYYY}-{seq:05}",
}
