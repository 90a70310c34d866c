"""Amazon's notifications from the seller's SQS queue: an order changed → fetch it → intake.

Amazon delivers at least once and in no promised order, so a notification is only a hint: the
order is fetched fresh (`getOrder`) and run through the same idempotent intake as polling. A
notification acted on is remembered by its NotificationId (table `notification_seen`), so a
duplicate costs no request. Polling stays as the slow safety net; while the queue cannot be read
the status says so and the sync polls at its normal pace again.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from tortoise.exceptions import IntegrityError

from core.config import AwsSettings, Settings
from core.errors import UserInputError
from core.persistence.models import NotificationSeenRow

log = logging.getLogger(__name__)
# (seller id, marketplace id, order id) → True: handled here; False: another process syncs that
# account (the message goes back to the queue); None: no account of ours (the message is dropped)
OrderChanged = Callable[[str, str, str], Awaitable[bool | None]]
# (seller id, feed id): a feed finished at Amazon, its result can be read now
FeedFinished = Callable[[str, str], Awaitable[None]]
KEEP_SEEN = timedelta(days=14)  # SQS keeps a message at most 14 days


@dataclass
class QueueStatus:
    """What the sync monitor shows about the queue."""

    reading: bool = False  # the last receive worked
    problem: str = ""
    received: int = 0
    duplicates: int = 0
    orders: int = 0
    since: datetime | None = None  # when the queue last worked

    def line(self) -> str:
        if self.reading:
            return f"notifications: {self.orders} order change(s), {self.duplicates} duplicate(s)"
        return f"notifications: {self.problem or 'not reading yet'}"


@dataclass
class NotificationConsumer:
    """Long-polls the queue and hands order changes to `on_order`."""

    aws: AwsSettings
    on_order: OrderChanged
    wait_s: int = 5  # SQS long poll (at most 20)
    visibility_s: int = 60
    on_feed: FeedFinished | None = None
    status: QueueStatus = field(default_factory=QueueStatus)
    _client: Any = None

    async def run(self, stop: asyncio.Event) -> None:
        """Read until `stop`; an unreachable queue is retried with a growing pause (≤ 60 s)."""
        from aiobotocore.session import get_session

        pause = 1.0
        session = get_session()
        while not stop.is_set():
            try:
                async with session.create_client(
                    "sqs", region_name=self.aws.region, endpoint_url=self.aws.sqs_endpoint_url
                ) as sqs:
                    while not stop.is_set():
                        await self.receive_once(sqs, stop)
                        pause = 1.0
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # botocore/aiohttp errors: the queue is away, polling goes on
                self.status.reading = False
                self.status.problem = f"queue unreachable ({type(exc).__name__}); polling instead"
                log.warning("notification queue: %s", self.status.problem)
                try:
                    await asyncio.wait_for(stop.wait(), pause)
                except TimeoutError:
                    pass
                pause = min(pause * 2, 60.0)

    async def receive_once(self, sqs: Any, stop: asyncio.Event | None = None) -> int:
        """One long poll; returns the number of messages looked at."""
        receive = asyncio.ensure_future(
            sqs.receive_message(
                QueueUrl=self.aws.queue_url,
                WaitTimeSeconds=self.wait_s,
                MaxNumberOfMessages=10,
                VisibilityTimeout=self.visibility_s,
            )
        )
        stopping = asyncio.ensure_future(
            stop.wait() if stop is not None else asyncio.Event().wait()
        )
        try:
            await asyncio.wait({receive, stopping}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            # Stopped or cancelled mid-poll: the pending receive must not outlive the client.
            for pending in (receive, stopping):
                if not pending.done():
                    pending.cancel()
            await asyncio.gather(stopping, return_exceptions=True)
            if receive.cancelled() or not receive.done():
                await asyncio.gather(receive, return_exceptions=True)
        if receive.cancelled():
            return 0
        answer = receive.result()
        self.status.reading, self.status.problem = True, ""
        self.status.since = datetime.now(UTC)
        messages = answer.get("Messages") or []
        for message in messages:
            await self._one(sqs, message)
        return len(messages)

    async def _one(self, sqs: Any, message: dict[str, Any]) -> None:
        self.status.received += 1
        handle = message["ReceiptHandle"]
        try:
            note = json.loads(message.get("Body") or "")
        except ValueError:
            note = None
        if not isinstance(note, dict):
            log.warning("notification queue: a message that is not a notification was dropped")
            await sqs.delete_message(QueueUrl=self.aws.queue_url, ReceiptHandle=handle)
            return
        kind = str(note.get("NotificationType") or note.get("notificationType") or "")
        meta = note.get("NotificationMetadata") or note.get("notificationMetadata") or {}
        note_id = str(meta.get("NotificationId") or meta.get("notificationId") or "")[:64]
        if note_id and await NotificationSeenRow.exists(notification_id=note_id):
            self.status.duplicates += 1
            await sqs.delete_message(QueueUrl=self.aws.queue_url, ReceiptHandle=handle)
            return
        done: bool | None = None
        if kind == "ORDER_CHANGE":
            change = (note.get("Payload") or {}).get("OrderChangeNotification") or {}
            summary = change.get("Summary") or {}
            try:
                done = await self.on_order(
                    str(change.get("SellerId", "")),
                    str(summary.get("MarketplaceId", "")),
                    str(change.get("AmazonOrderId", "")),
                )
            except Exception as exc:  # the message comes back after its visibility timeout
                log.warning("order change not taken in yet: %s", type(exc).__name__)
                return
            if done is False:
                await sqs.change_message_visibility(
                    QueueUrl=self.aws.queue_url, ReceiptHandle=handle, VisibilityTimeout=0
                )
                return
            if done:
                self.status.orders += 1
        elif kind == "FEED_PROCESSING_FINISHED" and self.on_feed is not None:
            # The result is read by the jobs and cycles that wait for it; this makes them due now
            # instead of at their next look.
            feed = (note.get("payload") or {}).get("feedProcessingFinishedNotification") or {}
            try:
                await self.on_feed(str(feed.get("sellerId", "")), str(feed.get("feedId", "")))
            except Exception as exc:  # the waiting job looks by itself later anyway
                log.warning("finished feed not passed on: %s", type(exc).__name__)
        else:
            # LISTINGS_ITEM_ISSUES_CHANGE: the scheduled listings pull reads the issues.
            log.info("notification %s received", kind or "of unknown type")
        if note_id:
            try:
                await NotificationSeenRow.create(notification_id=note_id, kind=kind[:64])
            except IntegrityError:
                pass  # another process took the same delivery in at the same time
        await sqs.delete_message(QueueUrl=self.aws.queue_url, ReceiptHandle=handle)

    @staticmethod
    async def forget_old(now: datetime | None = None) -> int:
        """Drop remembered ids older than SQS can redeliver."""
        cutoff = (now or datetime.now(UTC)) - KEEP_SEEN
        return await NotificationSeenRow.filter(received_at__lt=cutoff).delete()


def consumer_from_settings(
    settings: Settings, on_order: OrderChanged, on_feed: FeedFinished | None = None
) -> NotificationConsumer | None:
    """The consumer `[sync] notifications` asks for; None while notifications are off."""
    if not settings.sync.notifications:
        return None
    if not settings.aws.queue_url:
        raise UserInputError(
            "[sync] notifications is on but [aws] queue_url is not set (PACKDESK_AWS_QUEUE_URL)"
        )
    return NotificationConsumer(settings.aws, on_order, on_feed=on_feed)


__all__ = [
    "FeedFinished",
    "NotificationConsumer",
    "OrderChanged",
    "QueueStatus",
    "consumer_from_settings",
]
