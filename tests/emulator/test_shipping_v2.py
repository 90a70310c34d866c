"""Shipping API v2 for Amazon orders: rates, a purchase that a repeat under the same
`x-amzn-IdempotencyKey` answers again without charging twice, token expiry, cancel."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.channels.amazon.emulator import Emulator
from tests.emulator.conftest import Api
from tests.emulator.contract import validate, validate_request
from tests.emulator.test_contract import unshipped_mfn

pytestmark = pytest.mark.network
MODEL = "shippingV2.json"
SHIP_FROM = {"name": "Packdesk Lager", "addressLine1": "Lagerstraße 1", "city": "Köln",
             "stateOrRegion": "NRW", "postalCode": "50667", "countryCode": "DE"}  # fmt: skip
DOCUMENT = {"format": "PDF", "size": {"width": 4, "length": 6, "unit": "INCH"},
            "needFileJoining": False, "requestedDocumentTypes": ["LABEL"]}  # fmt: skip


def rates_body(emu: Emulator, api: Api) -> dict:  # type: ignore[type-arg]
    order = emu.state.orders[unshipped_mfn(emu, api)]
    item = order.items[0]
    return {
        "shipFrom": SHIP_FROM,
        "packages": [
            {
                "dimensions": {"length": 30, "width": 20, "height": 10, "unit": "CENTIMETER"},
                "weight": {"value": 800, "unit": "GRAM"},
                "insuredValue": {"value": 20.0, "unit": "EUR"},
                "packageClientReferenceId": "1",
                "items": [{"itemIdentifier": item.item_id, "quantity": item.quantity}],
            }
        ],
        "channelDetails": {
            "channelType": "AMAZON",
            "amazonOrderDetails": {"orderId": order.order_id},
        },
    }


async def _purchase(api: Api, body: dict, key: str) -> tuple[int, dict]:  # type: ignore[type-arg]
    status, answer, _ = await api.call(
        "POST", "/shipping/v2/shipments", body=body, headers={"x-amzn-IdempotencyKey": key}
    )
    return status, answer


async def test_a_repeated_purchase_answers_the_first_label_and_charges_once(
    models: Path, emu: Emulator, api: Api
) -> None:
    status, rates, _ = await api.call(
        "POST", "/shipping/v2/shipments/rates", body=rates_body(emu, api)
    )
    assert status == 200, rates
    payload = rates["payload"]
    rate = payload["rates"][0]
    body = {"requestToken": payload["requestToken"], "rateId": rate["rateId"],
            "requestedDocumentSpecification": DOCUMENT}  # fmt: skip
    first_status, first = await _purchase(api, body, "packdesk-key-1")
    assert first_status == 200, first
    again_status, again = await _purchase(api, body, "packdesk-key-1")
    assert (again_status, again) == (first_status, first)  # the same label, found again
    assert len(emu.state.shipments) == 1
    # after the 10-minute window the same key still answers the purchase it made ...
    emu.advance(900)
    assert await _purchase(api, body, "packdesk-key-1") == (200, first)
    # ... while a new key with the stale token is refused, and nothing is bought
    status, stale = await _purchase(api, body, "packdesk-key-2")
    assert status == 400 and stale["errors"][0]["code"] == "TOKEN_EXPIRED"
    assert len(emu.state.shipments) == 1
    shipment_id = first["payload"]["shipmentId"]
    status, _, _ = await api.call("PUT", f"/shipping/v2/shipments/{shipment_id}/cancel")
    assert status == 200 and emu.state.shipments[shipment_id].status == "RefundPending"
    for x in emu.runtime.shipping_v2.exchanges:
        validate_request(models, MODEL, x["method"], x["route"], x["body"], x["headers"])
        validate(models, MODEL, x["method"], x["route"], x["status"], x["answer"])
    assert len(emu.runtime.shipping_v2.exchanges) == 5


async def test_a_business_id_outside_the_model_is_refused(emu: Emulator, api: Api) -> None:
    status, answer, _ = await api.call(
        "POST",
        "/shipping/v2/shipments/rates",
        body=rates_body(emu, api),
        headers={"x-amzn-shipping-business-id": "AmazonShipping_DE"},  # not in the model's enum
    )
    assert status == 400 and "x-amzn-shipping-business-id" in answer["errors"][0]["details"]
