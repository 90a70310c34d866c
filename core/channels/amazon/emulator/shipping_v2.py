"""Shipping API v2 for Amazon orders (Buy Shipping): getRates, purchaseShipment, cancelShipment.

`purchaseShipment` honours `x-amzn-IdempotencyKey` ("a unique value which the server uses to
recognize subsequent retries of the same request"): a repeat with a key it has seen answers the
first purchase again, whether or not the first answer ever reached the caller, and buys nothing.
A request token lives 10 minutes (then TOKEN_EXPIRED), as the model's description says.
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from aiohttp import web

from core.channels.amazon.emulator.app import GRANT
from core.channels.amazon.emulator.clock import iso
from core.channels.amazon.emulator.http import ApiError, invalid, json_body, json_response
from core.channels.amazon.emulator.mfn import SERVICES, Service, sell_label, ship_to_of
from core.channels.amazon.emulator.model import Order
from core.channels.amazon.emulator.runtime import RUNTIME, Runtime

TOKEN_TTL = 600.0  # "You must complete the purchase within 10 minutes of rate creation"
BUSINESS_IDS = (
    "AmazonShipping_US",
    "AmazonShipping_IN",
    "AmazonShipping_UK",
    "AmazonShipping_UAE",
    "AmazonShipping_SA",
    "AmazonShipping_EG",
    "AmazonShipping_IT",
    "AmazonShipping_ES",
    "AmazonShipping_FR",
    "AmazonShipping_JP",
)
FORMATS = ("PDF", "PNG", "ZPL")
DPIS = (203, 300)
LABEL_SIZE = {"width": 4, "length": 6, "unit": "INCH"}
WEIGHT_UNITS = {"GRAM": Decimal("0.001"), "KILOGRAM": Decimal(1), "OUNCE": Decimal("0.0283495"),
                "POUND": Decimal("0.453592")}  # fmt: skip


@dataclass
class RateRequest:
    """What one getRates answered, so purchaseShipment can hold a purchase to it."""

    seller_id: str
    order_id: str
    package_reference: str
    weight_kg: Decimal
    ship_from: tuple[str, ...]
    created: float
    rates: dict[str, Service] = field(default_factory=dict)
    body: dict[str, Any] = field(default_factory=dict)  # the getRates request itself


@dataclass
class ShippingV2State:
    """Request tokens, purchases by idempotency key, and every exchange (for contract tests)."""

    requests: dict[str, RateRequest] = field(default_factory=dict)
    purchases: dict[tuple[str, str], tuple[int, dict[str, Any]]] = field(default_factory=dict)
    exchanges: list[dict[str, Any]] = field(default_factory=list)


def state_of(rt: Runtime) -> ShippingV2State:
    """The runtime's Shipping v2 state."""
    return rt.shipping_v2


def _business(request: web.Request) -> None:
    value = request.headers.get("x-amzn-shipping-business-id")
    if value is not None and value not in BUSINESS_IDS:
        raise invalid("Invalid Input", f"Invalid x-amzn-shipping-business-id {value!r}.")


def _order(rt: Runtime, request: web.Request, body: dict[str, Any]) -> Order:
    channel = body.get("channelDetails")
    if not isinstance(channel, dict) or channel.get("channelType") not in ("AMAZON", "EXTERNAL"):
        raise invalid("Invalid Input", "channelDetails.channelType must be AMAZON or EXTERNAL.")
    if channel["channelType"] != "AMAZON":
        raise invalid("Invalid Input", "Only Amazon orders are emulated (channelType AMAZON).")
    order_id = str((channel.get("amazonOrderDetails") or {}).get("orderId") or "")
    if not order_id:
        raise invalid("Invalid Input", "amazonOrderDetails.orderId is required for AMAZON.")
    order = rt.state.order_for(request[GRANT].seller_id or "", order_id)
    if order is None:
        raise invalid("Invalid Input", f"Order {order_id} not found.")
    if order.channel != "MFN" or order.status not in ("Unshipped", "PartiallyShipped"):
        raise invalid("Invalid Input", f"Order {order_id} is not an unshipped seller order.")
    return order


def _package(order: Order, body: dict[str, Any]) -> tuple[str, Decimal]:
    packages = body.get("packages")
    if not isinstance(packages, list) or len(packages) != 1 or not isinstance(packages[0], dict):
        raise invalid("Invalid Input", "An Amazon order's shipment has exactly one package.")
    package = packages[0]
    for name in ("dimensions", "weight", "insuredValue", "items", "packageClientReferenceId"):
        if package.get(name) in (None, "", []):
            raise invalid("Invalid Input", f"packages[0].{name} is required.")
    weight = package["weight"]
    if weight.get("unit") not in WEIGHT_UNITS or not isinstance(weight.get("value"), int | float):
        raise invalid("Invalid Input", "packages[0].weight needs a unit and a numeric value.")
    if (package["dimensions"] or {}).get("unit") not in ("INCH", "CENTIMETER"):
        raise invalid("Invalid Input", "packages[0].dimensions.unit must be INCH or CENTIMETER.")
    ids = {i.item_id for i in order.items}
    for item in package["items"]:
        if not isinstance(item, dict) or not isinstance(item.get("quantity"), int):
            raise invalid("Invalid Input", "Every item needs an integer quantity.")
        if item.get("itemIdentifier") not in ids:
            raise invalid(
                "Invalid Input", f"Item {item.get('itemIdentifier')} is not in the order."
            )
    kg = Decimal(str(weight["value"])) * WEIGHT_UNITS[weight["unit"]]
    return str(package["packageClientReferenceId"]), kg


def _ship_from(body: dict[str, Any]) -> tuple[str, ...]:
    address = body.get("shipFrom")
    required = ("name", "addressLine1", "stateOrRegion", "city", "countryCode", "postalCode")
    for name in required:
        if not isinstance(address, dict) or not str(address.get(name) or "").strip():
            raise invalid("Invalid Input", f"shipFrom.{name} is required.")
    assert isinstance(address, dict)
    return (
        str(address["name"]),
        str(address["addressLine1"]),
        f"{address['postalCode']} {address['city']}",
        str(address["countryCode"]),
    )


def _rate(rt: Runtime, order: Order, spec: Service, kg: Decimal, now: float) -> dict[str, Any]:
    sid, carrier, name, base, per_kg, days, _ = spec
    charge = (Decimal(base) + Decimal(per_kg) * kg).quantize(Decimal("0.01"))
    return {
        "rateId": rt.state.new_uuid(),
        "carrierId": carrier,
        "carrierName": carrier,
        "serviceId": sid,
        "serviceName": name,
        "totalCharge": {"value": float(charge), "unit": order.currency},
        "promise": {
            "deliveryWindow": {
                "start": iso(now + days * 86400),
                "end": iso(now + (days + 1) * 86400),
            },
            "pickupWindow": {"start": iso(now), "end": iso(now + 86400)},
        },
        "supportedDocumentSpecifications": [
            {
                "format": fmt,
                "size": LABEL_SIZE,
                "printOptions": [
                    {
                        "supportedDPIs": list(DPIS),
                        "supportedPageLayouts": ["DEFAULT"],
                        "supportedFileJoiningOptions": [False],
                        "supportedDocumentDetails": [{"name": "LABEL", "isMandatory": True}],
                    }
                ],
            }
            for fmt in FORMATS
        ],
        "requiresAdditionalInputs": False,
    }


async def get_rates(request: web.Request) -> web.Response:
    """``POST /shipping/v2/shipments/rates``."""
    rt = request.app[RUNTIME]
    _business(request)
    body = await json_body(request)
    order = _order(rt, request, body)
    reference, kg = _package(order, body)
    ship_from = _ship_from(body)
    now = rt.clock.now()
    token = rt.state.new_token()
    asked = RateRequest(order.seller_id, order.order_id, reference, kg, ship_from, now, body=body)
    rates = []
    for spec in SERVICES:
        rate = _rate(rt, order, spec, kg, now)
        asked.rates[rate["rateId"]] = spec
        rates.append(rate)
    state_of(rt).requests[token] = asked
    answer = {"payload": {"requestToken": token, "rates": rates, "ineligibleRates": []}}
    return _recorded(rt, request, body, 200, answer)


def _document_format(spec: Any) -> str:
    """The emulator's label format for a requested document specification (400 if unsupported)."""
    if not isinstance(spec, dict):
        raise invalid("Invalid Input", "requestedDocumentSpecification is required.")
    for name in ("format", "size", "needFileJoining", "requestedDocumentTypes"):
        if spec.get(name) is None:
            raise invalid("Invalid Input", f"requestedDocumentSpecification.{name} is required.")
    fmt, dpi = spec["format"], spec.get("dpi")
    if fmt not in FORMATS or (dpi is not None and dpi not in DPIS):
        raise invalid("Invalid Input", "The document specification is not among the rate's.")
    if spec["requestedDocumentTypes"] != ["LABEL"] or spec["needFileJoining"] is not False:
        raise invalid("Invalid Input", "The document specification is not among the rate's.")
    return "ZPL203" if fmt == "ZPL" else str(fmt)


async def purchase_shipment(request: web.Request) -> web.Response:
    """``POST /shipping/v2/shipments``: buys the label of one rate, once per idempotency key."""
    rt = request.app[RUNTIME]
    _business(request)
    body = await json_body(request)
    seller = request[GRANT].seller_id or ""
    key = request.headers.get("x-amzn-IdempotencyKey")
    v2 = state_of(rt)
    if key and (seller, key) in v2.purchases:
        status, answer = v2.purchases[(seller, key)]
        return _recorded(rt, request, body, status, answer)  # the same purchase, not a new one
    for name in ("requestToken", "rateId", "requestedDocumentSpecification"):
        if not body.get(name):
            raise invalid("Invalid Input", f"{name} is required.")
    now = rt.clock.now()
    asked = v2.requests.get(str(body["requestToken"]))
    if asked is None or asked.seller_id != seller:
        raise invalid("Invalid Input", "The requestToken is not valid.")
    if now - asked.created > TOKEN_TTL:
        raise ApiError(400, "TOKEN_EXPIRED", "The request token has expired; get rates again.")
    spec = asked.rates.get(str(body["rateId"]))
    if spec is None:
        raise invalid("Invalid Input", "The rateId does not belong to this requestToken.")
    fmt = _document_format(body["requestedDocumentSpecification"])
    order = rt.state.order_for(seller, asked.order_id)
    if order is None or order.status not in ("Unshipped", "PartiallyShipped"):
        raise invalid("Invalid Input", f"Order {asked.order_id} can no longer be shipped.")
    shipment = sell_label(rt, order, spec, fmt, asked.ship_from, asked.weight_kg, now)
    shipment.request = {**body, "_ship_to": ship_to_of(order), "_service": {}, "_rates": asked.body}
    answer = {
        "payload": {
            "shipmentId": shipment.shipment_id,
            "packageDocumentDetails": [
                {
                    "packageClientReferenceId": asked.package_reference,
                    "trackingId": shipment.tracking_id,
                    "packageDocuments": [
                        {
                            "type": "LABEL",
                            "format": str(body["requestedDocumentSpecification"]["format"]),
                            "contents": base64.b64encode(shipment.label_bytes).decode(),
                        }
                    ],
                }
            ],
            "promise": {"deliveryWindow": {"start": iso(now + 2 * 86400)}},
        }
    }
    if key:
        v2.purchases[(seller, key)] = (200, answer)
    return _recorded(rt, request, body, 200, answer)


async def cancel_shipment(request: web.Request) -> web.Response:
    """``PUT /shipping/v2/shipments/{shipmentId}/cancel``: the label is refunded."""
    rt = request.app[RUNTIME]
    _business(request)
    sid = request.match_info["shipmentId"]
    shipment = rt.state.shipments.get(sid)
    if shipment is None or shipment.seller_id != request[GRANT].seller_id:
        raise ApiError(404, "NotFound", "Shipment not found.", f"No shipment {sid}.")
    if shipment.status != "Purchased":
        raise invalid("Invalid Input", f"Shipment {sid} is already {shipment.status}.")
    shipment.status = "RefundPending"
    shipment.updated = rt.clock.now()
    return _recorded(rt, request, None, 200, {"payload": {}})


def _recorded(
    rt: Runtime, request: web.Request, body: Any, status: int, answer: dict[str, Any]
) -> web.Response:
    """Answer, and keep the exchange so tests can hold both sides to Amazon's model."""
    route = request.match_info.route.resource
    state_of(rt).exchanges.append(
        {
            "method": request.method,
            "route": route.canonical if route is not None else request.path,
            "headers": {k: v for k, v in request.headers.items() if k.lower().startswith("x-amzn")},
            "body": body,
            "status": status,
            "answer": json.loads(json.dumps(answer)),
        }
    )
    return json_response(answer, status)


ROUTES = [
    ("POST", "/shipping/v2/shipments/rates", get_rates, "shipping.getRates"),
    ("POST", "/shipping/v2/shipments", purchase_shipment, "shipping.purchaseShipment"),
    ("PUT", "/shipping/v2/shipments/{shipmentId}/cancel", cancel_shipment,
     "shipping.cancelShipment"),
]  # fmt: skip
