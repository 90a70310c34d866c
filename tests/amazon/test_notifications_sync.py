"""Orders through Amazon's notifications over a real SQS server (moto): an order placed at the
emulator arrives through the queue without a poll; duplicate and out-of-order notifications
change nothing; with the queue unreachable polling carries on and the account's status says so."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest

from core.config import AwsSettings
from core.persistence.models import AccountRow, OrderRow
from core.sync.notifications import NotificationConsumer
from core.sync.subscribe import queue_arn, subscribe
from tests.amazon.support import SCALE, wired
from tests.support.sqs import free_port

pytestmark = pytest.mark.network


@pytest.fixture(autouse=True)
def aws_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in (
        ("AWS_ACCESS_KEY_ID", "test"),
        ("AWS_SECRET_ACCESS_KEY", "test"),
        ("AWS_DEFAULT_REGION", "eu-west-1"),
    ):
        monkeypatch.setenv(name, value)


@pytest.fixture
async def live(sqs_endpoint: str) -> AsyncIterator[Any]:
    from core.channels.amazon.emulator import run_emulator

    async with run_emulator(
        seed=7, accounts=2, orders=20, time_scale=SCALE, sqs_endpoint=sqs_endpoint
    ) as emu:
        yield emu


@pytest.fixture
async def queue(sqs_endpoint: str) -> AsyncIterator[tuple[Any, str]]:
    from aiobotocore.session import get_session

    async with get_session().create_client(
        "sqs", endpoint_url=sqs_endpoint, region_name="eu-west-1"
    ) as sqs:
        url = (await sqs.create_queue(QueueName=f"packdesk-{time.monotonic_ns()}"))["QueueUrl"]
        yield sqs, url


async def _until(condition: Any, seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while not await condition():  # met by the worker's tasks: look again shortly
        if time.monotonic() > deadline:
            raise AssertionError(f"{what} not within {seconds}s")
        await asyncio.sleep(0.05)


async def _place(emu: Any, seller: str) -> str:
    sku = next(a.sku for a in emu.state.articles if not a.sku.endswith("-FBA"))
    order = {"seller": seller, "channel": "MFN", "items": [{"sku": sku, "quantity": 1}]}
    async with aiohttp.ClientSession() as session:
        async with session.post(emu.url + "/_emulator/orders", json=order) as resp:
            assert resp.status == 201
            return str((await resp.json())["orderId"])


def _calls(emu: Any, op: str) -> int:
    return sum(1 for c in emu.runtime.calls if c[2].endswith(op))


def _sent_for(emu: Any, order_id: str) -> list[dict[str, Any]]:
    return [
        n
        for n in emu.notifier.sent
        if n.get("NotificationType") == "ORDER_CHANGE"
        and n["Payload"]["OrderChangeNotification"]["AmazonOrderId"] == order_id
    ]


async def test_order_arrives_through_the_queue_once_whatever_is_redelivered(
    db, live, queue, box, sqs_endpoint
):
    sqs, url = queue
    async with wired(live, box) as w:
        account = w.accounts[0]
        connector = w.connectors[account.id]
        result = await subscribe(connector, queue_arn(url, "eu-west-1"))
        assert "ORDER_CHANGE" in result.created
        aws = AwsSettings(queue_url=url, sqs_endpoint_url=sqs_endpoint)
        consumer = NotificationConsumer(aws, w.worker.order_changed, wait_s=1)
        w.worker.notifications = consumer
        w.worker.poll_interval_s = 3600  # no poll after the first: only the queue brings orders
        stop = asyncio.Event()
        running = asyncio.create_task(w.worker.run_forever(stop))
        try:

            async def ready() -> bool:
                return consumer.status.reading and await OrderRow.exists()

            await _until(ready, 30, "first cycle and queue read")
            searches = _calls(live, "searchOrders")
            order_id = await _place(live, account.seller_id)

            async def arrived() -> bool:
                return await OrderRow.exists(external_id=order_id)

            await _until(arrived, 15, "the new order through the queue")
            assert _calls(live, "searchOrders") == searches  # not by polling
            row = await OrderRow.get(external_id=order_id)
            (first,) = _sent_for(live, order_id)

            # the same delivery again: recognised by its NotificationId, no request, no change
            gets = _calls(live, "getOrder")
            await sqs.send_message(QueueUrl=url, MessageBody=json.dumps(first))

            async def duplicate_seen() -> bool:
                return consumer.status.duplicates >= 1

            await _until(duplicate_seen, 15, "the duplicate")
            assert _calls(live, "getOrder") == gets
            again = await OrderRow.get(id=row.id)
            assert (again.updated_at, again.channel_status) == (row.updated_at, "Unshipped")

            # the order ships at Amazon; then the old "Unshipped" notification arrives late
            placed = live.state.orders[order_id]
            for item in placed.items:
                item.quantity_shipped = item.quantity
            placed.status, placed.last_update = "Shipped", live.runtime.now()

            async def shipped() -> bool:
                return (await OrderRow.get(id=row.id)).channel_status == "Shipped"

            await _until(shipped, 15, "the shipped order through the queue")
            status = (await OrderRow.get(id=row.id)).status
            late = json.loads(json.dumps(first))
            late["NotificationMetadata"]["NotificationId"] = "late-" + order_id
            handled = consumer.status.orders
            await sqs.send_message(QueueUrl=url, MessageBody=json.dumps(late))

            async def late_taken() -> bool:
                return consumer.status.orders > handled

            await _until(late_taken, 15, "the late notification")
            final = await OrderRow.get(id=row.id)
            assert (final.channel_status, final.status) == ("Shipped", status)
            assert await OrderRow.filter(external_id=order_id).count() == 1
        finally:
            stop.set()
            await asyncio.wait_for(running, 30)


async def test_queue_unreachable_polling_goes_on_and_status_says_so(db, live, box):
    async with wired(live, box) as w:
        account = w.accounts[0]
        aws = AwsSettings(
            queue_url="http://127.0.0.1:1/123456789012/gone",
            sqs_endpoint_url=f"http://127.0.0.1:{free_port()}",
        )
        consumer = NotificationConsumer(aws, w.worker.order_changed, wait_s=1)
        w.worker.notifications = consumer
        w.worker.poll_interval_s = 0.3
        stop = asyncio.Event()
        running = asyncio.create_task(w.worker.run_forever(stop))
        try:

            async def unreachable() -> bool:
                return "unreachable" in consumer.status.problem

            await _until(unreachable, 60, "the queue reported unreachable")
            order_id = await _place(live, account.seller_id)

            async def polled_in() -> bool:
                row = await AccountRow.get(id=account.id)
                return (
                    await OrderRow.exists(external_id=order_id)
                    and "queue unreachable" in row.health_reason
                )

            await _until(polled_in, 30, "the order by polling, with the queue's status")
            assert not consumer.status.reading
        finally:
            stop.set()
            await asyncio.wait_for(running, 30)
