"""Shipping API v2 (Buy Shipping for Amazon orders): rates, an idempotent purchase, cancel.

`purchaseShipment` takes `x-amzn-IdempotencyKey`, so the very same request (same body, same key)
may be sent again after a lost answer: Amazon recognises the retry and answers the first purchase.
That makes it repeatable, unlike Merchant Fulfillment v0's `createShipment`.
"""

from __future__ import annotations

from typing import Any

from core.channels.amazon.client.http import SpApiClient

V2 = "/shipping/v2"


async def get_rates(client: SpApiClient, body: dict[str, Any]) -> dict[str, Any]:
    """`getRates`: `{"requestToken", "rates": [...], "ineligibleRates": [...]}`."""
    resp = await client.call("getRates", "POST", f"{V2}/shipments/rates", json=body)
    return dict((resp.body or {}).get("payload") or {})


async def purchase_shipment(
    client: SpApiClient, body: dict[str, Any], idempotency_key: str
) -> dict[str, Any]:
    """`purchaseShipment` under an idempotency key: a repeat answers the first purchase."""
    resp = await client.call(
        "purchaseShipment",
        "POST",
        f"{V2}/shipments",
        json=body,
        headers={"x-amzn-IdempotencyKey": idempotency_key},
    )
    return dict((resp.body or {}).get("payload") or {})


async def cancel_shipment(client: SpApiClient, shipment_id: str) -> None:
    """`cancelShipment`: the label is refunded (within the carrier's void window)."""
    await client.call("cancelShipmentV2", "PUT", f"{V2}/shipments/{shipment_id}/cancel")
