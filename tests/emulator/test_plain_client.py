"""Any SP-API client works against the emulator: this one knows nothing of Packdesk's code."""

from __future__ import annotations

import aiohttp
import pytest

from core.channels.amazon.emulator import run_emulator

pytestmark = pytest.mark.network


async def test_a_plain_aiohttp_client_reads_and_confirms_orders() -> None:
    async with run_emulator(seed=3, accounts=1, orders=20) as emu:
        creds = dict(emu.credentials)  # what a user would paste into any client's config
    # Start again on the same seed, then talk to it only through HTTP with the credentials above.
    async with run_emulator(seed=3, accounts=1, orders=20) as emu, aiohttp.ClientSession() as http:
        base, account = emu.url, creds["accounts"][0]
        form = {
            "grant_type": "refresh_token",
            "refresh_token": account["refresh_token"],
            "client_id": creds["client_id"],
            "client_secret": creds["client_secret"],
        }
        async with http.post(base + "/auth/o2/token", data=form) as r:
            assert r.status == 200 and r.headers["Cache-Control"] == "no-store"
            lwa = await r.json()
        assert (
            lwa["token_type"] == "bearer"
            and lwa["expires_in"] == 3600
            and lwa["access_token"].startswith("Atza|")
        )
        headers = {
            "x-amz-access-token": lwa["access_token"],
            "user-agent": "plain-client/0.1 (Language=Python)",
        }
        query = {
            "MarketplaceIds": account["marketplace_ids"][0],
            "CreatedAfter": "2020-01-01T00:00:00Z",
            "OrderStatuses": "Unshipped",
            "FulfillmentChannels": "MFN",
        }
        async with http.get(base + "/orders/v0/orders", params=query, headers=headers) as r:
            assert (
                r.status == 200
                and r.headers["x-amzn-RateLimit-Limit"] == "0.0167"
                and r.headers["x-amzn-RequestId"]
            )
            order = (await r.json())["payload"]["Orders"][0]
        async with http.get(
            f"{base}/orders/v0/orders/{order['AmazonOrderId']}/orderItems", headers=headers
        ) as r:
            items = (await r.json())["payload"]["OrderItems"]
        confirmation = {
            "marketplaceId": order["MarketplaceId"],
            "packageDetail": {
                "packageReferenceId": "1",
                "carrierCode": "DHL",
                "trackingNumber": "123456789",
                "shipDate": "2026-03-01T10:00:00Z",
                "orderItems": [
                    {"orderItemId": i["OrderItemId"], "quantity": i["QuantityOrdered"]}
                    for i in items
                ],
            },
        }
        async with http.post(
            f"{base}/orders/v0/orders/{order['AmazonOrderId']}/shipmentConfirmation",
            json=confirmation,
            headers=headers,
        ) as r:
            assert r.status == 204
        async with http.get(
            f"{base}/orders/v0/orders/{order['AmazonOrderId']}", headers=headers
        ) as r:
            assert (await r.json())["payload"]["OrderStatus"] == "Shipped"
        async with http.get(base + "/_emulator/state") as r:
            state = await r.json()
        assert [c["order_id"] for c in state["confirmations"]] == [order["AmazonOrderId"]]
