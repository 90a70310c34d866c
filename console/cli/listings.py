"""`packdesk listings list` — each listing's stock push and what Amazon answered."""

from __future__ import annotations

import argparse

from console.cli.output import print_json, print_table
from console.runtime import open_runtime
from core.channels.amazon.listing_states import listing_states


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    listings = sub.add_parser("listings", help="Amazon listings: pushed stock, Amazon's answers")
    listings_sub = listings.add_subparsers(dest="listings_command", metavar="ACTION")
    ls = listings_sub.add_parser("list", help="SKU, marketplace, pushed quantity, push state")
    ls.add_argument("--account", help="only this account (by name)")
    ls.add_argument("--rejected", action="store_true", help="only listings Amazon rejected")
    ls.add_argument("--json", action="store_true")
    ls.set_defaults(handler=run_list)


async def run_list(args: argparse.Namespace) -> int:
    async with open_runtime(args):
        found = await listing_states(account=args.account, rejected_only=args.rejected)
    if args.json:
        print_json([s.to_json() for s in found])
        return 0
    print_table(
        ["account", "sku", "marketplace", "pushed", "state", "Amazon says"],
        [
            (
                s.account,
                s.sku,
                s.marketplace_id,
                "" if s.quantity_pushed is None else s.quantity_pushed,
                (s.push_state or "never") + (" (changed)" if s.waiting_push else ""),
                f"[{s.code}] {s.message}" if s.code or s.message else "",
            )
            for s in found
        ],
    )
    return 0
