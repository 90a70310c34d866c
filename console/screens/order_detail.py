"""One order: lines, address (unless purged), documents, shipments and packages, audit trail."""

from __future__ import annotations

from typing import Any

from rich.table import Table
from textual import work
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Footer, Static

from console.i18n import _
from console.screens.base import SecondaryScreen


def render_detail(data: dict[str, Any]) -> tuple[str, Table, str]:
    """Header text, the lines table and the rest (documents, packages, audit) as text."""
    order = data["order"]
    due = order.latest_ship_at.strftime("%d.%m.%Y %H:%M") if order.latest_ship_at else "—"
    head = [
        f"[b]{order.external_id}[/b]  {order.channel.value} · {_(order.status.value)}"
        + (f" · {_('hold')}: {order.hold_reason}" if order.hold_reason else ""),
        _("Ship by {due}").format(due=due) + ("  ★Prime" if order.is_prime else ""),
    ]
    if order.claimed_by:
        head.append(_("Being packed at {desk}").format(desk=order.claimed_by))
    ship_to = data["ship_to"]
    if ship_to is None:
        head.append(_("Address: personal data purged"))
    else:
        head.append(
            _("Ship to") + ": " + ", ".join(v for k, v in ship_to.items() if v and k != "phone")
        )
    table = Table(expand=True, box=None, show_edge=False)
    for column in (_("SKU"), _("Article"), _("Qty"), _("Shipped")):
        table.add_column(column)
    for ln in order.lines:
        table.add_row(ln.sku, ln.title[:40], str(ln.quantity), str(ln.quantity_shipped))
    rest: list[str] = []
    for doc in data["documents"]:
        rest.append(f"{_(doc['kind'])}: {doc['number']} ({doc['issued_at'][:10]})")
    for shipment in data["shipments"]:
        for pkg in shipment["packages"]:
            rest.append(
                _("Package {ref}: {carrier} {tracking}").format(
                    ref=pkg["reference"],
                    carrier=pkg["carrier"] or "—",
                    tracking=pkg["tracking_number"] or "…",
                )
            )
    rest.append("")
    rest.append("[b]" + _("Audit trail") + "[/b]")
    for event in data["audit"]:
        at = event.at.strftime("%d.%m %H:%M:%S") if event.at else ""
        rest.append(f"{at}  {event.actor:<10} {event.action} {event.station}")
    return "\n".join(head), table, "\n".join(rest)


class OrderDetailScreen(SecondaryScreen):
    """Everything about one order, read-only."""

    CSS_PATH = "order_detail.tcss"

    def __init__(self, order_id: int) -> None:
        super().__init__()
        self.order_id = order_id

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="detail"):
            yield Static(_("Loading …"), id="head")
            yield Static("", id="lines")
            yield Static("", id="rest")
        yield Footer()

    def refresh_data(self) -> None:
        self.load()

    @work(group="detail", exclusive=True, exit_on_error=False)
    async def load(self) -> None:
        head, table, rest = render_detail(await self.backend.order_detail(self.order_id))
        self.query_one("#head", Static).update(head)
        self.query_one("#lines", Static).update(table)
        self.query_one("#rest", Static).update(rest)
