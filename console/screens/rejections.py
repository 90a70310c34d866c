"""What Amazon refused: listings per SKU and uploaded invoices, in its words (read model in core)."""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.events import DescendantFocus
from textual.widgets import DataTable, Static

from console.i18n import _
from console.screens.base import SecondaryScreen
from console.widgets.desk_footer import DeskFooter
from console.widgets.plain import Plain, PlainTable


class RejectionsScreen(SecondaryScreen):
    """One row per SKU Amazon refused, then one per invoice it did not accept; the highlighted
    row's message in full below."""

    CSS_PATH = "rejections.tcss"
    AUTO_FOCUS = "#rejections"

    def compose(self) -> ComposeResult:
        yield Plain("", id="summary")
        yield PlainTable(id="rejections", cursor_type="row", zebra_stripes=True)
        yield Plain("", id="invoice-summary")
        yield PlainTable(id="invoices", cursor_type="row", zebra_stripes=True)
        yield Plain("", id="message")
        yield DeskFooter()

    def on_mount(self) -> None:
        table = self.query_one("#rejections", DataTable)
        for label, width in (
            (_("Account"), 12),
            (_("SKU"), 16),
            (_("Markets"), 9),
            (_("Code"), 10),
            (_("Amazon says"), 26),
        ):
            table.add_column(label, width=width)
        invoices = self.query_one("#invoices", DataTable)
        for label, width in (
            (_("Account"), 10),
            (_("Invoice"), 14),
            (_("Order"), 19),
            (_("Amazon's status"), 20),
            (_("Amazon says"), 8),
        ):
            invoices.add_column(label, width=width)

    def refresh_data(self) -> None:
        self.load()

    @work(group="rejections", exclusive=True, exit_on_error=False)
    async def load(self) -> None:
        found = await self.backend.rejections()
        self._messages = {f"{r.account}\t{r.sku}\t{r.code}": r.message for r in found}
        table = self.query_one("#rejections", DataTable)
        table.clear()
        for r in found:
            table.add_row(
                r.account[:12],
                r.sku[:16],
                " ".join(r.marketplaces),
                r.code[:10],
                r.message[:26],
                key=f"{r.account}\t{r.sku}\t{r.code}",
            )
        waiting = sum(1 for r in found if r.waiting_push)
        self.query_one("#summary", Static).update(
            _("{n} SKU(s) refused by Amazon; {w} go out again with the next stock push.").format(
                n=len(found), w=waiting
            )
            if found
            else _("Amazon refused no listing.")
        )

        await self._load_invoices()

    async def _load_invoices(self) -> None:
        found = await self.backend.invoice_rejections()
        self._messages.update({f"invoice\t{r.number}": r.description for r in found})
        table = self.query_one("#invoices", DataTable)
        table.clear()
        for r in found:
            table.add_row(
                r.account[:10],
                r.number[:14],
                r.order[:19],
                r.status,  # Amazon's word as it came (its values are undocumented), never mapped
                r.description[:26],
                key=f"invoice\t{r.number}",
            )
        self.query_one("#invoice-summary", Static).update(
            _("{n} invoice(s) Amazon did not accept.").format(n=len(found))
            if found
            else _("Amazon accepted every invoice it has reported on.")
        )

    @on(DataTable.RowHighlighted, "#rejections, #invoices")
    def show_message(self, event: DataTable.RowHighlighted) -> None:
        if event.data_table.has_focus:  # the other table filling up must not take the line
            self._show(str(event.row_key.value))

    def on_descendant_focus(self, event: DescendantFocus) -> None:
        """The table that takes the focus shows its highlighted row's message."""
        table = event.widget
        if isinstance(table, DataTable) and table.row_count:
            self._show(str(table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value))

    def _show(self, key: str) -> None:
        message = getattr(self, "_messages", {}).get(key, "")
        self.query_one("#message", Static).update(message[:500])
