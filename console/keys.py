"""Keys that arrive while the screen changes are kept by the App and given to the next field.

Textual routes a key to whatever has focus *when the App processes it* (console-input.md §2.1).
Three moments lose or misplace scanner keys:

- a screen was just pushed and nothing on it has focus yet: keys go to the bare screen and vanish
  (`302-0000001-…` arrived as `02-…`);
- a command key (F7 hold, F2 queue) travels through the focused widget before its binding runs, so
  the text typed right after it lands in the old field instead of the dialog it opens
  (Textualize/textual#6605);
- the badge scan signs in through a worker; the codes scanned right after it are meant for the
  packing desk, not for the badge field;
- an order scanned in the queue's search goes to the desk (a `ScanForDesk` message); the items
  scanned right after it were searched for in the queue instead of packed.

A field with `ends_screen` holds the keys after its scan; the screen that answers it (or the App,
for a scan it routes elsewhere) releases them.

`KeyKeeper` sits in `PackdeskApp.on_event`, where keys are routed one by one in arrival order, and
keeps text keys in those moments; it hands them, in order, to the widget that has focus next. The
keeper lives as long as the App, so no screen change can drop what it holds.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from textual import events
from textual.message import Message
from textual.widget import Widget

from console.widgets.scan_field import GROUP_SEPARATOR_KEYS, TERMINATORS, ScanField

EDIT_KEYS = frozenset({"backspace"})


def is_text(event: events.Key) -> bool:
    """A key a scanner (or a person typing a code) sends into a field."""
    return (
        event.is_printable
        or event.key in TERMINATORS
        or event.key in GROUP_SEPARATOR_KEYS
        or event.key in EDIT_KEYS
    )


@dataclass
class CommandKeyDone(Message):
    """Follows a command key through the same widgets; when it reaches the App, the key has run."""

    key: events.Key


class KeyKeeper:
    """Holds text keys while nothing can take them, then gives them to the focused widget."""

    def __init__(self, focused: Callable[[], Widget | None]) -> None:
        self._focused = focused
        self._kept: list[tuple[str, str | None]] = []
        self._command: events.Key | None = None  # a command key whose binding has not run yet
        self._held = False  # a screen change is under way (the badge was scanned)

    @property
    def kept(self) -> str:
        """The text kept so far (for tests and the log, never for display: it may be a PIN)."""
        return "".join(c or "" for _k, c in self._kept)

    @property
    def holding(self) -> bool:
        """True while text keys are kept rather than routed (`keep` would keep the next one)."""
        return self._held or self._command is not None or self._focused() is None

    def keep(self, event: events.Key) -> bool:
        """Called for every key as it is routed. True when the key is kept for later."""
        if not is_text(event):
            return False
        if self.holding:
            self._kept.append((event.key, event.character))
            return True
        self.flush()
        return False

    def routed(self, event: events.Key, target: Widget) -> None:
        """After the App forwarded `event` to `target`: start waiting where a screen may change."""
        if not is_text(event):
            self._command = event
            target.post_message(CommandKeyDone(event))
        elif isinstance(target, ScanField) and target.ends_screen and event.key in TERMINATORS:
            self._held = True  # the badge is being checked; what follows belongs to the desk

    def command_done(self, event: events.Key) -> None:
        """A command key reached the App (its binding ran) or its follower did."""
        if event is self._command:
            self._command = None
            self.flush()

    def release(self) -> None:
        """The screen change is over (signed in, or the badge was refused)."""
        self._held = False
        self.flush()

    def flush(self) -> None:
        """Give what is kept to the focused widget, in order, before any later key."""
        if not self._kept:
            return
        target = self._focused()
        if target is None or self._held or self._command is not None:
            return
        kept, self._kept = self._kept, []
        for key, character in kept:
            target._forward_event(events.Key(key, character))
