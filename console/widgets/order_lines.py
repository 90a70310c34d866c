"""The lines of the order on the desk, with how many of each are in the box."""

from __future__ import annotations

from rich.text import Text

from console.i18n import _
from console.widgets.plain import PlainTable
from core.domain.packing import PackingSession


def _bar(done: int, total: int, width: int = 8) -> Text:
    filled = round(width * done / total) if total else 0
    style = "green" if done == total else "yellow"
    return Text("█" * filled, style=style) + Text("░" * (width - filled), style="dim")


def _count(done: int, total: int) -> Text:
    return Text(f"{done}/{total}", style="bold green" if done == total else "")


class OrderLines(PlainTable):
    """One row per line still to pack; the row of the last scan is highlighted."""

    DEFAULT_CSS = "OrderLines { height: 1fr; }"

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._session: PackingSession | None = None
        self._shown: dict[int, int] = {}  # line id -> pieces shown as packed

    def on_mount(self) -> None:
        self.cursor_type = "row"
        self.zebra_stripes = True
        self.add_column(_("Packed"), key="packed", width=7)
        self.add_column("", key="bar", width=8)
        self.add_column(_("SKU"), key="sku", width=14)
        self.add_column(_("Article"), key="title")

    def show(self, session: PackingSession | None, last_line: int | None = None) -> None:
        if session is None or session is not self._session:
            self._rebuild(session)
        else:
            # A scan changes one line: redraw its two cells, not the table (clearing and adding
            # every row again made the desk lay the screen out anew on every scan).
            for line in session.lines.values():
                done = session.packed(line.line_id)
                if self._shown.get(line.line_id) != done:
                    key = str(line.line_id)
                    self.update_cell(key, "packed", _count(done, line.quantity))
                    self.update_cell(key, "bar", _bar(done, line.quantity))
                    self._shown[line.line_id] = done
        if session is not None and last_line is not None:
            self.move_cursor(row=self.get_row_index(str(last_line)))

    def _rebuild(self, session: PackingSession | None) -> None:
        self.clear()
        self._session, self._shown = session, {}
        if session is None:
            return
        for line in session.lines.values():
            done = session.packed(line.line_id)
            self.add_row(
                _count(done, line.quantity),
                _bar(done, line.quantity),
                line.sku[:14],
                line.title,
                key=str(line.line_id),
            )
            self._shown[line.line_id] = done
