"""Reports and feeds state machines, documents, listings changes, labels and seed determinism."""

from __future__ import annotations

import base64
import csv
import gzip
import hashlib
import io
import json

import pytest
from PIL import Image
from pypdf import PdfReader

from core.channels.amazon.emulator import Emulator, run_emulator
from core.channels.amazon.emulator.report_tsv import ORDERS_HEADER
from core.channels.amazon.emulator.runtime import Runtime
from core.channels.amazon.emulator.seed import ean13
from core.channels.amazon.emulator.snapshot import snapshot
from tests.emulator.conftest import Api, since
from tests.emulator.test_contract import SHIP_FROM

pytestmark = pytest.mark.network


async def fetch(api: Api, url: str) -> bytes:
    async with api.session.get(url) as r:
        assert r.status == 200, await r.text()
        return await r.read()


async def test_report_moves_in_queue_in_progress_done(emu: Emulator, api: Api) -> None:
    _, created, _ = await api.call(
        "POST",
        "/reports/2021-06-30/reports",
        body={
            "reportType": "GET_FLAT_FILE_ALL_ORDERS_DATA_BY_LAST_UPDATE_GENERAL",
            "marketplaceIds": api.marketplaces,
            "dataStartTime": since(30),
        },
    )
    path = f"/reports/2021-06-30/reports/{created['reportId']}"
    seen = []
    for step in (0, 6, 30):
        emu.advance(step)
        seen.append((await api.call("GET", path))[1]["processingStatus"])
    assert seen == ["IN_QUEUE", "IN_PROGRESS", "DONE"]
    _, report, _ = await api.call("GET", path)
    _, doc, _ = await api.call("GET", f"/reports/2021-06-30/documents/{report['reportDocumentId']}")
    raw = await fetch(api, doc["url"])
    text = (
        gzip.decompress(raw).decode() if doc.get("compressionAlgorithm") == "GZIP" else raw.decode()
    )
    rows = list(csv.DictReader(io.StringIO(text), delimiter="\t"))
    assert list(rows[0]) == ORDERS_HEADER
    mine = {
        i.item_id
        for o in emu.state.orders.values()
        if o.seller_id == api.seller_id
        for i in o.items
    }
    assert rows and {r["amazon-order-id"] for r in rows} <= {
        o.order_id for o in emu.state.orders.values() if o.seller_id == api.seller_id
    }
    assert len(rows) == len(mine)
    emu.advance(301)  # pre-signed URLs last five minutes
    async with api.session.get(doc["url"]) as r:
        assert r.status == 403 and "expired" in await r.text()


async def test_report_cancel_and_unknown_type(emu: Emulator, api: Api) -> None:
    _, a, _ = await api.call(
        "POST",
        "/reports/2021-06-30/reports",
        body={"reportType": "GET_MERCHANT_LISTINGS_ALL_DATA", "marketplaceIds": api.marketplaces},
    )
    _, b, _ = await api.call(
        "POST",
        "/reports/2021-06-30/reports",
        body={"reportType": "GET_SOMETHING_ELSE", "marketplaceIds": api.marketplaces},
    )
    assert (await api.call("DELETE", f"/reports/2021-06-30/reports/{a['reportId']}"))[0] == 200
    emu.advance(60)
    assert (await api.call("GET", f"/reports/2021-06-30/reports/{a['reportId']}"))[1][
        "processingStatus"
    ] == "CANCELLED"
    assert (await api.call("GET", f"/reports/2021-06-30/reports/{b['reportId']}"))[1][
        "processingStatus"
    ] == "FATAL"
    assert (await api.call("DELETE", f"/reports/2021-06-30/reports/{b['reportId']}"))[0] == 400


async def upload_feed(
    api: Api,
    feed_type: str,
    content: bytes,
    content_type: str,
    options: dict[str, str] | None = None,
) -> str:
    _, doc, _ = await api.call(
        "POST", "/feeds/2021-06-30/documents", body={"contentType": content_type}
    )
    async with api.session.put(
        doc["url"], data=content, headers={"Content-Type": "text/plain"}
    ) as r:
        assert r.status == 403  # the Content-Type must match the one given
    async with api.session.put(
        doc["url"], data=content, headers={"Content-Type": content_type}
    ) as r:
        assert r.status == 200
    status, feed, _ = await api.call(
        "POST",
        "/feeds/2021-06-30/feeds",
        body={
            "feedType": feed_type,
            "marketplaceIds": api.marketplaces[:1],
            "inputFeedDocumentId": doc["feedDocumentId"],
            "feedOptions": options or {},
        },
    )
    assert status == 202, feed
    return str(feed["feedId"])


async def test_json_listings_feed_applies_and_reports(
    models: object, emu: Emulator, api: Api
) -> None:
    import jsonschema

    from tests.emulator.conftest import models_path

    feed_doc = {
        "header": {
            "sellerId": api.seller_id,
            "version": "2.0",
            "issueLocale": "en_US",
            "report": {"includedData": ["fulfillmentAvailability"], "apiVersion": "2021-08-01"},
        },
        "messages": [
            {
                "messageId": 1,
                "sku": "PD-1001",
                "operationType": "PATCH",
                "productType": "CUTTING_BOARD",
                "patches": [
                    {
                        "op": "replace",
                        "path": "/attributes/fulfillment_availability",
                        "value": [{"fulfillment_channel_code": "DEFAULT", "quantity": 42}],
                    }
                ],
            },
            {
                "messageId": 2,
                "sku": "PD-1002",
                "operationType": "PARTIAL_UPDATE",
                "productType": "BOTTLE",
                "attributes": {
                    "fulfillment_availability": [
                        {"fulfillment_channel_code": "DEFAULT", "quantity": 7}
                    ]
                },
            },
            {"messageId": 3, "sku": "PD-1003-FBA", "operationType": "UPDATE"},
            {"messageId": 4, "sku": "PD-1010", "operationType": "DELETE"},
        ],
    }
    feed_id = await upload_feed(
        api, "JSON_LISTINGS_FEED", json.dumps(feed_doc).encode(), "application/json; charset=UTF-8"
    )
    states = []
    for step in (0, 6, 30):
        emu.advance(step)
        states.append(
            (await api.call("GET", f"/feeds/2021-06-30/feeds/{feed_id}"))[1]["processingStatus"]
        )
    assert states == ["IN_QUEUE", "IN_PROGRESS", "DONE"]
    mid = api.marketplaces[0]
    assert emu.state.listings[(api.seller_id, "PD-1001", mid)].quantity == 42
    assert emu.state.listings[(api.seller_id, "PD-1002", mid)].quantity == 7
    assert (api.seller_id, "PD-1010", mid) not in emu.state.listings
    _, feed, _ = await api.call("GET", f"/feeds/2021-06-30/feeds/{feed_id}")
    _, doc, _ = await api.call("GET", f"/feeds/2021-06-30/documents/{feed['resultFeedDocumentId']}")
    report = json.loads(await fetch(api, doc["url"]))
    schema = json.loads(
        (models_path() / "listings-feed-processing-report-schema-v2.json").read_text()
    )
    jsonschema.Draft7Validator(schema).validate(report)
    assert report["summary"]["messagesAccepted"] == 3 and report["summary"]["messagesInvalid"] == 1
    assert report["issues"][0]["messageId"] == 3
    assert {
        "sku": "PD-1001",
        "fulfillmentAvailability": [{"fulfillmentChannelCode": "DEFAULT", "quantity": 42}],
    } in report["items"]


async def test_listings_feed_limit_is_five_per_five_minutes(emu: Emulator, api: Api) -> None:
    _, doc, _ = await api.call(
        "POST",
        "/feeds/2021-06-30/documents",
        body={"contentType": "application/json; charset=UTF-8"},
    )
    spec = {
        "feedType": "JSON_LISTINGS_FEED",
        "marketplaceIds": api.marketplaces[:1],
        "inputFeedDocumentId": doc["feedDocumentId"],
    }
    codes = [(await api.call("POST", "/feeds/2021-06-30/feeds", body=spec))[0] for _ in range(6)]
    assert codes == [202] * 5 + [429]
    emu.advance(60)
    assert (await api.call("POST", "/feeds/2021-06-30/feeds", body=spec))[0] == 202


async def test_vat_invoice_and_fulfillment_feeds(emu: Emulator, api: Api) -> None:
    order = next(
        o
        for o in emu.state.orders.values()
        if o.seller_id == api.seller_id and o.channel == "MFN" and o.status == "Unshipped"
    )
    feed_id = await upload_feed(
        api,
        "UPLOAD_VAT_INVOICE",
        b"%PDF-1.7 invoice",
        "application/pdf",
        {
            "metadata:orderid": order.order_id,
            "metadata:InvoiceNumber": "RE-2026-00001",
            "metadata:TotalAmount": "119.00",
            "metadata:TotalVATAmount": "19.00",
            "metadata:DocumentType": "Invoice",
        },
    )
    xml = (
        f"<?xml version='1.0'?><AmazonEnvelope><Header><MerchantIdentifier>{api.seller_id}</MerchantIdentifier></Header>"
        f"<MessageType>OrderFulfillment</MessageType><Message><MessageID>1</MessageID><OrderFulfillment><AmazonOrderID>{order.order_id}</AmazonOrderID>"
        "<FulfillmentDate>2026-02-01T10:00:00Z</FulfillmentDate><FulfillmentData><CarrierCode>DHL</CarrierCode><ShipperTrackingNumber>00340434</ShipperTrackingNumber>"
        "</FulfillmentData></OrderFulfillment></Message></AmazonEnvelope>"
    )
    await upload_feed(api, "POST_ORDER_FULFILLMENT_DATA", xml.encode(), "text/xml; charset=UTF-8")
    emu.advance(60)
    upload = next(u for u in emu.state.uploads if u.feed_id == feed_id)
    assert (
        upload.is_pdf
        and upload.metadata["OrderId"] == order.order_id
        and upload.metadata["InvoiceNumber"] == "RE-2026-00001"
    )
    assert order.status == "Shipped" and emu.state.confirmations[-1]["source"] == "feed"


async def test_listings_items_apply_after_a_delay(emu: Emulator, api: Api) -> None:
    base = f"/listings/2021-08-01/items/{api.seller_id}/PD-1004"
    mp = {"marketplaceIds": api.marketplaces[0], "includedData": "fulfillmentAvailability"}
    patch = {
        "productType": "COOKWARE",
        "patches": [
            {
                "op": "merge",
                "path": "/attributes/fulfillment_availability",
                "value": [{"fulfillment_channel_code": "DEFAULT", "quantity": 11}],
            }
        ],
    }
    _, preview, _ = await api.call(
        "PATCH",
        base,
        params={**mp, "mode": "VALIDATION_PREVIEW"},
        body={"productType": "X", "patches": []},
    )
    assert preview["status"] == "INVALID"
    _, answer, _ = await api.call("PATCH", base, params=mp, body=patch)
    assert answer["status"] == "ACCEPTED"
    before = (await api.call("GET", base, params=mp))[1]["fulfillmentAvailability"]
    emu.advance(31)
    after = (await api.call("GET", base, params=mp))[1]["fulfillmentAvailability"]
    assert before != after == [{"fulfillmentChannelCode": "DEFAULT", "quantity": 11}]
    _, found, _ = await api.call(
        "GET",
        f"/listings/2021-08-01/items/{api.seller_id}",
        params={
            "marketplaceIds": api.marketplaces[0],
            "identifiersType": "EAN",
            "identifiers": emu.state.article("PD-1004").ean,
        },
    )  # type: ignore[union-attr]
    assert [i["sku"] for i in found["items"]] == ["PD-1004"]


@pytest.mark.parametrize("label_format", ["PDF", "PNG", "ZPL203"])
async def test_labels_decode(emu: Emulator, api: Api, label_format: str) -> None:
    order = next(
        o
        for o in emu.state.orders.values()
        if o.seller_id == api.seller_id and o.channel == "MFN" and o.status == "Unshipped"
    )
    details = {
        "AmazonOrderId": order.order_id,
        "ItemList": [{"OrderItemId": i.item_id, "Quantity": i.quantity} for i in order.items],
        "ShipFromAddress": SHIP_FROM,
        "PackageDimensions": {"Length": 30, "Width": 20, "Height": 10, "Unit": "centimeters"},
        "Weight": {"Value": 800, "Unit": "g"},
        "ShippingServiceOptions": {
            "DeliveryExperience": "NoTracking",
            "CarrierWillPickUp": False,
            "LabelFormat": label_format,
        },
    }
    _, body, _ = await api.call(
        "POST",
        "/mfn/v0/shipments",
        body={"ShipmentRequestDetails": details, "ShippingServiceId": "DHL_PAKET"},
    )
    shipment = body["payload"]
    contents = shipment["Label"]["FileContents"]
    raw = gzip.decompress(base64.b64decode(contents["Contents"]))
    assert base64.b64decode(contents["Checksum"]) == hashlib.md5(raw).digest()
    tracking = shipment["TrackingId"]
    if label_format == "PDF":
        text = PdfReader(io.BytesIO(raw)).pages[0].extract_text()
        assert tracking in text and order.address.city in text
    elif label_format == "PNG":
        image = Image.open(io.BytesIO(raw))
        assert image.format == "PNG" and image.size == (812, 1218)
    else:
        zpl = raw.decode()
        assert (
            zpl.startswith("^XA")
            and zpl.rstrip().endswith("^XZ")
            and f"^FD{tracking}^FS" in zpl
            and order.address.name in zpl
        )


def test_seed_is_deterministic_and_barcodes_are_valid() -> None:
    one = Runtime(seed=11, accounts=3, orders=40, start=1_780_000_000.0, frozen=True)
    two = Runtime(seed=11, accounts=3, orders=40, start=1_780_000_000.0, frozen=True)
    other = Runtime(seed=12, accounts=3, orders=40, start=1_780_000_000.0, frozen=True)
    for rt in (one, two, other):
        rt.advance(7200)
    assert snapshot(one.state, one.clock.now()) == snapshot(two.state, two.clock.now())
    assert snapshot(one.state, 0) != snapshot(other.state, 0)
    assert one.credentials() == two.credentials()
    for article in one.state.articles:
        assert (
            ean13(article.ean[:12]) == article.ean
            and article.fnsku.startswith("X00")
            and len(article.fnsku) == 10
        )
    orders = list(one.state.orders.values())
    assert {o.channel for o in orders} == {"MFN", "AFN"}
    assert any(o.is_business and o.buyer_vat_id for o in orders) and any(o.is_prime for o in orders)
    assert any(len(o.items) > 1 for o in orders) and any(
        i.quantity > 1 for o in orders for i in o.items
    )
    assert any(i.buyer_cancel_reason for o in orders for i in o.items)
    text = " ".join(o.address.name + o.address.line1 + o.address.city for o in orders)
    assert sum(ch in text for ch in "łøßéçÖ") >= 3
    assert [a.marketplace_ids for a in one.state.accounts] == [
        ["A1PA6795UKMFR9", "A13V1IB3VIYZZH"],
        ["A1C3SOZRARQ6R3"],
        ["A2NODRKZP88ZB9"],
    ]


async def test_inspection_route_shows_state() -> None:
    import aiohttp

    async with (
        run_emulator(seed=2, accounts=2, orders=10, frozen=True) as emu,
        aiohttp.ClientSession() as s,
    ):
        async with s.get(emu.url + "/_emulator/state") as r:
            state = await r.json()
            assert r.headers["x-amzn-RequestId"]
        assert (
            len(state["orders"]) == 10
            and len(state["accounts"]) == 2
            and "refresh_token" not in state["accounts"][0]
        )
        async with s.post(emu.url + "/_emulator/advance", json={"seconds": 3600}) as r:
            assert r.status == 200
        assert len(emu.state.orders) == 14
