"""LWA, token expiry, restricted data tokens, order validation, confirmShipment and order progress."""

from __future__ import annotations

import pytest

from core.channels.amazon.emulator import Emulator
from core.channels.amazon.emulator.clock import iso
from tests.emulator.conftest import Api, since

pytestmark = pytest.mark.network


def unshipped(emu: Emulator, api: Api, lines: int = 1):  # type: ignore[no-untyped-def]
    return next(
        o
        for o in emu.state.orders.values()
        if o.seller_id == api.seller_id
        and o.channel == "MFN"
        and o.status == "Unshipped"
        and len(o.items) >= lines
    )


async def test_lwa_accepts_form_and_json_and_refuses_bad_clients(emu: Emulator, api: Api) -> None:
    creds = emu.credentials
    good = {
        "grant_type": "refresh_token",
        "refresh_token": api.account["refresh_token"],
        "client_id": creds["client_id"],
        "client_secret": creds["client_secret"],
    }
    async with api.session.post(creds["lwa_url"], json=good) as r:
        assert r.status == 200 and (await r.json())["expires_in"] == 3600
    async with api.session.post(creds["lwa_url"], data={**good, "client_secret": "nope"}) as r:
        assert r.status == 401 and (await r.json())["error"] == "invalid_client"
    async with api.session.post(
        creds["lwa_url"], data={**good, "refresh_token": "Atzr|revoked"}
    ) as r:
        assert r.status == 400 and (await r.json())["error"] == "invalid_grant"
    async with api.session.post(
        creds["lwa_url"],
        data={
            **good,
            "grant_type": "client_credentials",
            "scope": "sellingpartnerapi::notifications",
        },
    ) as r:
        body = await r.json()
        assert (
            r.status == 200
            and body["scope"] == "sellingpartnerapi::notifications"
            and "refresh_token" not in body
        )


async def test_tokens_expire_after_an_hour_of_emulated_time(emu: Emulator, api: Api) -> None:
    order = unshipped(emu, api)
    status, body, _ = await api.call("GET", f"/orders/v0/orders/{order.order_id}", token="")
    assert (
        status == 403
        and body["errors"][0]["details"] == "Access token is missing in the request header."
    )
    status, body, _ = await api.call(
        "GET", f"/orders/v0/orders/{order.order_id}", token="Atza|forged"
    )
    assert status == 403 and body["errors"][0]["code"] == "Unauthorized"
    emu.advance(3599)
    assert (await api.call("GET", f"/orders/v0/orders/{order.order_id}"))[0] == 200
    emu.advance(2)
    status, body, headers = await api.call("GET", f"/orders/v0/orders/{order.order_id}")
    assert (
        status == 403
        and "expired" in body["errors"][0]["details"]
        and "x-amzn-RateLimit-Limit" not in headers
    )
    await api.login()
    assert (await api.call("GET", f"/orders/v0/orders/{order.order_id}"))[0] == 200


async def test_personal_data_needs_a_restricted_data_token(emu: Emulator, api: Api) -> None:
    order = unshipped(emu, api)
    path = f"/orders/v0/orders/{order.order_id}"
    _, body, _ = await api.call("GET", path)
    assert (
        "Name" not in body["payload"]["ShippingAddress"]
        and body["payload"]["ShippingAddress"]["City"] == order.address.city
    )
    _, rdt, _ = await api.call(
        "POST",
        "/tokens/2021-03-01/restrictedDataToken",
        body={
            "restrictedResources": [
                {
                    "method": "GET",
                    "path": "/orders/v0/orders/{orderId}",
                    "dataElements": ["shippingAddress", "buyerInfo"],
                }
            ]
        },
    )
    assert rdt["restrictedDataToken"].startswith("Atz.sprdt|") and rdt["expiresIn"] == 3600
    _, body, _ = await api.call("GET", path, token=rdt["restrictedDataToken"])
    assert body["payload"]["ShippingAddress"]["Name"] == order.address.name
    assert body["payload"]["BuyerInfo"]["BuyerName"] == order.buyer_name
    status, _, _ = await api.call("GET", path + "/orderItems", token=rdt["restrictedDataToken"])
    assert status == 403  # the RDT covers only the path it was made for
    emu.state.pii_requires_rdt = False
    _, body, _ = await api.call("GET", path)
    assert body["payload"]["ShippingAddress"]["AddressLine1"] == order.address.line1


@pytest.mark.parametrize(
    ("params", "fragment"),
    [
        ({"CreatedAfter": "2020-01-01T00:00:00Z"}, "MarketplaceIds"),
        ({"MarketplaceIds": "{m}"}, "Either CreatedAfter or LastUpdatedAfter"),
        (
            {
                "MarketplaceIds": "{m}",
                "CreatedAfter": "2020-01-01T00:00:00Z",
                "LastUpdatedAfter": "2020-01-01T00:00:00Z",
            },
            "cannot be combined",
        ),
        ({"MarketplaceIds": "{m}", "CreatedAfter": "{now}"}, "two minutes"),
        (
            {
                "MarketplaceIds": "{m}",
                "CreatedAfter": "2020-01-01T00:00:00Z",
                "CreatedBefore": "{now}",
            },
            "two minutes",
        ),
        ({"MarketplaceIds": "{m}", "CreatedAfter": "yesterday"}, "ISO 8601"),
        (
            {
                "MarketplaceIds": "{m}",
                "CreatedAfter": "2020-01-01T00:00:00Z",
                "MaxResultsPerPage": "101",
            },
            "between 1 and 100",
        ),
        (
            {
                "MarketplaceIds": "{m}",
                "CreatedAfter": "2020-01-01T00:00:00Z",
                "OrderStatuses": "Lost",
            },
            "OrderStatuses",
        ),
        (
            {"MarketplaceIds": "A1C3SOZRARQ6R3", "CreatedAfter": "2020-01-01T00:00:00Z"},
            "not a marketplace of this seller",
        ),
    ],
)
async def test_get_orders_validates_like_amazon(
    emu: Emulator, api: Api, params: dict[str, str], fragment: str
) -> None:
    now = iso(emu.now())
    query = {
        k: v.replace("{m}", api.marketplaces[0]).replace("{now}", now) for k, v in params.items()
    }
    status, body, headers = await api.call("GET", "/orders/v0/orders", params=query)
    assert status == 400 and headers["x-amzn-RateLimit-Limit"] == "0.0167"
    error = body["errors"][0]
    assert error["code"] == "InvalidInput" and fragment in error["message"] + error.get(
        "details", ""
    )


async def test_next_tokens_are_bound_to_their_filters(emu: Emulator, api: Api) -> None:
    query = {
        "marketplaceIds": ",".join(api.marketplaces),
        "createdAfter": since(0),
        "maxResultsPerPage": "3",
    }
    _, first, _ = await api.call("GET", "/orders/2026-01-01/orders", params=query)
    token = first["pagination"]["nextToken"]
    status, body, _ = await api.call(
        "GET",
        "/orders/2026-01-01/orders",
        params={**query, "fulfilledBy": "AMAZON", "paginationToken": token},
    )
    assert status == 400 and "other filters" in body["errors"][0]["details"]
    _, second, _ = await api.call(
        "GET", "/orders/2026-01-01/orders", params={**query, "paginationToken": token}
    )
    assert not {o["orderId"] for o in first["orders"]} & {o["orderId"] for o in second["orders"]}
    emu.advance(25 * 3600)
    await api.login()
    status, body, _ = await api.call(
        "GET", "/orders/2026-01-01/orders", params={**query, "paginationToken": token}
    )
    assert status == 400 and "expired" in body["errors"][0]["details"]


async def test_confirm_shipment_partially_then_fully(emu: Emulator, api: Api) -> None:
    order = unshipped(emu, api)
    item = order.items[0]
    item.quantity = 3
    path = f"/orders/v0/orders/{order.order_id}/shipmentConfirmation"

    def body(
        ref: object, qty: int, item_id: str = item.item_id, **extra: object
    ) -> dict[str, object]:
        detail = {
            "packageReferenceId": ref,
            "carrierCode": "DHL",
            "trackingNumber": f"T{ref}",
            "shipDate": "2026-02-01T10:00:00Z",
            "orderItems": [{"orderItemId": item_id, "quantity": qty}],
            **extra,
        }
        return {"marketplaceId": order.marketplace_id, "packageDetail": detail}

    cases = [
        (body(1, 1), "invalid type [packageDetail.packageReferenceId]"),
        (body("0", 1), "must be a positive numeric value"),
        (body("abc", 1), "must be a positive numeric value"),
        (body("1", 1, item_id="123"), "OrderItemId 123 is invalid"),
        (body("1", 1, carrierCode="Other"), "carrierName is required"),
        (body("1", 9), "order already fulfilled"),
    ]
    for payload, fragment in cases:
        status, answer, _ = await api.call("POST", path, body=payload)
        assert status == 400, payload
        error = answer["errors"][0]
        assert fragment in error["message"] + error.get("details", "")
    assert (await api.call("POST", path, body=body("1", 1)))[0] == 204
    assert emu.state.orders[order.order_id].status == "PartiallyShipped"
    assert (await api.call("POST", path, body=body("1", 1)))[
        0
    ] == 204  # the same confirmation again changes nothing
    assert item.quantity_shipped == 1
    for other in order.items[1:]:
        other_body = body("9", other.quantity, item_id=other.item_id)
        assert (await api.call("POST", path, body=other_body))[0] == 204
    assert (await api.call("POST", path, body=body("2", 2)))[0] == 204
    assert emu.state.orders[order.order_id].status == "Shipped"
    assert (
        len([c for c in emu.state.confirmations if c["order_id"] == order.order_id])
        == len(order.items) + 1
    )
    _, v26, _ = await api.call(
        "GET",
        f"/orders/2026-01-01/orders/{order.order_id}",
        params={"includedData": "PACKAGES,FULFILLMENT"},
    )
    assert v26["order"]["fulfillment"]["fulfillmentStatus"] == "SHIPPED"
    assert [p["trackingNumber"] for p in v26["order"]["packages"]][:1] == ["T1"]


async def test_orders_move_on_and_new_ones_arrive(emu: Emulator, api: Api) -> None:
    pending_afn = [
        o for o in emu.state.orders.values() if o.channel == "AFN" and o.status != "Shipped"
    ]
    before = len(emu.state.orders)
    high_water = iso(emu.now() - 300)
    emu.advance(2 * 86400)
    assert len(emu.state.orders) > before
    assert all(o.status == "Shipped" for o in pending_afn)
    assert not [
        o
        for o in emu.state.orders.values()
        if o.status == "Pending" and o.pending_until and o.pending_until < emu.now()
    ]
    await api.login()
    _, body, _ = await api.call(
        "GET",
        "/orders/v0/orders",
        params={"MarketplaceIds": ",".join(api.marketplaces), "LastUpdatedAfter": high_water},
    )
    assert body["payload"]["Orders"] and all(
        o["LastUpdateDate"] >= high_water for o in body["payload"]["Orders"]
    )
