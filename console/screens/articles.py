"""Articles and stock: search (or scan) an article, adjust its stock, assign a scanned barcode."""

from __future__ import annotations

from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.reactive import var
from textual.widgets import DataTable, Static

from console.i18n import _
from console.scanning import ScanKind, too_long_answer
from console.screens.base import SecondaryScreen
from console.screens.reason_prompt import ReasonPrompt
from console.widgets.desk_footer import DeskFooter
from console.widgets.plain import Plain, PlainTable, shown
from console.widgets.scan_field import ScanField
from core.services.queries.articles import ArticleStock


class ArticlesScreen(SecondaryScreen):
    """F5 adjust stock, F6 then scan: assign that barcode to the highlighted article."""

    CSS_PATH = "articles.tcss"
    AUTO_FOCUS = "#search"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f5", "adjust", _("Adjust"), id="articles.adjust"),
        Binding("f6", "assign", _("Assign code"), id="articles.assign"),
        Binding("up", "cursor(-1)", show=False),
        Binding("down", "cursor(1)", show=False),
    ]

    assigning: var[int | None] = var(None)  # article id the next scan is assigned to

    def __init__(self) -> None:
        super().__init__()
        self.term = ""
        self.rows: list[ArticleStock] = []

    def compose(self) -> ComposeResult:
        yield ScanField(_("Scan or type a SKU, title or barcode"), id="search")
        yield Plain(_("Scan an article to find it."), id="state")
        yield PlainTable(id="articles", cursor_type="row", zebra_stripes=True)
        yield DeskFooter()

    def on_mount(self) -> None:
        table = self.query_one("#articles", DataTable)
        for label, width in (
            (_("SKU"), 14),
            (_("Article"), 28),
            (_("On hand"), 7),
            (_("Reserved"), 8),
            (_("Codes"), 16),
        ):
            table.add_column(label, width=width)

    def refresh_data(self) -> None:
        self.load()

    @work(group="articles", exclusive=True, exit_on_error=False)
    async def load(self) -> None:
        self.rows = await self.backend.articles(self.term)
        table = self.query_one("#articles", DataTable)
        cursor = table.cursor_row
        table.clear()
        for a in self.rows:
            table.add_row(
                a.sku[:14],
                a.title[:28],
                str(a.on_hand),
                str(a.reserved),
                ", ".join(a.codes)[:16],
                key=str(a.id),
            )
        if self.rows:
            table.move_cursor(row=min(cursor, len(self.rows) - 1))

    def _selected(self) -> ArticleStock | None:
        table = self.query_one("#articles", DataTable)
        return (
            self.rows[table.cursor_row] if self.rows and table.cursor_row < len(self.rows) else None
        )

    def action_cursor(self, step: int) -> None:
        table = self.query_one("#articles", DataTable)
        table.move_cursor(row=max(0, table.cursor_row + step))

    @on(ScanField.Scanned, "#search")
    def scanned(self, message: ScanField.Scanned) -> None:
        message.stop()
        if message.scan.kind is ScanKind.TOO_LONG:
            self.query_one("#state", Static).update(too_long_answer(message.scan))
            return
        if self.assigning is not None:
            article, self.assigning = self.assigning, None
            self.assign(article, message.scan.code)
            return
        self.term = message.scan.code
        self.query_one("#state", Static).update(
            _("Articles matching {term}").format(term=shown(self.term, 40))
        )
        self.load()

    def watch_assigning(self, article: int | None) -> None:
        self.set_class(article is not None, "-assigning")

    def action_assign(self) -> None:
        article = self._selected()
        if article is None:
            return
        self.assigning = article.id
        self.query_one("#state", Static).update(
            _("Scan the barcode to give {sku} …").format(sku=shown(article.sku, 40))
        )

    @work(group="write", exit_on_error=False)
    async def assign(self, article_id: int, code: str) -> None:
        stored = await self.backend.assign_barcode(article_id, code, self.station.packer_name)
        self.query_one("#state", Static).update(
            _("{code} now names this article.").format(code=shown(stored, 40))
        )
        self.load()

    def action_adjust(self) -> None:
        article = self._selected()
        if article is None:
            return

        def got_delta(text: str | None) -> None:
            if not text:
                return
            try:
                delta = int(text.replace(" ", ""))
            except ValueError:
                self.notify(_("Type a whole number like +5 or -2."), severity="error")
                return

            def got_reason(reason: str | None) -> None:
                if reason:
                    self.adjust(article, delta, reason)

            self.app.push_screen(
                ReasonPrompt(_("Why does the stock change?"), _("count, damage, found …")),
                got_reason,
            )

        self.app.push_screen(
            ReasonPrompt(
                _("Change the stock of {sku} by (+/-):").format(sku=shown(article.sku, 40)), "+1"
            ),
            got_delta,
        )

    @work(group="write", exit_on_error=False)
    async def adjust(self, article: ArticleStock, delta: int, reason: str) -> None:
        total = await self.backend.adjust_stock(article.id, delta, reason, self.station.packer_name)
        self.notify(_("{sku}: {total} on hand.").format(sku=shown(article.sku, 40), total=total))
        self.load()
