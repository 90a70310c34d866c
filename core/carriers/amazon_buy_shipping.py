"""Amazon Buy Shipping (Shipping API v2, Amazon orders) as a `Carrier`: the cheapest rate's label.

The purchase takes `x-amzn-IdempotencyKey`, so it is an `IdempotentCarrier`: `quote` asks for
rates and returns the purchase to make (request token, rate, document and a fresh key) for
`core.carriers.crash_guard` to store; `buy` sends exactly that, as often as needed — Amazon answers
the first purchase again instead of selling a second label (docs/amazon-labels.md).
"""

from __future__ import annotations

import base64
import binascii
import gzip
import json
import logging
import uuid
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from core.channels.amazon.client import InvalidInputError, SpApiClient, shipping
from core.errors import ConfigurationMissing, PackdeskError, UserInputError
from core.ports import Label, LabelRequest, QuoteExpired

log = logging.getLogger(__name__)

CODE = "amazon_buy_shipping"
FORMATS = {"PDF": "pdf", "PNG": "png", "ZPL": "zpl"}
Rate = dict[str, Any]


class NoShippingOffer(UserInputError):
    """Amazon offers no shipping service for this package (weight, address, carrier terms)."""


def cheapest(rates: list[Rate]) -> Rate:
    return min(rates, key=lambda r: Decimal(str((r.get("totalCharge") or {}).get("value", "0"))))


def decode_label(contents: str) -> bytes:
    """Amazon sends base64 (Merchant Fulfillment: of gzip); take both."""
    try:
        raw = base64.b64decode(contents)
    except (binascii.Error, ValueError) as exc:
        raise PackdeskError("The label from Amazon could not be decoded.") from exc
    return gzip.decompress(raw) if raw[:2] == b"\x1f\x8b" else raw


# Ship-from fields Amazon's Shipping API requires, and the config key each comes from.
SHIP_FROM_REQUIRED = (
    ("name", "name"),
    ("addressLine1", "street"),
    ("city", "city"),
    ("postalCode", "postcode"),
    ("email", "email"),
    ("phoneNumber", "phone"),
)


class AmazonBuyShipping:
    """Buys labels for Amazon orders through one seller's SP-API account (Shipping API v2).

    No `x-amzn-shipping-business-id` is sent: that header picks Amazon's own carrier business
    (its enum has no Germany), and for `channelType: AMAZON` the order's marketplace decides.
    """

    code = CODE

    def __init__(
        self,
        client: SpApiClient,
        ship_from: dict[str, str] | None = None,
        *,
        choose: Callable[[list[Rate]], Rate] = cheapest,
        label_format: str = "PDF",
        dimensions_cm: tuple[float, float, float] = (30, 20, 10),
        label_media: Callable[[str], tuple[str, int]] | None = None,
    ) -> None:
        self.client = client
        self.ship_from = ship_from or {}
        self.choose = choose
        self.label_format = label_format
        self.dimensions_cm = dimensions_cm
        self.label_media = label_media  # station → (printer language, dpi)

    def document_for(self, station: str) -> dict[str, Any]:
        """The label document to ask for: ZPL at the dpi of a Zebra that prints it, else PDF."""
        spec: dict[str, Any] = {
            "format": self.label_format,
            "size": {"width": 4, "length": 6, "unit": "INCH"},
            "needFileJoining": False,
            "requestedDocumentTypes": ["LABEL"],
        }
        if self.label_media is not None and station:
            language, dpi = self.label_media(station)
            if language == "zpl" and dpi in (203, 300):
                spec.update(format="ZPL", dpi=dpi)
        return spec

    def reference_for(self, request: LabelRequest) -> str:
        """What a person looks the label up by in Seller Central."""
        return f"{request.order.external_id} package {request.package_reference}"

    def rates_request(self, request: LabelRequest) -> dict[str, Any]:
        """`getRates` for the package of an Amazon order (Amazon knows where it goes)."""
        origin = {**self.ship_from, **request.ship_from}
        address = {
            "name": origin.get("name", ""),
            "addressLine1": origin.get("line1", origin.get("street", "")),
            "city": origin.get("city", ""),
            # required by the model; German addresses have no state line, the city stands for it
            "stateOrRegion": origin.get("state") or origin.get("city", ""),
            "postalCode": origin.get("postcode", ""),
            "countryCode": origin.get("country", "DE"),
            "email": origin.get("email", ""),
            "phoneNumber": origin.get("phone", ""),
        }
        for field, key in SHIP_FROM_REQUIRED:
            if not str(address.get(field) or "").strip():
                # Amazon refuses the purchase without it; the job waits until [company] has it.
                raise ConfigurationMissing(
                    f"company.{key} is not set — Amazon Buy Shipping needs it for the ship-from "
                    "address. Add it to the [company] section of the config file."
                )
        length, width, height = self.dimensions_cm
        total = sum((ln.unit_price * ln.quantity for ln in request.order.lines), Decimal(0))
        value = {"value": float(total), "unit": request.order.currency or "EUR"}
        return {
            "shipFrom": address,
            "packages": [
                {
                    "dimensions": {
                        "length": length,
                        "width": width,
                        "height": height,
                        "unit": "CENTIMETER",
                    },
                    "weight": {"value": max(request.weight_g, 1), "unit": "GRAM"},
                    "insuredValue": value,
                    "packageClientReferenceId": request.package_reference,
                    "items": [
                        {"itemIdentifier": item, "quantity": qty} for item, qty in request.items
                    ],
                }
            ],
            "channelDetails": {
                "channelType": "AMAZON",
                "amazonOrderDetails": {"orderId": request.order.external_id},
            },
        }

    async def quote(self, request: LabelRequest) -> str:
        """Rates for the package; the cheapest one's purchase, with a fresh idempotency key."""
        try:
            found = await shipping.get_rates(self.client, self.rates_request(request))
        except InvalidInputError as exc:
            raise UserInputError(f"Amazon refused the rate request: {exc}") from exc
        rates = [r for r in found.get("rates") or [] if not r.get("requiresAdditionalInputs")]
        if not rates:
            raise NoShippingOffer(
                f"Amazon offers no shipping service for order {request.order.external_id} "
                f"package {request.package_reference} — check weight and ship-from address."
            )
        rate = self.choose(rates)
        body = {
            "requestToken": found.get("requestToken", ""),
            "rateId": rate.get("rateId", ""),
            "requestedDocumentSpecification": self.document_for(request.station),
        }
        service = {k: rate.get(k, "") for k in ("carrierName", "serviceName")}
        return json.dumps({"key": f"packdesk-{uuid.uuid4()}", "body": body, "service": service})

    async def buy(self, request: LabelRequest, purchase: str) -> Label:
        """Send the stored purchase (again): Amazon answers the same label for the same key."""
        stored = json.loads(purchase)
        try:
            bought = await shipping.purchase_shipment(self.client, stored["body"], stored["key"])
        except InvalidInputError as exc:
            if exc.code == "TOKEN_EXPIRED":
                raise QuoteExpired(f"Amazon: {exc}") from exc
            raise UserInputError(f"Amazon refused the purchase: {exc}") from exc
        [package] = bought.get("packageDocumentDetails") or [{}]
        document: dict[str, Any] = next(iter(package.get("packageDocuments") or []), {})
        service = stored.get("service") or {}
        log.info(
            "label bought via Amazon Buy Shipping: %s %s",
            service.get("carrierName", ""),
            service.get("serviceName", ""),
        )
        carrier = str(service.get("carrierName", ""))
        return Label(
            tracking_number=str(package.get("trackingId", "")),
            carrier_code=carrier or "Other",
            carrier_name=carrier,
            shipping_method=str(service.get("serviceName", "")),
            format=FORMATS.get(str(document.get("format", "")), "pdf"),
            data=decode_label(str(document.get("contents", ""))),
            reference=str(bought.get("shipmentId", "")),
        )

    async def create_label(self, request: LabelRequest) -> Label:
        """Quote and buy at once (no crash guard around it: `create_once` stores the quote)."""
        return await self.buy(request, await self.quote(request))

    async def cancel_label(self, label: Label) -> None:
        await shipping.cancel_shipment(self.client, label.reference)
