"""Rejected listings: what Amazon refused, per SKU, with its message (read model in core)."""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.widgets import DataTable, Static

from console.i18n import _
from console.screens.base import SecondaryScreen
from console.widgets.desk_footer import DeskFooter
from console.widgets.plain import Plain, PlainTable


class RejectionsScreen(SecondaryScreen):
    """One row per SKU Amazon refused; the highlighted row's message in full below."""

    CSS_PATH = "rejections.tcss"
    AUTO_FOCUS = "#rejections"

    def compose(self) -> ComposeResult:
        yield Plain("", id="summary")
        yield PlainTable(id="rejections", cursor_type="row", zebra_stripes=True)
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
        super().on_mount()

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

    @on(DataTable.RowHighlighted, "#rejections")
    def show_message(self, event: DataTable.RowHighlighted) -> None:
        message = getattr(self, "_messages", {}).get(str(event.row_key.value), "")
        self.query_one("#message", Static).update(message[:500])
