"""Merchant Fulfillment v0 (Amazon Buy Shipping): offers for a package, then a label."""

from __future__ import annotations

from typing import Any

from core.channels.amazon.client.http import SpApiClient


async def eligible_services(client: SpApiClient, details: dict[str, Any]) -> dict[str, Any]:
    resp = await client.call(
        "getEligibleShipmentServices",
        "POST",
        "/mfn/v0/eligibleShippingServices",
        json={"ShipmentRequestDetails": details},
    )
    return dict((resp.body or {}).get("payload") or {})


async def create_shipment(
    client: SpApiClient, details: dict[str, Any], service_id: str, offer_id: str
) -> dict[str, Any]:
    body: dict[str, Any] = {"ShipmentRequestDetails": details, "ShippingServiceId": service_id}
    if offer_id:
        body["ShippingServiceOfferId"] = offer_id
    resp = await client.call("createShipment", "POST", "/mfn/v0/shipments", json=body)
    return dict((resp.body or {}).get("payload") or {})


async def cancel_shipment(client: SpApiClient, shipment_id: str) -> None:
    await client.call("cancelShipment", "DELETE", f"/mfn/v0/shipments/{shipment_id}")
