"""`packdesk articles set SKU [--weight G] [--hs-code C] [--origin CC]` — what carriers need."""

from __future__ import annotations

import argparse

from console.cli.articles_pull import add_pull
from console.runtime import open_runtime
from core.carriers.article_facts import set_shipping_facts


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    articles = sub.add_parser("articles", help="article weights and customs data for labels")
    act = articles.add_subparsers(dest="articles_command", metavar="ACTION")
    st = act.add_parser("set", help="weight (g per piece), HS code and origin of an article")
    st.add_argument("sku")
    st.add_argument("--weight", type=int, help="grams per piece")
    st.add_argument("--hs-code", help="customs tariff number, 6-11 digits")
    st.add_argument("--origin", help="country of origin, two letters")
    st.set_defaults(handler=run_set)
    add_pull(act)  # articles pull SKU: one article from its Amazon listing


async def run_set(args: argparse.Namespace) -> int:
    async with open_runtime(args):
        facts = await set_shipping_facts(
            args.sku, weight_g=args.weight, hs_code=args.hs_code, origin=args.origin
        )
    print(
        f"{facts.sku}: {facts.weight_g} g, HS code {facts.hs_code or '-'}, "
        f"origin {facts.origin_country or '-'}"
    )
    return 0
