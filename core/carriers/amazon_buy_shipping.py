"""Amazon Buy Shipping (Merchant Fulfillment v0) as a `Carrier`: the cheapest eligible offer's label."""

from __future__ import annotations

import base64
import binascii
import gzip
import logging
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from core.channels.amazon.client import SpApiClient, mfn
from core.errors import ConfigurationMissing, PackdeskError
from core.ports import Label, LabelRequest

log = logging.getLogger(__name__)

CODE = "amazon_buy_shipping"
FORMATS = {"application/pdf": "pdf", "image/png": "png", "application/zpl": "zpl"}
Offer = dict[str, Any]


class NoShippingOffer(PackdeskError):
    """Amazon offers no shipping service for this package (weight, address, carrier terms)."""


def cheapest(offers: list[Offer]) -> Offer:
    return min(offers, key=lambda o: Decimal(str((o.get("Rate") or {}).get("Amount", "0"))))


def decode_label(contents: str) -> bytes:
    """Amazon sends base64 of gzip; take plain base64 too."""
    try:
        raw = base64.b64decode(contents)
    except (binascii.Error, ValueError) as exc:
        raise PackdeskError("The label from Amazon could not be decoded.") from exc
    return gzip.decompress(raw) if raw[:2] == b"\x1f\x8b" else raw


# Ship-from fields Amazon's Merchant Fulfillment requires, and the config key each comes from.
SHIP_FROM_REQUIRED = (
    ("Name", "name"),
    ("AddressLine1", "street"),
    ("City", "city"),
    ("PostalCode", "postcode"),
    ("Email", "email"),
    ("Phone", "phone"),
)


class AmazonBuyShipping:
    """Buys labels through one seller's SP-API account.

    Merchant Fulfillment v0 takes no idempotency key and cannot be asked for a label whose answer
    was lost, so the purchase is crash-guarded (`core.carriers.crash_guard`): a rerun after a
    death mid-purchase never buys again; it stops and names the order and package to look up in
    Seller Central (Manage Orders shows the label; cancel it there within the carrier's void
    window, or type its tracking number at the desk). Shipping API v2's purchaseShipment does take
    `x-amzn-IdempotencyKey`, but its `x-amzn-shipping-business-id` has no value for Germany, our
    home marketplace (docs/amazon-labels.md).
    """

    code = CODE
    crash_guard = True

    def __init__(
        self,
        client: SpApiClient,
        ship_from: dict[str, str] | None = None,
        *,
        choose: Callable[[list[Offer]], Offer] = cheapest,
        label_format: str = "PDF",
        dimensions_cm: tuple[float, float, float] = (30, 20, 10),
        delivery_experience: str = "DeliveryConfirmationWithoutSignature",
        label_media: Callable[[str], tuple[str, int]] | None = None,
    ) -> None:
        self.client = client
        self.ship_from = ship_from or {}
        self.choose = choose
        self.label_format = label_format
        self.dimensions_cm = dimensions_cm
        self.delivery_experience = delivery_experience
        self.label_media = label_media  # station → (printer language, dpi)

    def label_format_for(self, station: str) -> str:
        """ZPL at the dpi of a Zebra that prints it (Merchant Fulfillment: ZPL203, ZPL300)."""
        if self.label_media is not None and station:
            language, dpi = self.label_media(station)
            if language == "zpl" and dpi in (203, 300):
                return f"ZPL{dpi}"
        return self.label_format

    def reference_for(self, request: LabelRequest) -> str:
        """What a person looks the label up by in Seller Central."""
        return f"{request.order.external_id} package {request.package_reference}"

    def details(self, request: LabelRequest) -> dict[str, Any]:
        """`ShipmentRequestDetails` for the package."""
        origin = {**self.ship_from, **request.ship_from}
        length, width, height = self.dimensions_cm
        return {
            "AmazonOrderId": request.order.external_id,
            "ItemList": [{"OrderItemId": item, "Quantity": qty} for item, qty in request.items],
            "ShipFromAddress": {
                "Name": origin.get("name", ""),
                "AddressLine1": origin.get("line1", origin.get("street", "")),
                "City": origin.get("city", ""),
                "PostalCode": origin.get("postcode", ""),
                "CountryCode": origin.get("country", "DE"),
                "Email": origin.get("email", ""),
                "Phone": origin.get("phone", ""),
            },
            "PackageDimensions": {
                "Length": length,
                "Width": width,
                "Height": height,
                "Unit": "centimeters",
            },
            "Weight": {"Value": max(request.weight_g, 1), "Unit": "g"},
            "ShippingServiceOptions": {
                "DeliveryExperience": self.delivery_experience,
                "CarrierWillPickUp": False,
                "LabelFormat": self.label_format_for(request.station),
            },
        }

    async def create_label(self, request: LabelRequest) -> Label:
        details = self.details(request)
        address = details["ShipFromAddress"]
        for field, key in SHIP_FROM_REQUIRED:
            if not str(address.get(field) or "").strip():
                # Amazon refuses the purchase without it; the job waits until [company] has it.
                raise ConfigurationMissing(
                    f"company.{key} is not set — Amazon Buy Shipping needs it for the ship-from "
                    "address. Add it to the [company] section of the config file."
                )
        offers = (await mfn.eligible_services(self.client, details)).get(
            "ShippingServiceList"
        ) or []
        if not offers:
            raise NoShippingOffer(
                f"Amazon offers no shipping service for order {request.order.external_id} "
                f"package {request.package_reference} — check weight and ship-from address."
            )
        offer = self.choose(offers)
        shipment = await mfn.create_shipment(
            self.client,
            details,
            str(offer.get("ShippingServiceId", "")),
            str(offer.get("ShippingServiceOfferId", "")),
        )
        label = shipment.get("Label") or {}
        contents = label.get("FileContents") or {}
        service = shipment.get("ShippingService") or offer
        log.info(
            "label bought via Amazon Buy Shipping: %s %s",
            service.get("CarrierName", ""),
            service.get("ShippingServiceId", ""),
        )
        return Label(
            tracking_number=str(shipment.get("TrackingId", "")),
            carrier_code=str(service.get("CarrierName", "")) or "Other",
            carrier_name=str(service.get("CarrierName", "")),
            shipping_method=str(service.get("ShippingServiceName", "")),
            format=FORMATS.get(
                str(contents.get("FileType", "")), str(label.get("LabelFormat", "pdf")).lower()[:3]
            ),
            data=decode_label(str(contents.get("Contents", ""))),
            reference=str(shipment.get("ShipmentId", "")),
        )

    async def cancel_label(self, label: Label) -> None:
        await mfn.cancel_shipment(self.client, label.reference)
