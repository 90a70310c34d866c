"""Orders on hold, with their reasons; a supervisor sends them back to the queue."""

from __future__ import annotations

from typing import ClassVar

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import DataTable, Static

from console.i18n import _
from console.messages import ShowOrder
from console.screens.base import SecondaryScreen
from console.widgets.desk_footer import DeskFooter
from console.widgets.plain import Plain, PlainTable
from core.services.desk.views import PackerInfo
from core.services.queries import OrderSummary


class HoldsScreen(SecondaryScreen):
    """Held orders; F5 releases the highlighted one (supervisor)."""

    CSS_PATH = "holds.tcss"
    AUTO_FOCUS = "#holds"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f5", "release", _("Release"), id="holds.release"),
        Binding("ctrl+o", "detail", _("Detail"), id="holds.detail"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[OrderSummary] = []

    def compose(self) -> ComposeResult:
        yield Plain(_("Orders on hold"), classes="title")
        yield PlainTable(id="holds", cursor_type="row", zebra_stripes=True)
        yield DeskFooter()

    def on_mount(self) -> None:
        table = self.query_one("#holds", DataTable)
        table.add_column(_("Order"), width=19)
        table.add_column(_("Account"), width=10)
        table.add_column(_("Reason"))

    def refresh_data(self) -> None:
        self.load()

    @work(group="holds", exclusive=True, exit_on_error=False)
    async def load(self) -> None:
        rows = await self.backend.holds()
        reasons = await self.backend.hold_reasons([r.id for r in rows])
        self.rows = rows
        table = self.query_one("#holds", DataTable)
        table.clear()
        for r in rows:
            table.add_row(r.external_id, r.account[:10], reasons.get(r.id, ""), key=str(r.id))
        if not rows:
            self.query_one(".title", Static).update(_("Orders on hold: none"))

    def _selected(self) -> OrderSummary | None:
        table = self.query_one("#holds", DataTable)
        return (
            self.rows[table.cursor_row] if self.rows and table.cursor_row < len(self.rows) else None
        )

    def action_release(self) -> None:
        order = self._selected()
        if order is not None:
            self.with_supervisor(lambda sup: self.release(order, sup))

    @work(group="release", exit_on_error=False)
    async def release(self, order: OrderSummary, supervisor: PackerInfo) -> None:
        await self.backend.release_hold(order.id, supervisor.name)
        self.notify(_("{order} is back in the queue.").format(order=order.external_id))
        self.load()

    def action_detail(self) -> None:
        order = self._selected()
        if order is not None:
            self.post_message(ShowOrder(order.id))
