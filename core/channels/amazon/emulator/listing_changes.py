"""Applying ACCEPTED listings submissions (Listings Items API and JSON_LISTINGS_FEED) to the state."""

from __future__ import annotations

import hashlib
from decimal import Decimal, InvalidOperation
from typing import Any

from core.channels.amazon.emulator.marketplaces import MARKETPLACES
from core.channels.amazon.emulator.model import Listing, PendingListingChange
from core.channels.amazon.emulator.state import SellerState

PATCH_OPS = ("add", "replace", "merge", "delete")


def patch_problems(patches: Any) -> list[str]:
    """What is wrong with a patches array (empty list when fine)."""
    if not isinstance(patches, list) or not patches:
        return ["patches must be a non-empty array."]
    problems = []
    for n, patch in enumerate(patches):
        if not isinstance(patch, dict) or patch.get("op") not in PATCH_OPS:
            problems.append(f"patches[{n}].op must be one of {', '.join(PATCH_OPS)}.")
        elif (
            not str(patch.get("path", "")).startswith("/attributes/")
            or str(patch["path"]).count("/") != 2
        ):
            problems.append(
                f"patches[{n}].path must be a top-level attribute like /attributes/item_name."
            )
        elif patch["op"] != "delete" and not isinstance(patch.get("value"), list):
            problems.append(f"patches[{n}].value must be an array.")
    return problems


def _set_attribute(listing: Listing, name: str, value: list[Any] | None, op: str) -> None:
    if op == "delete" or value is None:
        listing.attributes.pop(name, None)
        return
    if name == "fulfillment_availability":
        for entry in value:
            if not isinstance(entry, dict) or entry.get("fulfillment_channel_code") != "DEFAULT":
                continue
            if (
                "quantity" in entry
                and isinstance(entry["quantity"], int)
                and entry["quantity"] >= 0
            ):
                listing.quantity = entry["quantity"]
                if listing.channel == "DEFAULT" or op != "merge":
                    listing.channel = "DEFAULT"
            for key in ("lead_time_to_ship_max_days", "restock_date"):
                if key in entry:
                    listing.attributes[key] = entry[key]
        return
    if name == "item_name" and value and isinstance(value[0], dict) and "value" in value[0]:
        listing.title = str(value[0]["value"])
    if name == "purchasable_offer":
        try:
            listing.price = Decimal(str(value[0]["our_price"][0]["schedule"][0]["value_with_tax"]))
        except (KeyError, IndexError, TypeError, InvalidOperation):
            pass
    if op == "merge" and isinstance(listing.attributes.get(name), list):
        listing.attributes[name] = [
            {**old, **new} for old, new in zip(listing.attributes[name], value, strict=False)
        ] or value
    else:
        listing.attributes[name] = value


def _new_listing(
    state: SellerState, seller_id: str, sku: str, mid: str, product_type: str, now: float
) -> Listing:
    article = state.article(sku)
    digest = hashlib.sha1(f"{seller_id}:{sku}".encode()).hexdigest().upper()
    return Listing(
        seller_id=seller_id,
        sku=sku,
        marketplace_id=mid,
        asin=article.asin if article else "B0" + digest[:8],
        fnsku=article.fnsku if article else "X00" + digest[8:15],
        title=article.title if article else sku,
        product_type=product_type,
        price=article.price if article else Decimal("0.00"),
        channel="DEFAULT",
        quantity=0,
        created=now,
        updated=now,
    )


def apply_change(state: SellerState, change: PendingListingChange) -> None:
    """Apply one submission at its ``apply_at`` time."""
    now = change.apply_at
    for mid in change.marketplace_ids:
        key = (change.seller_id, change.sku, mid)
        if change.action == "delete":
            state.listings.pop(key, None)
            continue
        listing = state.listings.get(key)
        if listing is None:
            if change.action == "patch":
                continue  # patching a SKU that does not exist changes nothing
            listing = _new_listing(
                state,
                change.seller_id,
                change.sku,
                mid,
                str(change.body.get("productType", "PRODUCT")),
                now,
            )
            state.listings[key] = listing
        if change.action == "put":
            listing.attributes = {}
            listing.product_type = str(change.body.get("productType", listing.product_type))
            for name, value in dict(change.body.get("attributes") or {}).items():
                _set_attribute(
                    listing, name, value if isinstance(value, list) else [value], "replace"
                )
        else:
            for patch in change.body.get("patches", []):
                _set_attribute(
                    listing, str(patch["path"]).split("/")[2], patch.get("value"), str(patch["op"])
                )
        listing.updated = now


def fulfillment_availability(listing: Listing) -> list[dict[str, Any]]:
    """The response projection (camelCase); FBA listings carry no quantity."""
    if listing.channel == "DEFAULT":
        return [{"fulfillmentChannelCode": "DEFAULT", "quantity": listing.quantity}]
    return [{"fulfillmentChannelCode": MARKETPLACES[listing.marketplace_id].fba_channel}]
