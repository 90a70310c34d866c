"""One order: lines, address (unless purged), documents, shipments and packages, audit trail."""

from __future__ import annotations

from typing import Any

from rich.table import Table
from textual import work
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static

from console.i18n import _
from console.screens.base import SecondaryScreen
from console.widgets.desk_footer import DeskFooter
from console.widgets.plain import Plain, plain, shown


def render_detail(data: dict[str, Any]) -> tuple[str, Table, str]:
    """Header text, the lines table and the rest (documents, packages, audit) as text."""
    order = data["order"]
    due = order.latest_ship_at.strftime("%d.%m.%Y %H:%M") if order.latest_ship_at else "—"
    head = [
        f"{shown(order.external_id)}  {order.channel.value} · {_(order.status.value)}"
        + (f" · {_('hold')}: {shown(order.hold_reason, 200)}" if order.hold_reason else ""),
        _("Ship by {due}").format(due=due) + ("  ★Prime" if order.is_prime else ""),
    ]
    if order.claimed_by:
        head.append(_("Being packed at {desk}").format(desk=shown(order.claimed_by)))
    ship_to = data["ship_to"]
    if ship_to is None:
        head.append(_("Address: personal data purged"))
    else:
        head.append(
            _("Ship to")
            + ": "
            + ", ".join(shown(v) for k, v in ship_to.items() if v and k != "phone")
        )
    table = Table(expand=True, box=None, show_edge=False)
    for column in (_("SKU"), _("Article"), _("Qty"), _("Shipped")):
        table.add_column(column)
    for ln in order.lines:
        table.add_row(
            plain(ln.sku), plain(ln.title, 40), str(ln.quantity), str(ln.quantity_shipped)
        )
    rest: list[str] = []
    for doc in data["documents"]:
        rest.append(f"{_(doc['kind'])}: {shown(doc['number'])} ({doc['issued_at'][:10]})")
    for shipment in data["shipments"]:
        for pkg in shipment["packages"]:
            rest.append(
                _("Package {ref}: {carrier} {tracking}").format(
                    ref=shown(pkg["reference"]),
                    carrier=shown(pkg["carrier"] or "—"),
                    tracking=shown(pkg["tracking_number"] or "…"),
                )
            )
    rest.append("")
    rest.append(_("Audit trail"))
    for event in data["audit"]:
        at = event.at.strftime("%d.%m %H:%M:%S") if event.at else ""
        line = (
            f"{at}  {shown(event.actor, 20):<10} {shown(event.action)} {shown(event.station, 30)}"
        )
        reason = event.detail.get("reason") if isinstance(event.detail, dict) else None
        if reason:  # why it was held stays readable here after the release
            line += f" · {shown(reason, 80)}"
        rest.append(line)
    return "\n".join(head), table, "\n".join(rest)


class OrderDetailScreen(SecondaryScreen):
    """Everything about one order, read-only."""

    CSS_PATH = "order_detail.tcss"

    def __init__(self, order_id: int) -> None:
        super().__init__()
        self.order_id = order_id

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="detail"):
            yield Plain(_("Loading …"), id="head")
            yield Plain("", id="lines")
            yield Plain("", id="rest")
        yield DeskFooter()

    def refresh_data(self) -> None:
        self.load()

    @work(group="detail", exclusive=True, exit_on_error=False)
    async def load(self) -> None:
        head, table, rest = render_detail(await self.backend.order_detail(self.order_id))
        self.query_one("#head", Static).update(head)
        self.query_one("#lines", Static).update(table)
        self.query_one("#rest", Static).update(rest)
