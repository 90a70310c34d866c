"""The queue consumer's choices per message, with a recording stand-in for the SQS client:
ours → taken in and deleted; another process's account → back to the queue at once; no account
of ours or not a notification → deleted; a failure → left for redelivery; a repeat → no work."""

from __future__ import annotations

import json
from typing import Any

from core.config import AwsSettings
from core.persistence.models import NotificationSeenRow
from core.sync.notifications import NotificationConsumer


class Sqs:
    def __init__(self, bodies: list[str]) -> None:
        self.bodies = bodies
        self.deleted: list[str] = []
        self.released: list[str] = []

    async def receive_message(self, **_: Any) -> dict[str, Any]:
        messages = [{"ReceiptHandle": f"h{i}", "Body": b} for i, b in enumerate(self.bodies)]
        self.bodies = []
        return {"Messages": messages}

    async def delete_message(self, *, QueueUrl: str, ReceiptHandle: str) -> None:
        self.deleted.append(ReceiptHandle)

    async def change_message_visibility(self, *, ReceiptHandle: str, **_: Any) -> None:
        self.released.append(ReceiptHandle)


def note(order_id: str, seller: str, note_id: str) -> str:
    return json.dumps(
        {
            "NotificationType": "ORDER_CHANGE",
            "Payload": {
                "OrderChangeNotification": {
                    "SellerId": seller,
                    "AmazonOrderId": order_id,
                    "Summary": {"MarketplaceId": "A1PA6795UKMFR9"},
                }
            },
            "NotificationMetadata": {"NotificationId": note_id},
        }
    )


async def test_each_message_gets_the_right_fate(db):
    asked: list[str] = []

    async def on_order(seller: str, marketplace: str, order_id: str) -> bool | None:
        asked.append(order_id)
        if order_id == "boom":
            raise ConnectionError("Amazon away")
        return {"ours": True, "theirs": False, "nobody": None}[seller]

    consumer = NotificationConsumer(AwsSettings(queue_url="q"), on_order)
    sqs = Sqs(
        [
            note("1", "ours", "n1"),
            note("2", "theirs", "n2"),
            note("3", "nobody", "n3"),
            "not json",
            note("boom", "ours", "n4"),
        ]
    )
    assert await consumer.receive_once(sqs) == 5
    assert asked == ["1", "2", "3", "boom"]
    assert sqs.deleted == ["h0", "h2", "h3"]
    assert sqs.released == ["h1"]  # another process syncs that account: it takes it
    seen = set(await NotificationSeenRow.all().values_list("notification_id", flat=True))
    assert seen == {"n1", "n3"}  # n2 and n4 must be acted on later, n4 comes back by itself
    sqs.bodies = [note("1", "ours", "n1")]
    await consumer.receive_once(sqs)
    assert asked == ["1", "2", "3", "boom"] and consumer.status.duplicates == 1
