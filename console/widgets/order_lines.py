"""The lines of the order on the desk, with how many of each are in the box."""

from __future__ import annotations

from collections.abc import Iterable

from rich.text import Text
from textual.widgets.data_table import ColumnKey, RowKey

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
                    self._show_count(str(line.line_id), done, line.quantity)
                    self._shown[line.line_id] = done
        if session is not None and last_line is not None:
            self.move_cursor(row=self.get_row_index(str(last_line)))

    def _show_count(self, key: str, done: int, total: int) -> None:
        """New cells for one row, repainting only that row.

        `update_cell` repaints the whole table (every line of it, after every scan); this sets the
        same cells and bumps the same render counter, then refreshes the one row (textual is pinned
        in pyproject.toml, so these internals of DataTable 8.2.8 hold).
        """
        cells = self._data[RowKey(key)]
        cells[ColumnKey("packed")] = _count(done, total)
        cells[ColumnKey("bar")] = _bar(done, total)
        self._update_count += 1
        self.refresh_row(self.get_row_index(key))

    def _update_dimensions(self, new_rows: Iterable[RowKey]) -> None:
        # DataTable measures new rows when idle, after their first frame was drawn at the width
        # of the header ("Tea, gr" instead of "Tea, green 100 g"), and does not draw them again.
        super()._update_dimensions(new_rows)
        self._update_count += 1  # the cached lines were drawn at the old widths
        self.refresh()

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
