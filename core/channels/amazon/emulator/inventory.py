"""FBA Inventory v1: getInventorySummaries (next tokens expire after 30 seconds)."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from core.channels.amazon.emulator.app import GRANT
from core.channels.amazon.emulator.clock import iso
from core.channels.amazon.emulator.http import invalid, json_response, q_list, q_time
from core.channels.amazon.emulator.model import Listing
from core.channels.amazon.emulator.paging import page
from core.channels.amazon.emulator.runtime import RUNTIME

PAGE_SIZE = 50
TOKEN_TTL = 30.0


def summary(lst: Listing, details: bool) -> dict[str, Any]:
    """One InventorySummary."""
    warehouse = lst.fba_fulfillable + lst.fba_reserved + lst.fba_unfulfillable
    out: dict[str, Any] = {
        "asin": lst.asin,
        "fnSku": lst.fnsku,
        "sellerSku": lst.sku,
        "condition": "NewItem",
        "lastUpdatedTime": iso(lst.updated),
        "productName": lst.title,
        "totalQuantity": warehouse + lst.fba_inbound,
        "stores": [],
    }
    if details:
        out["inventoryDetails"] = {
            "fulfillableQuantity": lst.fba_fulfillable,
            "inboundWorkingQuantity": 0,
            "inboundShippedQuantity": lst.fba_inbound,
            "inboundReceivingQuantity": 0,
            "reservedQuantity": {
                "totalReservedQuantity": lst.fba_reserved,
                "pendingCustomerOrderQuantity": lst.fba_reserved,
                "pendingTransshipmentQuantity": 0,
                "fcProcessingQuantity": 0,
            },
            "researchingQuantity": {
                "totalResearchingQuantity": 0,
                "researchingQuantityBreakdown": [],
            },
            "unfulfillableQuantity": {
                "totalUnfulfillableQuantity": lst.fba_unfulfillable,
                "customerDamagedQuantity": lst.fba_unfulfillable,
                "warehouseDamagedQuantity": 0,
                "distributorDamagedQuantity": 0,
                "carrierDamagedQuantity": 0,
                "defectiveQuantity": 0,
                "expiredQuantity": 0,
            },
        }
    return out


async def get_summaries(request: web.Request) -> web.Response:
    """``GET /fba/inventory/v1/summaries``."""
    rt = request.app[RUNTIME]
    now = rt.clock.now()
    if request.query.get("granularityType") != "Marketplace":
        raise invalid("Invalid Input", "granularityType is required and must be Marketplace.")
    gid = request.query.get("granularityId", "")
    mids = q_list(request, "marketplaceIds")
    if len(mids) != 1 or not gid:
        raise invalid(
            "Invalid Input", "granularityId and exactly one marketplaceIds value are required."
        )
    account = rt.state.account(request[GRANT].seller_id or "")
    if account is None or gid not in account.marketplace_ids or mids[0] != gid:
        raise invalid("Invalid Input", f"Invalid marketplace: {gid}.")
    since = q_time(request, "startDateTime")
    skus = q_list(request, "sellerSkus")
    if len(skus) > 50:
        raise invalid("Invalid Input", "sellerSkus accepts at most 50 values.")
    one = request.query.get("sellerSku")
    rows = sorted(
        (
            lst
            for lst in rt.state.listings.values()
            if lst.seller_id == account.seller_id
            and lst.marketplace_id == gid
            and lst.channel != "DEFAULT"
            and (since is None or lst.updated >= since)
            and (since is not None or not skus or lst.sku in skus)
            and (one is None or lst.sku == one)
        ),
        key=lambda lst: lst.sku,
    )
    filters = tuple(sorted((k, v) for k, v in request.query.items() if k != "nextToken"))
    chunk, token = page(
        rt.state,
        "inventory",
        filters,
        rows,
        PAGE_SIZE,
        request.query.get("nextToken"),
        now,
        TOKEN_TTL,
        "nextToken",
    )
    details = request.query.get("details", "false").lower() == "true"
    body: dict[str, Any] = {
        "payload": {
            "granularity": {"granularityType": "Marketplace", "granularityId": gid},
            "inventorySummaries": [summary(lst, details) for lst in chunk],
        }
    }
    if token:
        body["pagination"] = {"nextToken": token}
    return json_response(body)


ROUTES = [
    ("GET", "/fba/inventory/v1/summaries", get_summaries, "fbaInventory.getInventorySummaries")
]
