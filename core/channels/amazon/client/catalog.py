"""Listings Items 2021-08-01 and FBA Inventory v1."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any
from urllib.parse import quote

from core.channels.amazon.client.http import SpApiClient
from core.channels.amazon.client.paging import PageGuard

LISTINGS = "/listings/2021-08-01/items"


def _sku_path(seller_id: str, sku: str) -> str:
    return f"{LISTINGS}/{quote(seller_id, safe='')}/{quote(sku, safe='')}"


async def get_listing(
    client: SpApiClient,
    seller_id: str,
    sku: str,
    marketplace_id: str,
    included: str = "summaries,attributes,fulfillmentAvailability",
) -> dict[str, Any]:
    resp = await client.call(
        "getListingsItem",
        "GET",
        _sku_path(seller_id, sku),
        params={"marketplaceIds": marketplace_id, "includedData": included},
    )
    return dict(resp.body or {})


async def put_listing(
    client: SpApiClient,
    seller_id: str,
    sku: str,
    marketplace_id: str,
    product_type: str,
    attributes: dict[str, Any],
) -> dict[str, Any]:
    resp = await client.call(
        "putListingsItem",
        "PUT",
        _sku_path(seller_id, sku),
        params={"marketplaceIds": marketplace_id},
        json={"productType": product_type, "requirements": "LISTING", "attributes": attributes},
    )
    return dict(resp.body or {})


async def patch_listing(
    client: SpApiClient,
    seller_id: str,
    sku: str,
    marketplace_id: str,
    product_type: str,
    patches: list[dict[str, Any]],
) -> dict[str, Any]:
    resp = await client.call(
        "patchListingsItem",
        "PATCH",
        _sku_path(seller_id, sku),
        params={"marketplaceIds": marketplace_id},
        json={"productType": product_type, "patches": patches},
    )
    return dict(resp.body or {})


async def search_listings(
    client: SpApiClient,
    seller_id: str,
    marketplace_id: str,
    *,
    included: str = "summaries,attributes,fulfillmentAvailability",
    page_size: int = 20,
) -> AsyncIterator[dict[str, Any]]:
    """Every listing item of a seller in one marketplace, page by page."""
    params: dict[str, Any] = {
        "marketplaceIds": marketplace_id,
        "includedData": included,
        "pageSize": page_size,
    }
    guard = PageGuard("searchListingsItems")
    while True:
        resp = await client.call(
            "searchListingsItems", "GET", f"{LISTINGS}/{quote(seller_id, safe='')}", params=params
        )
        body = resp.body or {}
        for item in body.get("items") or []:
            yield item
        token = guard.follow((body.get("pagination") or {}).get("nextToken"))
        if not token:
            return
        params = {**params, "pageToken": token}


async def inventory_summaries(
    client: SpApiClient, marketplace_id: str, skus: list[str] | None = None
) -> AsyncIterator[dict[str, Any]]:
    """FBA stock per SKU (`getInventorySummaries`, nextToken lives 30 s: page at once)."""
    params: dict[str, Any] = {
        "details": True,
        "granularityType": "Marketplace",
        "granularityId": marketplace_id,
        "marketplaceIds": marketplace_id,
    }
    if skus:
        params["sellerSkus"] = skus[:50]
    guard = PageGuard("getInventorySummaries")
    while True:
        resp = await client.call(
            "getInventorySummaries", "GET", "/fba/inventory/v1/summaries", params=params
        )
        body = resp.body or {}
        for summary in (body.get("payload") or {}).get("inventorySummaries") or []:
            yield summary
        token = guard.follow((body.get("pagination") or {}).get("nextToken"))
        if not token:
            return
        params = {**params, "nextToken": token}
