"""Orders: 2026-01-01 `searchOrders`/`getOrder` for reading, v0 for the fallback and `confirmShipment`."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime
from typing import Any

from core.channels.amazon.client.http import SpApiClient
from core.channels.amazon.client.paging import PageGuard

V2026 = "/orders/2026-01-01/orders"
V0 = "/orders/v0/orders"
INCLUDED = ["BUYER", "RECIPIENT", "PROCEEDS", "FULFILLMENT", "PACKAGES", "TAX", "PROMOTION"]


async def search_orders(
    client: SpApiClient,
    marketplace_ids: list[str],
    last_updated_after: datetime,
    *,
    page_size: int = 100,
    included: list[str] | None = None,
) -> AsyncIterator[dict[str, Any]]:
    """Pages of `searchOrders` (unwrapped: `{"orders": […], "pagination": {"nextToken"}}`)."""
    params: dict[str, Any] = {
        "marketplaceIds": marketplace_ids,
        "lastUpdatedAfter": last_updated_after,
        "maxResultsPerPage": page_size,
        "includedData": included or INCLUDED,
    }
    guard = PageGuard("searchOrders")
    while True:
        resp = await client.call("searchOrders", "GET", V2026, params=params)
        body = resp.body if isinstance(resp.body, dict) else {}
        yield body
        pagination = body.get("pagination")
        token = guard.follow(pagination.get("nextToken") if isinstance(pagination, dict) else None)
        if not token:
            return
        params = {**params, "paginationToken": token}


async def get_order(
    client: SpApiClient, order_id: str, included: list[str] | None = None
) -> dict[str, Any]:
    resp = await client.call(
        "getOrder2026", "GET", f"{V2026}/{order_id}", params={"includedData": included or INCLUDED}
    )
    return dict((resp.body or {}).get("order") or {})


async def get_order_v0(client: SpApiClient, order_id: str) -> dict[str, Any]:
    resp = await client.call("getOrder", "GET", f"{V0}/{order_id}")
    return dict((resp.body or {}).get("payload") or {})


async def get_orders_v0(
    client: SpApiClient,
    marketplace_ids: list[str],
    last_updated_after: datetime,
    *,
    token: str | None = None,
    page_size: int = 100,
) -> AsyncIterator[dict[str, Any]]:
    """Pages of v0 `getOrders` payloads (`{"Orders": […], "NextToken": …}`)."""
    params: dict[str, Any] = {
        "MarketplaceIds": marketplace_ids,
        "LastUpdatedAfter": last_updated_after,
        "MaxResultsPerPage": page_size,
    }
    guard = PageGuard("getOrders")
    while True:
        resp = await client.call("getOrders", "GET", V0, params=params, token=token)
        payload = (resp.body or {}).get("payload") or {}
        yield payload
        next_token = guard.follow(payload.get("NextToken"))
        if not next_token:
            return
        params = {**params, "NextToken": next_token}


ITEMS_V0 = V0 + "/{orderId}/orderItems"  # an RDT's generic path: every order's items


async def get_order_items_v0(
    client: SpApiClient, order_id: str, *, token: str | None = None
) -> list[dict[str, Any]]:
    """All items; with an RDT covering `ITEMS_V0` they carry BuyerInfo (gift messages)."""
    items: list[dict[str, Any]] = []
    params: dict[str, Any] = {}
    guard = PageGuard("getOrderItems", max_pages=100)
    while True:
        resp = await client.call(
            "getOrderItems", "GET", f"{V0}/{order_id}/orderItems", params=params, token=token
        )
        payload = (resp.body or {}).get("payload") or {}
        items += payload.get("OrderItems") or []
        next_token = guard.follow(payload.get("NextToken"))
        if not next_token:
            return items
        params = {"NextToken": next_token}


async def restricted_data_token(
    client: SpApiClient, path: str, data_elements: list[str], *more: tuple[str, list[str]]
) -> str:
    """An RDT that unlocks buyer and address fields on `path` (and `more` paths; v0 only)."""
    resources = [
        {"method": "GET", "path": p, "dataElements": e} for p, e in ((path, data_elements), *more)
    ]
    resp = await client.call(
        "createRestrictedDataToken",
        "POST",
        "/tokens/2021-03-01/restrictedDataToken",
        json={"restrictedResources": resources},
    )
    return str((resp.body or {}).get("restrictedDataToken", ""))


async def confirm_shipment(
    client: SpApiClient, order_id: str, marketplace_id: str, package: dict[str, Any]
) -> None:
    """v0 `confirmShipment` (204). `package["packageReferenceId"]` must be a string."""
    await client.call(
        "confirmShipment",
        "POST",
        f"{V0}/{order_id}/shipmentConfirmation",
        json={"marketplaceId": marketplace_id, "packageDetail": package},
    )
