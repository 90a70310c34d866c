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


class OrderLines(PlainTable):
    """One row per line still to pack; the row of the last scan is highlighted."""

    DEFAULT_CSS = "OrderLines { height: 1fr; }"

    def on_mount(self) -> None:
        self.cursor_type = "row"
        self.zebra_stripes = True
        self.add_column(_("Packed"), key="packed", width=7)
        self.add_column("", key="bar", width=8)
        self.add_column(_("SKU"), key="sku", width=14)
        self.add_column(_("Article"), key="title")

    def show(self, session: PackingSession | None, last_line: int | None = None) -> None:
        self.clear()
        if session is None:
            return
        for line in session.lines.values():
            done = session.packed(line.line_id)
            self.add_row(
                Text(
                    f"{done}/{line.quantity}", style="bold green" if done == line.quantity else ""
                ),
                _bar(done, line.quantity),
                line.sku[:14],
                line.title,
                key=str(line.line_id),
            )
        if last_line is not None:
            self.move_cursor(row=self.get_row_index(str(last_line)))
