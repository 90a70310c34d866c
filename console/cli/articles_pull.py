"""`packdesk articles pull SKU` — one article from its Amazon listing, without a full pull."""

from __future__ import annotations

import argparse
import os

from console.cli.output import print_json
from console.runtime import open_runtime
from console.wiring import amazon_options
from core.channels.amazon import amazon_connectors
from core.channels.amazon.articles import pull_one
from core.channels.amazon.client import NotFoundError
from core.errors import UserInputError


def add_pull(articles_sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """`articles pull`, registered by console.cli.articles."""
    pull = articles_sub.add_parser("pull", help="pull one SKU's listing into an article")
    pull.add_argument("sku")
    pull.add_argument("--account", help="only this account (by name)")
    pull.add_argument("--marketplace", help="only this marketplace id")
    pull.add_argument("--json", action="store_true")
    pull.add_argument(
        "--time-scale",
        type=float,
        default=float(os.environ.get("PACKDESK_AMAZON_TIME_SCALE", "1")),
        help=argparse.SUPPRESS,  # for the emulator's time-scaled usage plans
    )
    pull.set_defaults(handler=run_pull)


async def run_pull(args: argparse.Namespace) -> int:
    found = []
    async with open_runtime(args) as rt:
        connectors = await amazon_connectors(
            rt.box,
            names=[args.account] if args.account else (),
            options=amazon_options(rt.settings),
            time_scale=args.time_scale,
        )
        if not connectors:
            raise UserInputError(f"No Amazon account {args.account or ''}".strip() + ".")
        try:
            for connector in sorted(connectors.values(), key=lambda c: c.account.name):
                for marketplace in connector.account.marketplace_ids:
                    if args.marketplace and marketplace != args.marketplace:
                        continue
                    try:
                        pulled = await pull_one(connector, args.sku, marketplace)
                    except NotFoundError:
                        continue  # not listed there
                    found.append({"account": connector.account.name, "marketplace_id": marketplace,
                                  "sku": pulled.sku, "title": pulled.title, "asin": pulled.asin,
                                  "channel": pulled.channel, "product_type": pulled.product_type})  # fmt: skip
        finally:
            for connector in connectors.values():
                await connector.close()
    if not found:
        raise UserInputError(f"SKU {args.sku} is not listed on Amazon for these accounts.")
    if args.json:
        print_json(found)
    else:
        for f in found:
            print(f"{f['sku']} ({f['title']}) from {f['account']} {f['marketplace_id']}: "
                  f"{f['channel']}, ASIN {f['asin'] or '-'}")  # fmt: skip
    return 0
