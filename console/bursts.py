"""Long key runs are folded as they are posted, so they never queue and route key by key.

Every key from the terminal becomes one message on the App's queue, and each costs the App tens of
microseconds to take off the queue and route (bindings, focus, the keeper), even when the scan
field only counts it (`ScanField.arriving`): a 20,000-character "scan" kept the desk busy for
0.4 s (2 s on a loaded machine) before it could answer. Past FOLD_AFTER printable keys in a row,
the App appends the rest to one `FoldedKeys` message, queued where the first of them would have
been. When the App takes it off the queue (`PackdeskApp.on_folded_keys`), a scan field gets the
keys straight (printable keys bind nothing at the desk) and only a count of those beyond the
longest barcode (MAX_SCAN_LENGTH); any other widget gets every key the ordinary way. Nothing is
lost and nothing is reordered.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from textual import events
from textual.message import Message

# Longer than the codes scanned all day (EAN-13, order ids), far shorter than any run worth folding.
FOLD_AFTER = 24


@dataclass
class FoldedKeys(Message):
    """Printable keys that arrived in a row past FOLD_AFTER, in arrival order."""

    keys: list[events.Key] = field(default_factory=list)
    taken: bool = False  # the App routes it now: later keys start a new fold


class KeyRuns:
    """Counts printable keys in a row as they are posted and folds those past the limit."""

    def __init__(self, limit: int = FOLD_AFTER) -> None:
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
