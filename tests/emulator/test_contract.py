"""Real emulator answers, for every implemented operation, validate against Amazon's models."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.channels.amazon.emulator import Emulator
from tests.emulator.conftest import Api, since
from tests.emulator.contract import validate

pytestmark = pytest.mark.network
V0, V26 = "ordersV0.json", "orders_2026-01-01.json"
SHIP_FROM = {
    "Name": "Packdesk Lager",
    "AddressLine1": "Lagerstraße 1",
    "Email": "lager@example.com",
    "City": "Köln",
    "PostalCode": "50667",
    "CountryCode": "DE",
    "Phone": "+49 221 1234",
}


def unshipped_mfn(emu: Emulator, api: Api) -> str:
    return next(
        o.order_id
        for o in emu.state.orders.values()
        if o.seller_id == api.seller_id and o.channel == "MFN" and o.status == "Unshipped"
    )


async def test_orders_v0_answers_follow_the_model(models: Path, emu: Emulator, api: Api) -> None:
    emu.state.pii_requires_rdt = False
    params = {
        "MarketplaceIds": ",".join(api.marketplaces),
        "CreatedAfter": since(0),
        "MaxResultsPerPage": "10",
    }
    status, body, _ = await api.call("GET", "/orders/v0/orders", params=params)
    assert status == 200 and body["payload"]["Orders"] and body["payload"]["NextToken"]
    validate(models, V0, "GET", "/orders/v0/orders", 200, body)
    status, body, _ = await api.call(
        "GET", "/orders/v0/orders", params={**params, "NextToken": body["payload"]["NextToken"]}
    )
    validate(models, V0, "GET", "/orders/v0/orders", status, body)
    for order in list(emu.state.orders.values()):
        if order.seller_id != api.seller_id:
            continue
        for suffix, route in (
            ("", "/orders/v0/orders/{orderId}"),
            ("/orderItems", "/orders/v0/orders/{orderId}/orderItems"),
            ("/address", "/orders/v0/orders/{orderId}/address"),
            ("/buyerInfo", "/orders/v0/orders/{orderId}/buyerInfo"),
            ("/orderItems/buyerInfo", "/orders/v0/orders/{orderId}/orderItems/buyerInfo"),
        ):
            status, body, _ = await api.call("GET", f"/orders/v0/orders/{order.order_id}{suffix}")
            assert status == 200
            validate(models, V0, "GET", route, 200, body)
    status, body, _ = await api.call(
        "GET", "/orders/v0/orders", params={"MarketplaceIds": api.marketplaces[0]}
    )
    assert status == 400
    validate(models, V0, "GET", "/orders/v0/orders", 400, body)
    status, body, _ = await api.call("GET", "/orders/v0/orders/999-0000000-0000000")
    assert status == 404
    validate(models, V0, "GET", "/orders/v0/orders/{orderId}", 404, body)


async def test_confirm_and_update_shipment_follow_the_model(
    models: Path, emu: Emulator, api: Api
) -> None:
    order = emu.state.orders[unshipped_mfn(emu, api)]
    route = "/orders/v0/orders/{orderId}/shipmentConfirmation"
    bad = {"marketplaceId": order.marketplace_id, "packageDetail": {"packageReferenceId": 1}}
    status, body, _ = await api.call(
        "POST", f"/orders/v0/orders/{order.order_id}/shipmentConfirmation", body=bad
    )
    assert status == 400
    validate(models, V0, "POST", route, 400, body)
    good = {
        "marketplaceId": order.marketplace_id,
        "packageDetail": {
            "packageReferenceId": "1",
            "carrierCode": "DHL",
            "trackingNumber": "00340434161094042557",
            "shipDate": "2026-01-05T10:00:00Z",
            "orderItems": [{"orderItemId": i.item_id, "quantity": i.quantity} for i in order.items],
        },
    }
    status, body, headers = await api.call(
        "POST", f"/orders/v0/orders/{order.order_id}/shipmentConfirmation", body=good
    )
    assert status == 204 and body is None and headers["x-amzn-RateLimit-Limit"] == "2"
    status, body, _ = await api.call(
        "POST",
        f"/orders/v0/orders/{order.order_id}/shipment",
        body={"marketplaceId": "1", "shipmentStatus": "ReadyForPickup"},
    )
    assert status == 400
    validate(models, V0, "POST", "/orders/v0/orders/{orderId}/shipment", 400, body)


async def test_orders_2026_answers_follow_the_model(models: Path, emu: Emulator, api: Api) -> None:
    everything = (
        "BUYER,RECIPIENT,PROCEEDS,EXPENSE,PROMOTION,CANCELLATION,FULFILLMENT,PACKAGES,TAX,PAYMENT"
    )
    params = {
        "marketplaceIds": ",".join(api.marketplaces),
        "createdAfter": since(0),
        "includedData": everything,
    }
    status, body, _ = await api.call("GET", "/orders/2026-01-01/orders", params=params)
    assert status == 200 and body["orders"]
    validate(models, V26, "GET", "/orders/2026-01-01/orders", 200, body)
    for order in body["orders"]:
        status, one, _ = await api.call(
            "GET",
            f"/orders/2026-01-01/orders/{order['orderId']}",
            params={"includedData": everything},
        )
        validate(models, V26, "GET", "/orders/2026-01-01/orders/{orderId}", status, one)
        assert one["order"] == order
    status, body, _ = await api.call(
        "GET", "/orders/2026-01-01/orders", params={**params, "includedData": "EVERYTHING"}
    )
    assert status == 400
    validate(models, V26, "GET", "/orders/2026-01-01/orders", 400, body)


async def test_tokens_listings_inventory_follow_the_model(
    models: Path, emu: Emulator, api: Api
) -> None:
    status, body, _ = await api.call(
        "POST",
        "/tokens/2021-03-01/restrictedDataToken",
        body={
            "restrictedResources": [
                {
                    "method": "GET",
                    "path": "/orders/v0/orders",
                    "dataElements": ["buyerInfo", "shippingAddress"],
                }
            ]
        },
    )
    assert status == 200
    validate(
        models,
        "tokens_2021-03-01.json",
        "POST",
        "/tokens/2021-03-01/restrictedDataToken",
        200,
        body,
    )
    status, body, _ = await api.call(
        "POST",
        "/tokens/2021-03-01/restrictedDataToken",
        body={"restrictedResources": [{"method": "", "path": "/x"}]},
    )
    validate(
        models,
        "tokens_2021-03-01.json",
        "POST",
        "/tokens/2021-03-01/restrictedDataToken",
        status,
        body,
    )
    lf, base = "listingsItems_2021-08-01.json", f"/listings/2021-08-01/items/{api.seller_id}"
    mp = {"marketplaceIds": api.marketplaces[0]}
    all_data = "summaries,attributes,issues,offers,fulfillmentAvailability"
    status, body, _ = await api.call(
        "GET", base + "/PD-1001", params={**mp, "includedData": all_data}
    )
    validate(models, lf, "GET", "/listings/2021-08-01/items/{sellerId}/{sku}", status, body)
    status, body, _ = await api.call(
        "GET", base, params={**mp, "includedData": all_data, "pageSize": "5"}
    )
    assert status == 200 and body["pagination"]["nextToken"]
    validate(models, lf, "GET", "/listings/2021-08-01/items/{sellerId}", 200, body)
    patch = {
        "productType": "CUTTING_BOARD",
        "patches": [
            {
                "op": "replace",
                "path": "/attributes/fulfillment_availability",
                "value": [{"fulfillment_channel_code": "DEFAULT", "quantity": 3}],
            }
        ],
    }
    for method, payload in (
        ("PATCH", patch),
        ("PUT", {"productType": "BAG", "attributes": {"item_name": [{"value": "Tasche"}]}}),
        ("DELETE", None),
    ):
        status, body, _ = await api.call(method, base + "/PD-1001", params=mp, body=payload)
        assert status == 200 and body["status"] == "ACCEPTED"
        validate(models, lf, method, "/listings/2021-08-01/items/{sellerId}/{sku}", 200, body)
    status, body, _ = await api.call("GET", base + "/NOPE", params=mp)
    validate(
        models,
        lf,
        "GET",
        "/listings/2021-08-01/items/{sellerId}/{sku}",
        400 if status == 400 else 404,
        body,
    )
    inv = {
        "details": "true",
        "granularityType": "Marketplace",
        "granularityId": api.marketplaces[0],
        "marketplaceIds": api.marketplaces[0],
    }
    status, body, _ = await api.call("GET", "/fba/inventory/v1/summaries", params=inv)
    assert status == 200 and body["payload"]["inventorySummaries"]
    validate(models, "fbaInventory.json", "GET", "/fba/inventory/v1/summaries", 200, body)


async def test_merchant_fulfillment_follows_the_model(
    models: Path, emu: Emulator, api: Api
) -> None:
    order = emu.state.orders[unshipped_mfn(emu, api)]
    details = {
        "AmazonOrderId": order.order_id,
        "ItemList": [{"OrderItemId": i.item_id, "Quantity": i.quantity} for i in order.items],
        "ShipFromAddress": SHIP_FROM,
        "PackageDimensions": {"Length": 30, "Width": 20, "Height": 10, "Unit": "centimeters"},
        "Weight": {"Value": 1200, "Unit": "g"},
        "ShippingServiceOptions": {
            "DeliveryExperience": "DeliveryConfirmationWithoutSignature",
            "CarrierWillPickUp": False,
            "LabelFormat": "PNG",
        },
    }
    mf = "merchantFulfillmentV0.json"
    status, body, _ = await api.call(
        "POST", "/mfn/v0/eligibleShippingServices", body={"ShipmentRequestDetails": details}
    )
    assert status == 200
    validate(models, mf, "POST", "/mfn/v0/eligibleShippingServices", 200, body)
    service = body["payload"]["ShippingServiceList"][0]
    status, body, _ = await api.call(
        "POST",
        "/mfn/v0/shipments",
        body={
            "ShipmentRequestDetails": details,
            "ShippingServiceId": service["ShippingServiceId"],
            "ShippingServiceOfferId": service["ShippingServiceOfferId"],
        },
    )
    assert status == 200
    validate(models, mf, "POST", "/mfn/v0/shipments", 200, body)
    sid = body["payload"]["ShipmentId"]
    for method in ("GET", "DELETE"):
        status, body, _ = await api.call(method, f"/mfn/v0/shipments/{sid}")
        assert status == 200
        validate(models, mf, method, "/mfn/v0/shipments/{shipmentId}", 200, body)
    assert body["payload"]["Status"] == "RefundPending"
    status, body, _ = await api.call(
        "POST",
        "/mfn/v0/shipments",
        body={
            "ShipmentRequestDetails": {
                **details,
                "ShipFromAddress": {**SHIP_FROM, "CountryCode": "DEU"},
            },
            "ShippingServiceId": "DHL_PAKET",
        },
    )
    assert status == 400
    validate(models, mf, "POST", "/mfn/v0/shipments", 400, body)


async def test_reports_and_feeds_follow_the_model(models: Path, emu: Emulator, api: Api) -> None:
    rf, ff = "reports_2021-06-30.json", "feeds_2021-06-30.json"
    status, body, _ = await api.call(
        "POST",
        "/reports/2021-06-30/reports",
        body={"reportType": "GET_MERCHANT_LISTINGS_ALL_DATA", "marketplaceIds": api.marketplaces},
    )
    assert status == 202
    validate(models, rf, "POST", "/reports/2021-06-30/reports", 202, body)
    report_id = body["reportId"]
    emu.advance(60)
    status, body, _ = await api.call("GET", f"/reports/2021-06-30/reports/{report_id}")
    validate(models, rf, "GET", "/reports/2021-06-30/reports/{reportId}", status, body)
    status, listed, _ = await api.call(
        "GET",
        "/reports/2021-06-30/reports",
        params={"reportTypes": "GET_MERCHANT_LISTINGS_ALL_DATA"},
    )
    validate(models, rf, "GET", "/reports/2021-06-30/reports", status, listed)
    status, doc, _ = await api.call(
        "GET", f"/reports/2021-06-30/documents/{body['reportDocumentId']}"
    )
    validate(models, rf, "GET", "/reports/2021-06-30/documents/{reportDocumentId}", status, doc)
    status, body, _ = await api.call(
        "POST",
        "/reports/2021-06-30/reports",
        body={"reportType": "bad type", "marketplaceIds": api.marketplaces},
    )
    validate(models, rf, "POST", "/reports/2021-06-30/reports", 400, body)
    status, body, _ = await api.call(
        "POST",
        "/feeds/2021-06-30/documents",
        body={"contentType": "application/json; charset=UTF-8"},
    )
    assert status == 201
    validate(models, ff, "POST", "/feeds/2021-06-30/documents", 201, body)
    status, feed, _ = await api.call(
        "POST",
        "/feeds/2021-06-30/feeds",
        body={
            "feedType": "JSON_LISTINGS_FEED",
            "marketplaceIds": api.marketplaces[:1],
            "inputFeedDocumentId": body["feedDocumentId"],
        },
    )
    assert status == 202
    validate(models, ff, "POST", "/feeds/2021-06-30/feeds", 202, feed)
    status, body, _ = await api.call("GET", f"/feeds/2021-06-30/feeds/{feed['feedId']}")
    validate(models, ff, "GET", "/feeds/2021-06-30/feeds/{feedId}", status, body)
    status, body, _ = await api.call(
        "GET", "/feeds/2021-06-30/feeds", params={"feedTypes": "JSON_LISTINGS_FEED"}
    )
    validate(models, ff, "GET", "/feeds/2021-06-30/feeds", status, body)
    emu.advance(60)
    status, body, _ = await api.call("GET", f"/feeds/2021-06-30/feeds/{feed['feedId']}")
    assert body["processingStatus"] == "FATAL"  # nothing was uploaded
    status, body, _ = await api.call(
        "GET", f"/feeds/2021-06-30/documents/{body['resultFeedDocumentId']}"
    )
    validate(models, ff, "GET", "/feeds/2021-06-30/documents/{feedDocumentId}", status, body)
