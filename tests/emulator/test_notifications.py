"""Notifications API v1 answers follow Amazon's model; `POST /_emulator/orders` places an order
now; subscribed changes arrive in a real SQS queue (moto server) shaped as Amazon's schemas."""

from __future__ import annotations

import json
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import jsonschema
import pytest

from core.channels.amazon.emulator import Emulator, run_emulator
from tests.emulator.conftest import Api
from tests.emulator.contract import validate

pytestmark = pytest.mark.network
N = "notifications.json"
SCOPE = "sellingpartnerapi::notifications"


async def grantless(emu: Emulator, session: aiohttp.ClientSession) -> str:
    creds = emu.credentials
    form = {
        "grant_type": "client_credentials",
        "scope": SCOPE,
        "client_id": creds["client_id"],
        "client_secret": creds["client_secret"],
    }
    async with session.post(creds["lwa_url"], data=form) as resp:
        assert resp.status == 200
        return str((await resp.json())["access_token"])


async def test_notifications_api_follows_the_model(models: Path, emu: Emulator, api: Api) -> None:
    app = await grantless(emu, api.session)
    arn = "arn:aws:sqs:eu-west-1:123456789012:packdesk"
    route = "/notifications/v1/destinations"
    status, body, _ = await api.call(
        "POST", route, body={"name": "packdesk", "resourceSpecification": {"sqs": {"arn": arn}}},
        token=app,
    )  # fmt: skip
    assert status == 200, body
    validate(models, N, "POST", route, 200, body)
    destination = body["payload"]["destinationId"]
    status, body, _ = await api.call(
        "POST", route, body={"name": "x", "resourceSpecification": {"sqs": {"arn": "nope"}}},
        token=app,
    )  # fmt: skip
    assert status == 400
    validate(models, N, "POST", route, 400, body)
    status, body, _ = await api.call("GET", route, token=app)
    assert status == 200 and [d["destinationId"] for d in body["payload"]] == [destination]
    validate(models, N, "GET", route, 200, body)
    # subscriptions belong to the seller: a grantless token cannot make one
    sub_route = "/notifications/v1/subscriptions/{notificationType}"
    wanted = {"payloadVersion": "1.0", "destinationId": destination}
    status, _, _ = await api.call(
        "POST", "/notifications/v1/subscriptions/ORDER_CHANGE", body=wanted, token=app
    )
    assert status == 403
    status, body, _ = await api.call(
        "POST", "/notifications/v1/subscriptions/ORDER_CHANGE", body=wanted
    )
    assert status == 200, body
    validate(models, N, "POST", sub_route, 200, body)
    sub_id = body["payload"]["subscriptionId"]
    status, body, _ = await api.call(
        "POST", "/notifications/v1/subscriptions/ORDER_CHANGE", body=wanted
    )
    assert status == 409
    validate(models, N, "POST", sub_route, 409, body)
    status, body, _ = await api.call("GET", "/notifications/v1/subscriptions/ORDER_CHANGE")
    assert status == 200 and body["payload"]["subscriptionId"] == sub_id
    validate(models, N, "GET", sub_route, 200, body)
    by_id = "/notifications/v1/subscriptions/{notificationType}/{subscriptionId}"
    path = f"/notifications/v1/subscriptions/ORDER_CHANGE/{sub_id}"
    status, body, _ = await api.call("GET", path, token=app)
    assert status == 200
    validate(models, N, "GET", by_id, 200, body)
    status, body, _ = await api.call("DELETE", path, token=app)
    assert status == 200
    validate(models, N, "DELETE", by_id, 200, body)
    status, body, _ = await api.call("GET", "/notifications/v1/subscriptions/ORDER_CHANGE")
    assert status == 404
    validate(models, N, "GET", sub_route, 404, body)


async def test_post_emulator_orders_places_an_order_now(emu: Emulator, api: Api) -> None:
    sku = next(a.sku for a in emu.state.articles if not a.sku.endswith("-FBA"))
    order = {"seller": api.seller_id, "channel": "MFN", "items": [{"sku": sku, "quantity": 2}]}
    async with api.session.post(emu.url + "/_emulator/orders", json=order) as resp:
        assert resp.status == 201
        order_id = (await resp.json())["orderId"]
    placed = emu.state.orders[order_id]
    assert placed.status == "Unshipped" and placed.seller_id == api.seller_id
    assert [(i.sku, i.quantity) for i in placed.items] == [(sku, 2)]
    status, body, _ = await api.call("GET", f"/orders/2026-01-01/orders/{order_id}")
    assert status == 200 and body["order"]["orderId"] == order_id
    bad = {**order, "items": [{"sku": "NO-SUCH-SKU"}]}
    async with api.session.post(emu.url + "/_emulator/orders", json=bad) as resp:
        assert resp.status == 400 and "NO-SUCH-SKU" in await resp.text()


def _schema(models: Path, name: str) -> dict[str, Any]:
    return json.loads((models / name).read_text(encoding="utf-8"))  # type: ignore[no-any-return]


@pytest.fixture
async def notifying(sqs_endpoint: str) -> AsyncIterator[Emulator]:
    async with run_emulator(seed=7, accounts=2, orders=20, sqs_endpoint=sqs_endpoint) as emu:
        yield emu


async def _queue(endpoint: str, name: str) -> tuple[Any, str, str]:
    from aiobotocore.session import get_session

    client = await get_session().create_client(
        "sqs", endpoint_url=endpoint, region_name="eu-west-1",
        aws_access_key_id="test", aws_secret_access_key="test",
    ).__aenter__()  # fmt: skip
    url = (await client.create_queue(QueueName=name))["QueueUrl"]
    arn = (await client.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"]))[
        "Attributes"
    ]["QueueArn"]
    return client, url, arn


async def _receive(sqs: Any, url: str, want: int, seconds: float = 20) -> list[dict[str, Any]]:
    got: list[dict[str, Any]] = []
    deadline = time.monotonic() + seconds
    while len(got) < want and time.monotonic() < deadline:
        answer = await sqs.receive_message(QueueUrl=url, WaitTimeSeconds=1, MaxNumberOfMessages=10)
        for message in answer.get("Messages", []):
            got.append(json.loads(message["Body"]))
            await sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
    return got


async def test_order_changes_arrive_in_the_queue(
    models: Path, notifying: Emulator, sqs_endpoint: str
) -> None:
    emu = notifying
    sqs, url, arn = await _queue(sqs_endpoint, f"orders-{time.monotonic_ns()}")
    try:
        async with aiohttp.ClientSession() as session:
            api = Api(emu, session)
            await api.login()
            app = await grantless(emu, session)
            status, body, _ = await api.call(
                "POST", "/notifications/v1/destinations",
                body={"name": "q", "resourceSpecification": {"sqs": {"arn": arn}}}, token=app,
            )  # fmt: skip
            destination = body["payload"]["destinationId"]
            for kind, version in (
                ("ORDER_CHANGE", "1.0"),
                ("FEED_PROCESSING_FINISHED", "2020-09-04"),
            ):
                status, body, _ = await api.call(
                    "POST", f"/notifications/v1/subscriptions/{kind}",
                    body={"payloadVersion": version, "destinationId": destination},
                )  # fmt: skip
                assert status == 200, body
            sku = next(a.sku for a in emu.state.articles if not a.sku.endswith("-FBA"))
            order = {"seller": api.seller_id, "channel": "MFN", "items": [{"sku": sku}]}
            async with session.post(emu.url + "/_emulator/orders", json=order) as resp:
                order_id = (await resp.json())["orderId"]
            (note,) = await _receive(sqs, url, 1)
            jsonschema.Draft7Validator(
                _schema(models, "notification-OrderChangeNotification.json")
            ).validate(note)
            change = note["Payload"]["OrderChangeNotification"]
            assert change["AmazonOrderId"] == order_id
            assert change["Summary"]["OrderStatus"] == "Unshipped"
            placed = emu.state.orders[order_id]
            package = {
                "packageReferenceId": "1", "carrierCode": "DHL", "trackingNumber": "T1",
                "shipDate": "2026-01-01T10:00:00Z",
                "orderItems": [{"orderItemId": placed.items[0].item_id, "quantity": 1}],
            }  # fmt: skip
            status, body, _ = await api.call(
                "POST", f"/orders/v0/orders/{order_id}/shipmentConfirmation",
                body={"marketplaceId": placed.marketplace_id, "packageDetail": package},
            )  # fmt: skip
            assert status == 204, body
            (shipped,) = await _receive(sqs, url, 1)
            summary = shipped["Payload"]["OrderChangeNotification"]["Summary"]
            assert summary["OrderStatus"] == "Shipped"
            assert (
                shipped["NotificationMetadata"]["NotificationId"]
                != note["NotificationMetadata"]["NotificationId"]
            )
            # A feed that finishes announces itself (closes the feed loop of listings pushes).
            from core.channels.amazon.emulator.model import Feed

            emu.state.feeds["1"] = Feed(
                "1", api.seller_id, "JSON_LISTINGS_FEED", api.marketplaces[:1], "doc", {}, 0.0,
                status="DONE", result_document_id="res",
            )  # fmt: skip
            (finished,) = await _receive(sqs, url, 1)
            jsonschema.Draft7Validator(
                _schema(models, "notification-FeedProcessingFinishedNotification.json")
            ).validate(finished)
            assert finished["payload"]["feedProcessingFinishedNotification"]["feedId"] == "1"
    finally:
        await sqs.__aexit__(None, None, None)


def test_listing_issue_payload_follows_the_schema(models: Path) -> None:
    from core.channels.amazon.emulator.model import Listing
    from core.channels.amazon.emulator.notify import listing_issues

    listing = Listing(
        "A1", "SKU-1", "A1PA6795UKMFR9", "B000000001", "X000000001", "T", "PRODUCT",
        __import__("decimal").Decimal("9.99"), "DEFAULT", 3, 0.0, 0.0, status=["DISCOVERABLE"],
    )  # fmt: skip
    payload = listing_issues(listing, 0.0)
    payload["NotificationMetadata"] = {
        "ApplicationId": "amzn1.sellerapps.app.x",
        "SubscriptionId": "s",
        "PublishTime": "2026-01-01T00:00:00.000Z",
        "NotificationId": "n",
    }
    jsonschema.Draft7Validator(
        _schema(models, "notification-ListingsItemIssuesChangeNotification_2023-12-13.json")
    ).validate(payload)
