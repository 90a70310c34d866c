"""The emulator's own clock: real time multiplied by a scale, plus jumps made by ``advance``."""

from __future__ import annotations

import time
from datetime import UTC, datetime


class EmulatorClock:
    """Emulated epoch seconds; ``time_scale`` speeds it up, ``advance`` skips ahead without sleeping."""

    def __init__(
        self, time_scale: float = 1.0, start: float | None = None, *, frozen: bool = False
    ) -> None:
        if time_scale <= 0:
            raise ValueError("time_scale must be positive")
        self.time_scale = time_scale
        self._start = time.time() if start is None else start
        self._mono = time.monotonic()
        self._offset = 0.0
        self._frozen = frozen

    def now(self) -> float:
        """Emulated seconds since the epoch."""
        elapsed = 0.0 if self._frozen else (time.monotonic() - self._mono) * self.time_scale
        return self._start + elapsed + self._offset

    def advance(self, seconds: float) -> None:
        """Move emulated time forward by ``seconds`` at once."""
        if seconds < 0:
            raise ValueError("time only moves forward")
        self._offset += seconds

    def freeze(self) -> None:
        """Stop the real-time part, so only ``advance`` moves time (deterministic tests)."""
        if not self._frozen:
            self._offset += (time.monotonic() - self._mono) * self.time_scale
            self._frozen = True

    def utcnow(self) -> datetime:
        """Emulated now as an aware UTC datetime."""
        return datetime.fromtimestamp(self.now(), UTC)


def iso(ts: float) -> str:
    """Epoch seconds as ISO 8601 UTC with a Z, whole seconds (Amazon's usual form)."""
    return datetime.fromtimestamp(ts, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_iso(text: str) -> float | None:
    """ISO 8601 date-time (``Z`` or offset; date only allowed) to epoch seconds, None if invalid."""
    value = text.strip()
    if not value or value[0] not in "0123456789":
        return None
    if value.endswith(("Z", "z")):
        value = value[:-1] + "+00:00"
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.timestamp()
