"""Delivers subscribed notifications to the SQS queue named in each destination's ARN.

The emulator's seller state changes in many places (arrivals, payment clearing, FBA shipping,
confirmShipment, cancellations, feeds finishing). Rather than hook every one, the notifier looks
at the state every `every_s` real seconds and compares each order's, feed's and listing's
fingerprint with the last one: whatever changed is announced, the way Amazon announces it (one
ORDER_CHANGE per change, at least once). Payloads follow Amazon's schemas (notification-*.json).
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from core.channels.amazon.emulator.model import Feed, Listing, Order
from core.channels.amazon.emulator.notifications import SQS_ARN, Subscription
from core.channels.amazon.emulator.runtime import Runtime

log = logging.getLogger(__name__)
FINISHED = ("DONE", "FATAL", "CANCELLED")


def _iso_ms(ts: float) -> str:
    return datetime.fromtimestamp(ts, UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def _order_print(order: Order) -> tuple[Any, ...]:
    return (
        order.status,
        tuple(i.quantity_shipped for i in order.items),
        tuple(i.buyer_cancel_reason is not None for i in order.items),
    )


def order_change(order: Order, change_type: str, now: float) -> dict[str, Any]:
    """The ORDER_CHANGE payload (version 1.0) for an order as it is now."""
    items = [
        {
            "OrderItemId": i.item_id,
            "SellerSKU": i.sku,
            "SupplySourceId": None,
            "OrderItemStatus": "Shipped" if i.quantity_shipped >= i.quantity else "Unshipped",
            "Quantity": i.quantity,
            "QuantityShipped": i.quantity_shipped,
            "IsBuyerRequestedCancel": i.buyer_cancel_reason is not None,
        }
        for i in order.items
    ]
    reason = "Buyer Requested Cancel" if change_type == "BuyerRequestedChange" else "OrderStatus"
    return {
        "NotificationVersion": "1.0",
        "NotificationType": "ORDER_CHANGE",
        "PayloadVersion": "1.0",
        "EventTime": _iso_ms(now),
        "Payload": {
            "OrderChangeNotification": {
                "NotificationLevel": "OrderLevel",
                "SellerId": order.seller_id,
                "AmazonOrderId": order.order_id,
                "OrderChangeType": change_type,
                "OrderChangeTrigger": {
                    "TimeOfOrderChange": _iso_ms(order.last_update),
                    "ChangeReason": reason,
                },
                "Summary": {
                    "MarketplaceId": order.marketplace_id,
                    "OrderStatus": order.status,
                    "PurchaseDate": _iso_ms(order.purchase_date),
                    "DestinationPostalCode": order.address.postal_code,
                    "FulfillmentType": order.channel,
                    "OrderType": "StandardOrder",
                    "NumberOfItemsShipped": order.items_shipped(),
                    "NumberOfItemsUnshipped": order.items_unshipped(),
                    "OrderPrograms": ["Business"] if order.is_business else [],
                    "ShippingPrograms": [],
                    "OrderItems": items,
                },
            }
        },
    }


def feed_finished(feed: Feed, now: float) -> dict[str, Any]:
    """The FEED_PROCESSING_FINISHED payload (version 2020-09-04)."""
    body: dict[str, Any] = {
        "sellerId": feed.seller_id,
        "accountId": f"amzn1.merchant.o.{feed.seller_id}",
        "feedId": feed.feed_id,
        "feedType": feed.feed_type,
        "processingStatus": feed.status,
    }
    if feed.result_document_id:
        body["resultFeedDocumentId"] = feed.result_document_id
    return {
        "notificationVersion": "2020-09-04",
        "notificationType": "FEED_PROCESSING_FINISHED",
        "payloadVersion": "2020-09-04",
        "eventTime": _iso_ms(now),
        "payload": {"feedProcessingFinishedNotification": body},
    }


def listing_issues(listing: Listing, now: float) -> dict[str, Any]:
    """The LISTINGS_ITEM_ISSUES_CHANGE payload (version 2023-12-13): a listing that stopped (or
    started again) being buyable."""
    suppressed = "BUYABLE" not in listing.status
    return {
        "NotificationVersion": "1.0",
        "NotificationType": "LISTINGS_ITEM_ISSUES_CHANGE",
        "PayloadVersion": "2023-12-13",
        "EventTime": _iso_ms(now),
        "Payload": {
            "SellerId": listing.seller_id,
            "MarketplaceId": listing.marketplace_id,
            "Asin": listing.asin,
            "Sku": listing.sku,
            "Severities": ["ERROR"] if suppressed else [],
            "EnforcementActions": ["LISTING_SUPPRESSED"] if suppressed else [],
        },
    }


def _metadata(payload: dict[str, Any], rt: Runtime, sub: Subscription, now: float) -> None:
    lower = "notificationType" in payload  # FEED_PROCESSING_FINISHED spells its keys camelCase
    meta = {
        "ApplicationId": "amzn1.sellerapps.app." + rt.client_id.rsplit(".", 1)[-1][:36],
        "SubscriptionId": sub.subscription_id,
        "PublishTime": _iso_ms(now),
        "NotificationId": rt.state.new_uuid(),
    }
    if lower:
        payload["notificationMetadata"] = {k[0].lower() + k[1:]: v for k, v in meta.items()}
    else:
        payload["NotificationMetadata"] = meta


@dataclass
class Notifier:
    """Watches the emulator's state and sends what subscribers asked for to their queues."""

    rt: Runtime
    sqs_endpoint: str
    every_s: float = 0.1
    sent: list[dict[str, Any]] = field(default_factory=list)  # every notification sent
    failures: int = 0
    _orders: dict[str, tuple[Any, ...]] = field(default_factory=dict)
    _feeds: set[str] = field(default_factory=set)
    _listings: dict[tuple[str, str, str], tuple[str, ...]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.changes()  # what exists at start is known already; only changes are announced

    def changes(self) -> list[tuple[str, str, dict[str, Any]]]:
        """(seller, notification type, payload without metadata) for everything that changed."""
        now = self.rt.now()
        found: list[tuple[str, str, dict[str, Any]]] = []
        for order in self.rt.state.orders.values():
            fingerprint = _order_print(order)
            before = self._orders.get(order.order_id)
            if before == fingerprint:
                continue
            self._orders[order.order_id] = fingerprint
            kind = (
                "BuyerRequestedChange"
                if before is not None and before[:2] == fingerprint[:2]
                else "OrderStatusChange"
            )
            found.append((order.seller_id, "ORDER_CHANGE", order_change(order, kind, now)))
        for feed in self.rt.state.feeds.values():
            if feed.status in FINISHED and feed.feed_id not in self._feeds:
                self._feeds.add(feed.feed_id)
                found.append((feed.seller_id, "FEED_PROCESSING_FINISHED", feed_finished(feed, now)))
        for key, listing in self.rt.state.listings.items():
            status = tuple(listing.status)
            before_status = self._listings.get(key)
            self._listings[key] = status
            if before_status is not None and before_status != status:
                payload = listing_issues(listing, now)
                found.append((listing.seller_id, "LISTINGS_ITEM_ISSUES_CHANGE", payload))
        return found

    async def run(self, stop: asyncio.Event) -> None:
        from aiobotocore.session import get_session

        queues: dict[str, str] = {}
        session = get_session()
        async with session.create_client(
            "sqs",
            endpoint_url=self.sqs_endpoint,
            region_name=os.environ.get("AWS_DEFAULT_REGION", "eu-west-1"),
            aws_access_key_id=os.environ.get("AWS_ACCESS_KEY_ID", "emulator"),
            aws_secret_access_key=os.environ.get("AWS_SECRET_ACCESS_KEY", "emulator"),
        ) as sqs:
            while not stop.is_set():
                for seller, kind, payload in self.changes():
                    await self._deliver(sqs, queues, seller, kind, payload)
                try:
                    await asyncio.wait_for(stop.wait(), self.every_s)
                except TimeoutError:
                    pass

    async def _deliver(
        self, sqs: Any, queues: dict[str, str], seller: str, kind: str, payload: dict[str, Any]
    ) -> None:
        sub = self.rt.notifications.subscription(seller, kind)
        if sub is None:
            return
        if kind == "ORDER_CHANGE":
            summary = payload["Payload"]["OrderChangeNotification"]["Summary"]
            if not sub.wants(summary["MarketplaceId"]):
                return
        arn = self.rt.notifications.queue_arn(sub)
        match = SQS_ARN.match(arn or "")
        if match is None:
            return
        _metadata(payload, self.rt, sub, self.rt.now())
        try:
            if arn not in queues:
                _, account, name = match.groups()
                found = await sqs.get_queue_url(QueueName=name, QueueOwnerAWSAccountId=account)
                queues[str(arn)] = found["QueueUrl"]
            await sqs.send_message(QueueUrl=queues[str(arn)], MessageBody=json.dumps(payload))
        except Exception as exc:  # a missing queue loses the notification, as at Amazon
            self.failures += 1
            log.warning("notification to %s not delivered: %s", arn, type(exc).__name__)
            return
        self.sent.append(payload)


__all__ = ["Notifier", "feed_finished", "listing_issues", "order_change"]
