"""Absurdly long key runs are folded as they are posted, so they never queue key by key.

Every key from the terminal becomes one message on the App's queue, and each costs the App tens of
microseconds to take off the queue and route, even when it is only counted (`ScanField.arriving`):
a 20,000-character "scan" kept the desk busy for 0.4 s (2 s on a loaded machine) before it could
answer. No barcode is longer than MAX_SCAN_LENGTH, so past that many printable keys in a row the
App appends the rest to one `FoldedKeys` message, queued where the first of them would have been.
When the App takes it off the queue it routes the keys as it would have routed each one
(`PackdeskApp.on_folded_keys`): a scan field counts those beyond its longest barcode at once, any
other widget gets every key, so nothing is lost and nothing is reordered.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from textual import events
from textual.message import Message

from core.domain.desk import MAX_SCAN_LENGTH


@dataclass
class FoldedKeys(Message):
    """Printable keys that arrived in a row past MAX_SCAN_LENGTH, in arrival order."""

    keys: list[events.Key] = field(default_factory=list)
    taken: bool = False  # the App routes it now: later keys start a new fold


class KeyRuns:
    """Counts printable keys in a row as they are posted and folds those past the limit."""

    def __init__(self, limit: int = MAX_SCAN_LENGTH) -> None:
        self.limit = limit
        self._run = 0
        self._fold: FoldedKeys | None = None

    def fold(self, key: events.Key) -> FoldedKeys | events.Key | None:
        """What to post for `key`: the key itself, a new fold, or None (it joined a queued fold)."""
        if not key.is_printable:
            self._run, self._fold = 0, None
            return key
        self._run += 1
        if self._run <= self.limit:
            return key
        if self._fold is not None and not self._fold.taken:
            self._fold.keys.append(key)
            return None
        self._fold = FoldedKeys([key])
        return self._fold
