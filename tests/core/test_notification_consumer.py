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


async def test_a_finished_feed_makes_its_verdict_job_due_now(db):
    from datetime import UTC, datetime, timedelta
    from types import SimpleNamespace

    from core.domain.outbox import JobKind
    from core.persistence.models import AccountRow, OutboxJobRow
    from core.security import SecretBox
    from core.services.outbox import OutboxRunner, enqueue
    from core.sync import SyncWorker

    account = await AccountRow.create(name="de", seller_id="S1")
    later = datetime.now(UTC) + timedelta(hours=1)
    for feed_id in ("F1", "F2"):
        await enqueue(
            JobKind.CHECK_INVOICE_UPLOAD,
            JobKind.CHECK_INVOICE_UPLOAD.key(feed_id),
            {"document_id": 1, "feed_id": feed_id, "number": "RE-1"},
            account_id=account.id,
            due_at=later,
        )
    connector = SimpleNamespace(account=SimpleNamespace(seller_id="S1"), account_id=account.id)
    worker = SyncWorker(
        SecretBox(SecretBox.generate_key()), {account.id: connector}, OutboxRunner({})
    )  # type: ignore[dict-item]
    finished: list[tuple[str, str]] = []

    async def on_feed(seller: str, feed_id: str) -> None:
        finished.append((seller, feed_id))
        await worker.feed_finished(seller, feed_id)

    consumer = NotificationConsumer(
        AwsSettings(queue_url="q"), worker.order_changed, on_feed=on_feed
    )
    body = {
        "notificationType": "FEED_PROCESSING_FINISHED",
        "payload": {"feedProcessingFinishedNotification": {"sellerId": "S1", "feedId": "F1"}},
        "notificationMetadata": {"notificationId": "f1"},
    }
    sqs = Sqs([json.dumps(body)])
    await consumer.receive_once(sqs)
    assert finished == [("S1", "F1")] and sqs.deleted == ["h0"]
    due = {j.payload["feed_id"]: j.due_at <= datetime.now(UTC) for j in await OutboxJobRow.all()}
    assert due == {"F1": True, "F2": False}
