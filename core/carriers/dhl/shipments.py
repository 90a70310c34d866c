"""A Packdesk package as a DHL `Shipment`: product, billing number, addresses, services, customs."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from core.carriers.dhl.client import DhlSettings
from core.carriers.dhl.products import (
    PRODUCTS,
    alpha3,
    billing_number,
    choose_product,
    needs_customs,
)
from core.errors import UserInputError
from core.ports import LabelRequest

_HOUSE = re.compile(r"^(?P<street>.*?\D)\s*(?P<house>\d+\s*[a-zA-Z]?(?:\s*[-/]\s*\d+[a-zA-Z]?)?)$")


def split_street(line: str) -> tuple[str, str]:
    """``Musterstraße 12a`` → (``Musterstraße``, ``12a``); DHL routes better with them apart."""
    text = " ".join(line.split())
    match = _HOUSE.match(text)
    if match and match["street"].strip():
        return match["street"].strip(" ,"), match["house"].replace(" ", "")
    return text, ""


def _cut(text: str, n: int) -> str:
    return text.strip()[:n]


@dataclass(frozen=True)
class ArticleFacts:
    """What customs wants to know of an article (from the article master)."""

    weight_g: int = 0
    hs_code: str = ""
    origin: str = ""


def consignee(request: LabelRequest) -> dict[str, Any]:
    to = request.order.ship_to
    street, house = split_street(to.line1)
    out: dict[str, Any] = {
        "name1": _cut(to.company or to.name or request.order.buyer.name, 50),
        "addressStreet": _cut(street, 50),
        "postalCode": to.postcode.strip(),
        "city": _cut(to.city, 40),
        "country": alpha3(to.country or "DE"),
    }
    if to.company and to.name:
        out["name2"] = _cut(to.name, 50)
    if house:
        out["addressHouse"] = house[:10]
    extras = [x for x in (to.line2, to.line3) if x.strip()]
    for n, extra in enumerate(extras[:2], start=1):
        out[f"additionalAddressInformation{n}"] = _cut(extra, 60)
    if to.region and out["country"] not in ("DEU",):
        out["state"] = _cut(to.region, 20)
    if to.phone.strip():
        out["phone"] = _cut(to.phone, 20)
    if request.order.buyer.email and len(request.order.buyer.email) >= 3:
        out["email"] = _cut(request.order.buyer.email, 80)
    return {k: v for k, v in out.items() if v != ""}


def shipper(origin: dict[str, str]) -> dict[str, Any]:
    missing = [k for k in ("name", "postcode", "city") if not origin.get(k, "").strip()]
    if not (origin.get("line1") or origin.get("street")):
        missing.append("street")
    if missing:
        raise UserInputError(
            "DHL needs the sender on the label: set company "
            + ", ".join(missing)
            + " in the config file ([company])."
        )
    street, house = split_street(origin.get("line1", origin.get("street", "")))
    out = {
        "name1": _cut(origin.get("name", ""), 50),
        "addressStreet": _cut(street, 50),
        "addressHouse": house[:10],
        "postalCode": origin.get("postcode", "").strip(),
        "city": _cut(origin.get("city", ""), 40),
        "country": alpha3(origin.get("country") or "DE"),
        "email": origin.get("email", "") if len(origin.get("email", "")) >= 3 else "",
    }
    return {k: v for k, v in out.items() if v}


def customs(request: LabelRequest, weight_g: int) -> dict[str, Any]:
    """A CN23 from the package's lines: description, HS code and origin from the article."""
    by_item = {ln.external_id: ln for ln in request.order.lines}
    missing: list[str] = []
    items = []
    total_units = sum(q for _, q in request.items) or 1
    for external, qty in request.items:
        line = by_item.get(external)
        if line is None:
            continue
        facts = request.articles.get(line.sku, {})
        if not facts.get("hs_code"):
            missing.append(f"{line.sku} (HS code)")
        unit_weight = int(facts.get("weight_g") or 0) or max(weight_g // total_units, 1)
        item: dict[str, Any] = {
            "itemDescription": _cut(line.title or line.sku, 256),
            "packagedQuantity": qty,
            "itemValue": {
                "currency": request.order.currency,
                "value": float(Decimal(line.unit_price).quantize(Decimal("0.01"))),
            },
            "itemWeight": {"uom": "g", "value": unit_weight},
        }
        if facts.get("hs_code"):
            item["hsCode"] = str(facts["hs_code"])
        if facts.get("origin"):
            item["countryOfOrigin"] = alpha3(str(facts["origin"]))
        items.append(item)
    if missing:
        raise UserInputError(
            "DHL needs customs data for a parcel leaving the EU — add it to the article: "
            + ", ".join(missing)
        )
    return {
        "exportType": "COMMERCIAL_GOODS",
        "invoiceNo": _cut(request.order.external_id, 35),
        "postalCharges": {"currency": request.order.currency, "value": 0},
        "shippingConditions": "DAP",
        "items": items,
    }


def ref_no(request: LabelRequest) -> str:
    """The shipment reference DHL keeps (8–35 characters): order and package."""
    return f"PD-{request.order.external_id}-{request.package_reference}"[-35:].rjust(8, "0")


def shipment(
    settings: DhlSettings, request: LabelRequest, ship_date: str, services: dict[str, Any]
) -> dict[str, Any]:
    """The `Shipment` DHL's `POST /orders` takes for one package."""
    country = request.order.ship_to.country or "DE"
    weight = max(request.weight_g, 1)
    product = str(services.pop("product", "") or "") or choose_product(
        country, weight, prefer_warenpost=weight <= settings.warenpost_up_to_g
    )
    if product not in PRODUCTS:
        raise UserInputError(f"DHL product {product!r} is not one of {', '.join(PRODUCTS)}.")
    if weight > 31_500:  # DHL's spec caps every parcel here; no product takes more
        raise UserInputError(
            f"This parcel weighs {weight / 1000:g} kg; DHL takes at most 31.5 kg — "
            "split it into two parcels."
        )
    body: dict[str, Any] = {
        "product": product,
        "billingNumber": billing_number(settings.ekp, product, settings.participation),
        "refNo": ref_no(request),
        "creationSoftware": "Packdesk",
        "shipDate": ship_date,
        "shipper": shipper(request.ship_from),
        "consignee": consignee(request),
        "details": {"weight": {"uom": "g", "value": weight}},
    }
    vas = {**settings.services, **services}
    if settings.return_label and not PRODUCTS[product].international:
        vas["dhlRetoure"] = {
            "billingNumber": f"{settings.ekp}07{settings.return_participation}",
            "returnAddress": {**shipper(request.ship_from)},
        }
    if vas:
        body["services"] = vas
    if needs_customs(country):
        body["customs"] = customs(request, weight)
    return body
