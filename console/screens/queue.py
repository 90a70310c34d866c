"""The queue: open MFN orders, most urgent first, a page at a time, filtered and searched live."""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.widgets import DataTable, Select, Static

from console.i18n import _
from console.messages import PackOrder, ScanForDesk, ShowOrder
from console.scanning import ScanKind, too_long_answer
from console.screens.base import SecondaryScreen
from console.widgets.desk_footer import DeskFooter
from console.widgets.plain import Plain, PlainTable, plain, shown
from console.widgets.scan_field import ScanField
from core.services.queries import OrderSummary
from core.services.queries.queue import QueueFilter, Urgency, market_label, urgency
from core.services.queue_keys import QueueKey

PAGE = 50


# How an urgent row stands out: every cell, so it shows on any column the eye lands on.
URGENT_STYLE = {Urgency.OVERDUE: "bold red", Urgency.DUE_TODAY: "yellow", Urgency.LATER: ""}
STATUSES = ("open", "partially_shipped", "packing")


def _row(o: OrderSummary, now: datetime) -> tuple[Text, ...]:
    due = (
        o.latest_ship_at.astimezone(now.tzinfo).strftime("%d.%m %H:%M") if o.latest_ship_at else ""
    )
    status = _(o.status) if not o.claimed_by else f"@{o.claimed_by}"
    style = URGENT_STYLE[urgency(o.latest_ship_at, now)]
    cells = (
        due,
        "★" if o.is_prime else "",
        o.external_id,
        o.account[:10],
        market_label(o.marketplace_id),
        str(o.items),
        status[:12],
    )
    return tuple(plain(cell, style=style) for cell in cells)


class QueueScreen(SecondaryScreen):
    """Pick the next order by hand, see what other desks are doing."""

    CSS_PATH = "queue.tcss"
    AUTO_FOCUS = "#search"  # a scan must never land on the table, where Enter packs a row
    BINDINGS: ClassVar[list[BindingType]] = [
        # In the order a packer needs them, so the footer keeps them at 80 columns (F1 lists all).
        # Esc clears the search, then goes back (action_back); everyone knows it, F1 lists it.
        Binding("escape", "back", _("Back"), id="screen.back", show=False),
        Binding("f5", "pack", _("Pack"), id="queue.pack"),
        # Filters change by key while the scan field keeps the focus (a scan still lands there).
        Binding("f3", "cycle('account')", _("Account"), id="queue.account"),
        Binding("f4", "cycle('market')", _("Market"), id="queue.market"),
        Binding("f6", "cycle('status')", _("Status"), id="queue.status"),
        Binding("f10", "prime_only", _("Prime"), id="queue.prime"),
        Binding("f7", "page(-1)", _("Prev"), id="queue.prev"),
        Binding("f8", "page(1)", _("Next"), id="queue.next"),
        Binding("ctrl+o", "detail", _("Detail"), id="queue.detail", show=False),
        # priority: the scan field's own ctrl+u would only empty the field, not the search
        Binding("ctrl+u", "clear_search", _("Clear"), id="queue.clear", priority=True, show=False),
        Binding("up", "cursor(-1)", show=False),
        Binding("down", "cursor(1)", show=False),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.filters = QueueFilter()
        self.page_offset = 0
        # Where each page up to this one starts (keyset: deep pages cost what the first does).
        self.page_starts: list[QueueKey | None] = [None]
        self.rows: list[OrderSummary] = []
        self.answer = ""  # the answer to a scan that searched nothing; stays until the next one
        self.choices: dict[str, list[str]] = {"account": [], "market": [], "status": [*STATUSES]}

    def compose(self) -> ComposeResult:
        # ends_screen: an order scanned here goes to the desk, and the keys after it with it.
        yield ScanField(
            _("Scan or type an order, article, title words, buyer or desk"),
            id="search",
            ends_screen=True,
        )
        with Horizontal(id="filters"):
            yield Select[str](
                [], prompt=_("Account"), id="account", compact=True, type_to_search=False
            )
            yield Select[str](
                [], prompt=_("Market"), id="market", compact=True, type_to_search=False
            )
            yield Select[str](
                [(_(status), status) for status in STATUSES],
                prompt=_("Status"),
                id="status",
                compact=True,
                type_to_search=False,
            )
        yield PlainTable(id="orders", cursor_type="row", zebra_stripes=True)
        yield Plain("", id="page-info")
        yield DeskFooter()

    def on_mount(self) -> None:
        table = self.query_one("#orders", DataTable)
        for label, width in (
            (_("Ship by"), 11),
            ("P", 1),
            (_("Order"), 19),
            (_("Account"), 10),
            (_("Mkt"), 4),  # a country code (DE, FR …)
            (_("Qty"), 3),
            (_("Status"), 12),
        ):
            table.add_column(label, width=width)
        self.load_choices()

    @work(group="choices", exit_on_error=False)
    async def load_choices(self) -> None:
        choices = await self.backend.filter_choices()
        self.choices["account"] = choices["accounts"]
        self.choices["market"] = choices["marketplaces"]
        self.query_one("#account", Select).set_options([(plain(a), a) for a in choices["accounts"]])
        self.query_one("#market", Select).set_options(
            [(plain(market_label(m)), m) for m in choices["marketplaces"]]
        )

    def refresh_data(self) -> None:
        self.load_page()

    @work(group="queue", exclusive=True, exit_on_error=False)
    async def load_page(self) -> None:
        rows = await self.backend.queue(self.filters, limit=PAGE, after=self.page_starts[-1])
        self.rows = rows
        table = self.query_one("#orders", DataTable)
        cursor = table.cursor_row
        table.clear()
        now = self.station.wall_clock()
        for o in rows:
            table.add_row(*_row(o, now), key=str(o.id))
        if rows:
            table.move_cursor(row=min(cursor, len(rows) - 1))
        self._page_info()
        if self.filters.empty:
            self.load_count()  # a full count costs more than the page: it follows the rows

    @work(group="count", exclusive=True, exit_on_error=False)
    async def load_count(self) -> None:
        self._page_info(await self.backend.open_count())

    def _page_info(self, total: int | None = None) -> None:
        page = self.page_offset // PAGE + 1
        last = self.page_offset + len(self.rows)
        info = _("Page {page} · {first}–{last}").format(
            page=page, first=self.page_offset + 1 if self.rows else 0, last=last
        )
        if total is not None:
            info += " " + _("of {total} open").format(total=total)
        if self.filters.prime_only:
            info += " · " + _("Prime only")
        if self.filters.search:
            info += " · " + _("search: {term}").format(term=shown(self.filters.search, 40))
            info += " (" + _("Esc: clear") + ")"
        info += "  · F5: " + _("pack")
        self.query_one("#page-info", Static).update(
            f"{self.answer}  · {info}" if self.answer else info
        )

    def action_page(self, step: int) -> None:
        if step > 0 and len(self.rows) < PAGE:
            return
        if step > 0:
            self.page_starts.append(QueueKey.of(self.rows[-1]))
            self.page_offset += PAGE
        elif len(self.page_starts) > 1:
            self.page_starts.pop()
            self.page_offset -= PAGE
        else:
            return
        self.load_page()

    def _selected(self) -> OrderSummary | None:
        table = self.query_one("#orders", DataTable)
        if not self.rows or table.cursor_row >= len(self.rows):
            return None
        return self.rows[table.cursor_row]

    @on(DataTable.RowSelected, "#orders")
    def pack_selected(self, event: DataTable.RowSelected) -> None:
        self.action_pack()

    def action_cursor(self, step: int) -> None:
        table = self.query_one("#orders", DataTable)
        table.move_cursor(row=max(0, table.cursor_row + step))

    def action_pack(self) -> None:
        order = self._selected()
        if order is not None:
            self.post_message(PackOrder(order.id))

    def action_detail(self) -> None:
        order = self._selected()
        if order is not None:
            self.post_message(ShowOrder(order.id))

    @on(ScanField.Scanned, "#search")
    def searched(self, message: ScanField.Scanned) -> None:
        message.stop()
        if message.scan.kind is ScanKind.ORDER:
            self.answer = ""
            self.post_message(ScanForDesk(message.scan))  # the App releases the kept keys then
            return
        self.station.keys.release()  # a search stays here: so do the keys typed after it
        if message.scan.kind is ScanKind.TOO_LONG:
            # kept: a page still loading must not write its count over the answer
            self.answer = too_long_answer(message.scan)
            self.query_one("#page-info", Static).update(self.answer)
            return
        self.answer = ""
        self.filters.search = message.scan.code
        self._reload()
        self.query_one("#page-info", Static).update(
            _("Searching {term} …").format(term=shown(message.scan.code))
        )

    @on(ScanField.Blank, "#search")
    def blank_scan(self, message: ScanField.Blank) -> None:
        message.stop()
        self.station.keys.release()
        self.action_clear_search()

    def action_clear_search(self) -> None:
        """An empty scan, ctrl+u or Esc: the whole queue again."""
        self.query_one("#search", ScanField).value = ""
        self.answer = ""
        if self.filters.search:
            self.filters.search = ""
            self._reload()
        else:
            self._page_info()

    def action_back(self) -> None:
        # Esc first clears a search (the packer is still choosing), then goes back to packing.
        if self.filters.search or self.query_one("#search", ScanField).value:
            self.action_clear_search()
        else:
            super().action_back()

    def action_cycle(self, name: str) -> None:
        """The filter's next choice (after the last: every choice again)."""
        select = self.query_one(f"#{name}", Select)
        values: list[str | None] = [None, *self.choices[name]]
        current = None if select.value is Select.NULL else str(select.value)
        following = values[(values.index(current) + 1) % len(values)] if current in values else None
        if following is None:
            select.clear()
        else:
            select.value = following

    def action_prime_only(self) -> None:
        self.filters.prime_only = not self.filters.prime_only
        self._reload()

    def _reload(self) -> None:
        """From the first page again: the filters or the search changed."""
        self.page_offset = 0
        self.page_starts = [None]
        self.load_page()

    @on(Select.Changed)
    def filter_changed(self, event: Select.Changed) -> None:
        value = "" if event.value is Select.NULL else str(event.value)
        if event.select.id == "account":
            self.filters.account = value
        elif event.select.id == "market":
            self.filters.marketplace = value
        elif event.select.id == "status":
            self.filters.status = value
        self.answer = ""
        self._reload()
