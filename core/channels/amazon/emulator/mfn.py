"""Merchant Fulfillment v0 (Buy Shipping): eligible services, labels with tracking ids, cancel."""

from __future__ import annotations

import base64
import gzip
import hashlib
from decimal import Decimal
from typing import Any

from aiohttp import web

from core.channels.amazon.emulator import labels
from core.channels.amazon.emulator.app import GRANT
from core.channels.amazon.emulator.clock import iso
from core.channels.amazon.emulator.http import ApiError, invalid, json_body, json_response
from core.channels.amazon.emulator.model import LabelShipment, Order
from core.channels.amazon.emulator.runtime import RUNTIME, Runtime

# (service id, carrier, name, base rate, per kg, days, tracking prefix)
Service = tuple[str, str, str, str, str, int, str]
SERVICES: tuple[Service, ...] = (
    ("DHL_PAKET", "DHL", "DHL Paket", "4.99", "0.40", 2, "00340434"),
    ("DPD_CLASSIC", "DPD", "DPD Classic", "5.49", "0.35", 2, "0163"),
    ("UPS_STANDARD", "UPS", "UPS Standard", "7.90", "0.55", 1, "1Z"),
)
DELIVERY_EXPERIENCES = (
    "DeliveryConfirmationWithAdultSignature",
    "DeliveryConfirmationWithSignature",
    "DeliveryConfirmationWithoutSignature",
    "NoTracking",
)
LABEL_FORMATS = ("PDF", "PNG", "ZPL203", "ShippingServiceDefault")


def _details(
    rt: Runtime, request: web.Request, body: dict[str, Any]
) -> tuple[dict[str, Any], Order]:
    details = body.get("ShipmentRequestDetails")
    if not isinstance(details, dict):
        raise invalid("1 validation error detected: ShipmentRequestDetails must not be null")
    for name in (
        "AmazonOrderId",
        "ItemList",
        "ShipFromAddress",
        "PackageDimensions",
        "Weight",
        "ShippingServiceOptions",
    ):
        if details.get(name) in (None, "", []):
            raise invalid(
                f"1 validation error detected: Value null at 'shipmentRequestDetails.{name[0].lower() + name[1:]}' failed to satisfy constraint: Member must not be null"
            )
    order = rt.state.order_for(request[GRANT].seller_id or "", str(details["AmazonOrderId"]))
    if order is None:
        raise invalid("Invalid AmazonOrderId", f"Order {details['AmazonOrderId']} not found.")
    if order.channel != "MFN" or order.status not in ("Unshipped", "PartiallyShipped"):
        raise invalid(
            "Invalid Input", f"Order {order.order_id} is not an unshipped seller-fulfilled order."
        )
    ids = {i.item_id for i in order.items}
    for item in details["ItemList"]:
        if (
            not isinstance(item, dict)
            or item.get("OrderItemId") not in ids
            or not isinstance(item.get("Quantity"), int)
        ):
            raise invalid(
                "Invalid Input", "ItemList contains an OrderItemId that is not in the order."
            )
    address = details["ShipFromAddress"]
    for name in ("Name", "AddressLine1", "Email", "City", "PostalCode", "CountryCode", "Phone"):
        if not isinstance(address, dict) or not address.get(name):
            raise invalid(
                f"1 validation error detected: Value null at 'shipmentRequestDetails.shipFromAddress.{name[0].lower() + name[1:]}' failed to satisfy constraint: Member must not be null"
            )
    if len(str(address["CountryCode"])) != 2:
        raise invalid(
            f"1 validation error detected: Value '{address['CountryCode']}' at 'shipmentRequestDetails.shipFromAddress.countryCode' failed to satisfy constraint: Member must have length less than or equal to 2"
        )
    options = details["ShippingServiceOptions"]
    if options.get("DeliveryExperience") not in DELIVERY_EXPERIENCES or not isinstance(
        options.get("CarrierWillPickUp"), bool
    ):
        raise invalid(
            "Invalid Input",
            "ShippingServiceOptions needs DeliveryExperience and CarrierWillPickUp.",
        )
    if options.get("LabelFormat", "ShippingServiceDefault") not in LABEL_FORMATS:
        raise invalid(
            "Invalid Input", f"LabelFormat {options.get('LabelFormat')} is not supported."
        )
    return details, order


def _weight_kg(details: dict[str, Any]) -> Decimal:
    weight = details["Weight"]
    value = Decimal(str(weight.get("Value", 0)))
    return value / 1000 if weight.get("Unit") == "g" else value * Decimal("0.0283495")


def _service(
    rt: Runtime, order: Order, details: dict[str, Any], spec: Service, now: float
) -> dict[str, Any]:
    sid, carrier, name, base, per_kg, days, _ = spec
    rate = (Decimal(base) + Decimal(per_kg) * _weight_kg(details)).quantize(Decimal("0.01"))
    amount = {"CurrencyCode": order.currency, "Amount": float(rate)}
    options = details["ShippingServiceOptions"]
    return {
        "ShippingServiceName": name,
        "CarrierName": carrier,
        "ShippingServiceId": sid,
        "ShippingServiceOfferId": base64.b64encode(
            f"{order.order_id}|{sid}|{rate}".encode()
        ).decode(),
        "ShipDate": iso(now),
        "EarliestEstimatedDeliveryDate": iso(now + days * 86400),
        "LatestEstimatedDeliveryDate": iso(now + (days + 1) * 86400),
        "Rate": amount,
        "RateWithAdjustments": amount,
        "ShippingServiceOptions": {
            "DeliveryExperience": options["DeliveryExperience"],
            "CarrierWillPickUp": options["CarrierWillPickUp"],
            "LabelFormat": options.get("LabelFormat", "ShippingServiceDefault"),
        },
        "AvailableLabelFormats": ["PDF", "PNG", "ZPL203"],
        "AvailableFormatOptionsForLabel": [
            {"LabelFormat": f, "IncludePackingSlipWithLabel": False}
            for f in ("PDF", "PNG", "ZPL203")
        ],
        "RequiresAdditionalSellerInputs": False,
    }


async def eligible_services(request: web.Request) -> web.Response:
    """``POST /mfn/v0/eligibleShippingServices``."""
    rt = request.app[RUNTIME]
    details, order = _details(rt, request, await json_body(request))
    now = rt.clock.now()
    services = [_service(rt, order, details, s, now) for s in SERVICES]
    return json_response(
        {
            "payload": {
                "ShippingServiceList": services,
                "RejectedShippingServiceList": [],
                "TemporarilyUnavailableCarrierList": [],
                "TermsAndConditionsNotAcceptedCarrierList": [],
            }
        }
    )


def shipment_json(s: LabelShipment, *, with_label: bool = True) -> dict[str, Any]:
    """The Shipment object."""
    details = s.request["ShipmentRequestDetails"]
    compressed = gzip.compress(s.label_bytes, mtime=0)
    ship_to = s.request["_ship_to"]
    out: dict[str, Any] = {
        "ShipmentId": s.shipment_id,
        "AmazonOrderId": s.order_id,
        "ItemList": details["ItemList"],
        "ShipFromAddress": details["ShipFromAddress"],
        "ShipToAddress": ship_to,
        "PackageDimensions": details["PackageDimensions"],
        "Weight": details["Weight"],
        "Insurance": {"CurrencyCode": s.currency, "Amount": 0.0},
        "ShippingService": s.request["_service"],
        "Label": {
            "Dimensions": {"Length": 6.0, "Width": 4.0, "Unit": "inches"},
            "FileContents": {
                "Contents": base64.b64encode(compressed).decode() if with_label else "",
                "FileType": s.file_type,
                "Checksum": base64.b64encode(hashlib.md5(s.label_bytes).digest()).decode(),
            },
            "LabelFormat": s.label_format,
        },
        "Status": s.status,
        "TrackingId": s.tracking_id,
        "CreatedDate": iso(s.created),
        "LastUpdatedDate": iso(s.updated or s.created),
    }
    return out


async def create_shipment(request: web.Request) -> web.Response:
    """``POST /mfn/v0/shipments``: buys a label."""
    rt = request.app[RUNTIME]
    body = await json_body(request)
    details, order = _details(rt, request, body)
    spec = next((s for s in SERVICES if s[0] == body.get("ShippingServiceId")), None)
    if spec is None:
        raise invalid(
            "Invalid ShippingServiceId",
            f"Unknown ShippingServiceId {body.get('ShippingServiceId')!r}.",
        )
    now = rt.clock.now()
    service = _service(rt, order, details, spec, now)
    if body.get("ShippingServiceOfferId") not in (None, service["ShippingServiceOfferId"]):
        raise invalid(
            "Invalid ShippingServiceOfferId",
            "The offer is not valid for this shipment; call getEligibleShipmentServices again.",
        )
    fmt = details["ShippingServiceOptions"].get("LabelFormat", "ShippingServiceDefault")
    fmt = "PDF" if fmt == "ShippingServiceDefault" else fmt
    sender = details["ShipFromAddress"]
    ship_from = (
        str(sender["Name"]),
        str(sender["AddressLine1"]),
        f"{sender['PostalCode']} {sender['City']}",
        str(sender["CountryCode"]),
    )
    shipment = sell_label(rt, order, spec, fmt, ship_from, _weight_kg(details), now)
    shipment.request = {**body, "_ship_to": ship_to_of(order), "_service": service}
    shipment.rate = Decimal(str(service["Rate"]["Amount"]))
    return json_response({"payload": shipment_json(shipment)})


def ship_to_of(order: Order) -> dict[str, str]:
    """The buyer's address as Merchant Fulfillment shows it."""
    a = order.address
    ship_to = {
        "Name": a.name,
        "AddressLine1": a.line1,
        "City": a.city,
        "PostalCode": a.postal_code,
        "CountryCode": a.country_code,
        "Email": order.buyer_email,
        "Phone": a.phone or "",
    }
    if a.line2:
        ship_to["AddressLine2"] = a.line2
    return ship_to


def sell_label(
    rt: Runtime,
    order: Order,
    spec: Service,
    fmt: str,
    ship_from: tuple[str, ...],
    weight_kg: Decimal,
    now: float,
) -> LabelShipment:
    """Charge the seller for a label of service `spec` and keep it (both APIs sell these)."""
    number = len(rt.state.shipments) + 1
    digest = hashlib.sha256(f"{rt.seed}:{order.order_id}:{number}".encode()).hexdigest()
    tracking = f"{spec[6]}{int(digest, 16) % 10**10:010d}"
    a = order.address
    text = labels.LabelText(
        carrier=spec[1],
        service=spec[2],
        tracking_id=tracking,
        order_id=order.order_id,
        ship_to=tuple(
            x
            for x in (
                a.name,
                a.company,
                a.line1,
                a.line2,
                f"{a.postal_code} {a.city}",
                a.country_code,
            )
            if x
        ),
        ship_from=ship_from,
        weight=f"{weight_kg:.2f} kg",
    )
    data, file_type = labels.render(fmt, text)
    rate = (Decimal(spec[3]) + Decimal(spec[4]) * weight_kg).quantize(Decimal("0.01"))
    shipment = LabelShipment(
        shipment_id=rt.state.new_uuid(),
        seller_id=order.seller_id,
        order_id=order.order_id,
        service_id=spec[0],
        carrier=spec[1],
        service_name=spec[2],
        tracking_id=tracking,
        label_format=fmt,
        label_bytes=data,
        file_type=file_type,
        created=now,
        request={},
        rate=rate,
        currency=order.currency,
        updated=now,
    )
    rt.state.shipments[shipment.shipment_id] = shipment
    return shipment


def _shipment(request: web.Request) -> LabelShipment:
    rt = request.app[RUNTIME]
    sid = request.match_info["shipmentId"]
    shipment = rt.state.shipments.get(sid)
    if shipment is None or shipment.seller_id != request[GRANT].seller_id:
        raise ApiError(404, "NotFound", "Shipment not found.", f"No shipment {sid}.")
    return shipment


async def get_shipment(request: web.Request) -> web.Response:
    """``GET /mfn/v0/shipments/{shipmentId}``."""
    return json_response({"payload": shipment_json(_shipment(request))})


async def cancel_shipment(request: web.Request) -> web.Response:
    """``DELETE /mfn/v0/shipments/{shipmentId}``: the label is refunded."""
    shipment = _shipment(request)
    if shipment.status != "Purchased":
        raise invalid(
            "Invalid Input", f"Shipment {shipment.shipment_id} is already {shipment.status}."
        )
    shipment.status = "RefundPending"
    shipment.updated = request.app[RUNTIME].clock.now()
    return json_response({"payload": shipment_json(shipment)})


ROUTES = [
    (
        "POST",
        "/mfn/v0/eligibleShippingServices",
        eligible_services,
        "mfn.getEligibleShipmentServices",
    ),
    ("POST", "/mfn/v0/shipments", create_shipment, "mfn.createShipment"),
    ("GET", "/mfn/v0/shipments/{shipmentId}", get_shipment, "mfn.getShipment"),
    ("DELETE", "/mfn/v0/shipments/{shipmentId}", cancel_shipment, "mfn.cancelShipment"),
]
