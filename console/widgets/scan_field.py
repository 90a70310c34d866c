"""The one field every scan lands in. Terminators are handled inside its own key handler.

A stock `Input` submits through a binding, which runs after a round trip through the app; with two
scans in one terminal read the second code is typed into the field before the first is submitted
(Textualize/textual#6605, see shared/reference/console-input.md). Here CR, LF and Tab end a scan
right where the key arrives, so bursts split correctly. Nothing is debounced and no scan message
may be replaced: every code the scanner sends becomes one `Scanned` message, in order.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual import events
from textual.message import Message
from textual.widgets import Input

from console.scanning import GS, DecodedScan, decode, split_pasted, too_long
from core.domain.desk import MAX_SCAN_LENGTH

TERMINATORS = frozenset({"enter", "ctrl+j", "ctrl+m", "tab"})
GROUP_SEPARATOR_KEYS = frozenset({"ctrl+right_square_bracket", "ctrl+]"})


class ScanField(Input):
    """A text field for barcode scanners (and people typing codes)."""

    DEFAULT_CSS = """
    ScanField { border: tall $accent; }
    ScanField:focus { border: tall $success; }
    """

    @dataclass
    class Scanned(Message):
        """One complete scan, already decoded."""

        field: ScanField
        scan: DecodedScan

        @property
        def control(self) -> ScanField:
            return self.field

        @property
        def code(self) -> str:
            return self.scan.code

    @dataclass
    class Blank(Message):
        """Enter on an empty field: a screen may take it as "clear" (the queue's search)."""

        field: ScanField

        @property
        def control(self) -> ScanField:
            return self.field

    @dataclass
    class Overflow(Message):
        """Keys beyond the longest barcode, counted by the App as they arrive (`arriving`)."""

        count: int = 0

    def __init__(
        self, placeholder: str = "", *, id: str | None = None, ends_screen: bool = False
    ) -> None:
        super().__init__(placeholder=placeholder, id=id, select_on_focus=False)
        # A scan here may change the screen (the badge; an order in the queue's search): the App
        # keeps the keys after it until the screen answers (console/keys.py).
        self.ends_screen = ends_screen
        self._overflow = 0  # characters dropped beyond MAX_SCAN_LENGTH in the current scan
        self._run = 0  # printable keys in a row that arrived at the App for this field
        self._counting: ScanField.Overflow | None = None  # the App's count for the current run
        self._counted: list[ScanField.Overflow] = []  # counts queued before this scan's end
        self._typing: list[str] = []  # keys taken but not yet inserted (`type_out`)

    def on_mount(self) -> None:
        # Tests and snapshots switch blinking off app-wide (`App.cursor_blink = False`).
        self.cursor_blink = getattr(self.app, "cursor_blink", True)

    def on_key(self, event: events.Key) -> None:
        """Type a scan's keys in one go; end it on its terminator here, before any later key."""
        if event.is_printable and event.character is not None:
            event.stop()
            event.prevent_default()
            if len(self.value) + len(self._typing) >= MAX_SCAN_LENGTH:
                # No barcode is this long: count the rest instead of growing the field (20,000
                # keys inserted one by one froze the desk for a minute).
                self._overflow += 1
            else:
                self._typing.append(event.character)
            if not self._typing_goes_on():
                self.type_out()
            return
        self.type_out()  # edits, cursor keys and terminators see every character before them
        if event.key in TERMINATORS:
            event.stop()
            event.prevent_default()
            self.submit_scan()
        elif event.key in GROUP_SEPARATOR_KEYS or event.character == GS:
            event.stop()
            event.prevent_default()
            self.insert_text_at_cursor(GS)

    def _typing_goes_on(self) -> bool:
        """The next key already waiting for this field is text too (a scanner's keys come so)."""
        waiting = self._peek_message()
        return isinstance(waiting, events.Key) and waiting.is_printable

    def type_out(self) -> None:
        """Insert the keys typed so far as one edit, as Input would have inserted each."""
        if not self._typing:
            return
        text, self._typing = "".join(self._typing), []
        # One insertion instead of one per key: Input moves the cursor, scrolls and re-renders
        # for every character, the bulk of a scan's time at the desk.
        self._restart_blink()
        selection = self.selection
        if selection.is_empty:
            self.insert_text_at_cursor(text)
        else:
            self.replace(text, *selection)

    def arriving(self, event: events.Key) -> bool:
        """Called by the App for each key as it arrives; True when the key was counted instead.

        A 20,000-key burst reaches the App long before the field has typed its first keys. Past
        MAX_SCAN_LENGTH printable keys in a row, the App counts the rest into one `Overflow`
        message queued in order among them, so they cost a counter, not a trip through Input and
        the bindings. Any other key ends the run (edits, cursor keys, a terminator), and the
        field's own count in `on_key` still covers what a run cannot see (a paste, kept keys).
        """
        if not event.is_printable:
            self._run, self._counting = 0, None
            return False
        if self.room_in_run():
            self._run += 1
            return False
        self.count_beyond(1)
        return True

    def room_in_run(self) -> int:
        """How many more printable keys in a row `arriving` would let through to the field."""
        return max(0, MAX_SCAN_LENGTH - self._run)

    def take_run(self, n: int) -> int:
        """`n` printable keys in a row arrive at once: how many to type; the rest are counted."""
        typed = min(n, self.room_in_run())
        self._run += typed
        self.count_beyond(n - typed)
        return typed

    def count_beyond(self, n: int) -> None:
        """`n` printable keys past the limit at once, as `arriving` would have counted each."""
        if n <= 0:
            return
        self._run += n
        if self._counting is None:
            self._counting = self.Overflow()
            self.post_message(self._counting)
        self._counting.count += n

    def on_scan_field_overflow(self, message: ScanField.Overflow) -> None:
        message.stop()
        self._counted.append(message)  # read at the scan's end: the App may still be counting

    def on_paste(self, event: events.Paste) -> None:
        """A pasted list of codes becomes one scan per line."""
        event.stop()
        event.prevent_default()
        self.type_out()
        lines = split_pasted(event.text)
        if not lines:
            return
        if len(lines) == 1 and not event.text.rstrip(" ").endswith(("\n", "\r")):
            text, room = lines[0], max(0, MAX_SCAN_LENGTH - len(self.value))
            if len(text) > room:
                self._overflow += len(text) - room
                text = text[:room]
            self.insert_text_at_cursor(text)  # one code without a line end: just text
            return
        first, rest = self.value + lines[0], lines[1:]
        self.value = ""
        for code in [first, *rest]:
            self._post(code)

    def submit_scan(self) -> None:
        """Take what is in the field as one scan (also used by a Submit button or a test)."""
        self.type_out()
        raw, self.value = self.value, ""
        overflow = self._overflow + sum(counted.count for counted in self._counted)
        self._overflow, self._counted = 0, []
        if overflow:
            self.post_message(self.Scanned(self, too_long(raw, len(raw) + overflow)))
            return
        if not raw.strip():
            self.post_message(self.Blank(self))
            return
        self._post(raw)

    def _post(self, raw: str) -> None:
        if raw.strip():
            self.post_message(self.Scanned(self, decode(raw)))
