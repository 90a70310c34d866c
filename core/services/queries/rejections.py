"""What Amazon refused, per SKU: the read model of the console's rejections screen.

One row per account and SKU with Amazon's code and message; the marketplaces where the same
answer came back are listed together (a SKU refused in DE and FR for one reason is one thing to
fix). Built on `listing_states`, the one read of each listing's last push.
"""

from __future__ import annotations

from dataclasses import dataclass

from core.channels.amazon.listing_states import listing_states
from core.channels.amazon.marketplaces import MARKETPLACES


@dataclass(frozen=True)
class SkuRejection:
    """A SKU whose stock push Amazon refused, and why (in Amazon's words)."""

    account: str
    sku: str
    marketplaces: tuple[str, ...]  # country codes, e.g. ("DE", "FR")
    code: str
    message: str
    quantity_sent: int | None
    waiting_push: bool  # stock changed since: the next push tries again


def _country(marketplace_id: str) -> str:
    return MARKETPLACES.get(marketplace_id, (marketplace_id, ""))[0]


async def sku_rejections(account: str | None = None) -> list[SkuRejection]:
    """Rejected listings grouped by account, SKU and Amazon's answer; by account and SKU."""
    groups: dict[tuple[str, str, str, str], list[tuple[str, int | None, bool]]] = {}
    for state in await listing_states(account=account, rejected_only=True):
        key = (state.account, state.sku, state.code, state.message)
        groups.setdefault(key, []).append(
            (_country(state.marketplace_id), state.quantity_sent, state.waiting_push)
        )
    return [
        SkuRejection(
            account=name,
            sku=sku,
            marketplaces=tuple(sorted({m for m, _, _ in found})),
            code=code,
            message=message,
            quantity_sent=found[0][1],
            waiting_push=any(w for _, _, w in found),
        )
        for (name, sku, code, message), found in sorted(groups.items())
    ]
