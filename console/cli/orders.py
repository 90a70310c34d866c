"""`packdesk orders list|show` — the JSON shapes are documented in docs/cli-json.md."""

from __future__ import annotations

import argparse
from dataclasses import asdict

from console.cli.output import print_json, print_table, write_json_stream
from console.runtime import open_runtime
from core.domain.orders import Channel, OrderStatus
from core.errors import UserInputError
from core.persistence.repositories import find_order
from core.services.audit import trail
from core.services.order_stream import stream_orders
from core.services.queries import list_orders, order_extras


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    orders = sub.add_parser("orders", help="list and inspect orders")
    orders_sub = orders.add_subparsers(dest="orders_command", metavar="ACTION")
    ls = orders_sub.add_parser("list", help="orders, newest first")
    ls.add_argument("--status", help="|".join(s.value for s in OrderStatus))
    ls.add_argument("--channel", help="MFN or AFN")
    ls.add_argument("--account", help="account name")
    ls.add_argument("--limit", type=int, default=100, help="at most this many (0: all)")
    ls.add_argument("--json", action="store_true")
    ls.set_defaults(handler=run_list)
    show = orders_sub.add_parser("show", help="one order with lines, documents and packages")
    show.add_argument("id", help="Packdesk id or the channel's order id")
    show.add_argument("--json", action="store_true")
    show.set_defaults(handler=run_show)


async def run_list(args: argparse.Namespace) -> int:
    if args.status and args.status not in {s.value for s in OrderStatus}:
        raise UserInputError(
            f"--status {args.status!r} is not a status; use one of "
            + ", ".join(s.value for s in OrderStatus)
        )
    if args.channel and args.channel.upper() not in {c.value for c in Channel}:
        raise UserInputError(f"--channel {args.channel!r} must be MFN or AFN")
    if args.limit < 0:
        raise UserInputError("--limit must be 0 (all) or more")
    if args.json:
        async with open_runtime(args):
            await write_json_stream(
                stream_orders(
                    status=args.status,
                    channel=args.channel,
                    account=args.account,
                    limit=args.limit or None,
                )
            )
        return 0
    async with open_runtime(args):
        orders = await list_orders(
            status=args.status,
            channel=args.channel,
            account=args.account,
            limit=args.limit or 10**9,
        )
    print_table(
        ["id", "order", "account", "market", "ch", "status", "items", "total", "ship by"],
        [
            (
                o.id,
                o.external_id,
                o.account,
                o.marketplace_id,
                o.channel,
                o.status,
                o.items,
                f"{o.total} {o.currency}",
                o.latest_ship_at.strftime("%Y-%m-%d %H:%M") if o.latest_ship_at else "",
            )
            for o in orders
        ],
    )
    return 0


async def run_show(args: argparse.Namespace) -> int:
    async with open_runtime(args) as rt:
        order = await find_order(args.id, rt.box)
        assert order.id is not None
        extras = await order_extras(order.id)
        events = await trail(f"order:{order.id}")
    data = {
        "id": order.id,
        "external_id": order.external_id,
        "account_id": order.account_id,
        "marketplace_id": order.marketplace_id,
        "channel": order.channel.value,
        "process": order.process.value,
        "status": order.status.value,
        "channel_status": order.channel_status,
        "purchased_at": order.purchased_at.isoformat(),
        "latest_ship_at": order.latest_ship_at.isoformat() if order.latest_ship_at else None,
        "is_prime": order.is_prime,
        "is_business": order.is_business,
        "currency": order.currency,
        "total": str(order.total),
        "hold_reason": order.hold_reason,
        "claimed_by": order.claimed_by,
        "personal_data_purged": order.personal_data_purged,
        "buyer": None if order.personal_data_purged else asdict(order.buyer),
        "ship_to": None if order.personal_data_purged else asdict(order.ship_to),
        "lines": [
            {
                "id": ln.id,
                "external_id": ln.external_id,
                "sku": ln.sku,
                "title": ln.title,
                "quantity": ln.quantity,
                "quantity_shipped": ln.quantity_shipped,
                "unit_price": str(ln.unit_price),
                "tax_rate": str(ln.tax_rate),
            }
            for ln in order.lines
        ],
        **extras,
        "audit": [
            {
                "at": e.at.isoformat() if e.at else None,
                "actor": e.actor,
                "action": e.action,
                "station": e.station,
            }
            for e in events
        ],
    }
    if args.json:
        print_json(data)
        return 0
    print(f"Order {order.external_id}  ({order.channel.value}, {order.status.value})")
    if not order.personal_data_purged:
        print("Ship to: " + ", ".join(order.ship_to.lines()))
    else:
        print("Ship to: (personal data purged)")
    print_table(
        ["line", "sku", "title", "qty", "shipped", "price"],
        [
            (ln.id, ln.sku, ln.title[:40], ln.quantity, ln.quantity_shipped, ln.unit_price)
            for ln in order.lines
        ],
    )
    for doc in data["documents"]:
        print(f"{doc['kind']}: {doc['number']} ({doc['issued_at'][:10]})")
    return 0
