"""Notifications API v1: SQS destinations (grantless) and the seller's subscriptions."""

from __future__ import annotations

from typing import Any

from core.channels.amazon.client.errors import NotFoundError
from core.channels.amazon.client.http import SpApiClient

SCOPE = "sellingpartnerapi::notifications"
BASE = "/notifications/v1"
# what Packdesk subscribes to, with the payload version its consumer reads
SUBSCRIPTIONS = {
    "ORDER_CHANGE": "1.0",
    "FEED_PROCESSING_FINISHED": "2020-09-04",
    "LISTINGS_ITEM_ISSUES_CHANGE": "2023-12-13",
}


async def get_destinations(client: SpApiClient, token: str) -> list[dict[str, Any]]:
    resp = await client.call("getDestinations", "GET", BASE + "/destinations", token=token)
    return list((resp.body or {}).get("payload") or [])


async def create_destination(client: SpApiClient, token: str, name: str, arn: str) -> str:
    """A destination for the SQS queue `arn`; returns its id."""
    body = {"name": name, "resourceSpecification": {"sqs": {"arn": arn}}}
    resp = await client.call(
        "createDestination", "POST", BASE + "/destinations", json=body, token=token
    )
    return str(((resp.body or {}).get("payload") or {})["destinationId"])


async def get_subscription(client: SpApiClient, kind: str) -> dict[str, Any] | None:
    """The seller's subscription to `kind`, None if there is none."""
    try:
        resp = await client.call("getSubscription", "GET", f"{BASE}/subscriptions/{kind}")
    except NotFoundError:
        return None
    return dict((resp.body or {}).get("payload") or {}) or None


async def create_subscription(
    client: SpApiClient, kind: str, destination_id: str, marketplace_ids: list[str] | None = None
) -> dict[str, Any]:
    body: dict[str, Any] = {"payloadVersion": SUBSCRIPTIONS[kind], "destinationId": destination_id}
    if kind == "ORDER_CHANGE" and marketplace_ids:
        body["processingDirective"] = {
            "eventFilter": {"eventFilterType": "ORDER_CHANGE", "marketplaceIds": marketplace_ids}
        }
    resp = await client.call(
        "createSubscription", "POST", f"{BASE}/subscriptions/{kind}", json=body
    )
    return dict((resp.body or {}).get("payload") or {})


async def delete_subscription(client: SpApiClient, token: str, kind: str, sub_id: str) -> None:
    await client.call(
        "deleteSubscriptionById", "DELETE", f"{BASE}/subscriptions/{kind}/{sub_id}", token=token
    )
