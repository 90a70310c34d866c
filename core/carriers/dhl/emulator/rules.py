"""DHL's checks on a shipment, as far as the spec and DHL's documentation state them.

Each returns validation messages in DHL's shape (``property``, ``validationMessage``,
``validationState``); an empty list means the shipment would be accepted.
"""

from __future__ import annotations

import re
from typing import Any

from core.carriers.dhl.products import EU3, PRODUCTS

Message = dict[str, str]
BILLING = re.compile(r"(\d{10})(\d{2})([A-Za-z0-9]{2})")
POSTCODE = {"DEU": re.compile(r"\d{5}"), "AUT": re.compile(r"\d{4}"), "CHE": re.compile(r"\d{4}")}


def _error(prop: str, text: str) -> Message:
    return {"property": prop, "validationMessage": text, "validationState": "Error"}


def _warning(prop: str, text: str) -> Message:
    return {"property": prop, "validationMessage": text, "validationState": "Warning"}


def check_billing(shipment: dict[str, Any], ekp: str) -> list[Message]:
    number = str(shipment.get("billingNumber", ""))
    product = PRODUCTS.get(str(shipment.get("product", "")))
    match = BILLING.fullmatch(number)
    if product is None:
        return [_error("product", f"The product {shipment.get('product')!r} is unknown.")]
    if match is None:
        return [_error("billingNumber", "The billing number must be EKP (10 digits) + "
                       "procedure (2 digits) + participation (2 characters).")]  # fmt: skip
    if match[1] != ekp:
        return [_error("billingNumber", "The billing number does not belong to this customer.")]
    if match[2] != product.procedure:
        return [_error("billingNumber", f"The procedure {match[2]} in the billing number does "
                       f"not fit product {product.code} (expected {product.procedure}).")]  # fmt: skip
    return []


def check_address(consignee: dict[str, Any]) -> list[Message]:
    out = []
    country = str(consignee.get("country", ""))
    for key in ("name1", "addressStreet", "city"):
        if not str(consignee.get(key, "")).strip():
            out.append(_error(f"consignee.{key}", f"The {key} of the consignee is missing."))
    postcode = str(consignee.get("postalCode", "")).strip()
    rule = POSTCODE.get(country)
    if rule is not None and not rule.fullmatch(postcode):
        out.append(_error("consignee.postalCode", f"The postal code {postcode!r} is not valid "
                          f"for {country}."))  # fmt: skip
    elif country == "DEU" and postcode.startswith("00"):
        out.append(_error("consignee.postalCode", f"The postal code {postcode} does not exist."))
    if country == "DEU" and not str(consignee.get("addressHouse", "")).strip():
        out.append(_warning("consignee.addressHouse", "The house number is missing; "
                            "the address could not be encoded."))  # fmt: skip
    return out


def check_product(shipment: dict[str, Any]) -> list[Message]:
    product = PRODUCTS.get(str(shipment.get("product", "")))
    if product is None:
        return []
    out = []
    country = str((shipment.get("consignee") or {}).get("country", ""))
    if product.international == (country == "DEU"):
        where = "abroad" if product.international else "within Germany"
        out.append(_error("product", f"{product.name} ships only {where}."))
    weight = (shipment.get("details") or {}).get("weight") or {}
    grams = float(weight.get("value", 0)) * (1000 if weight.get("uom") == "kg" else 1)
    if grams > product.max_weight_g:
        out.append(_error("details.weight", f"{product.name} takes at most "
                          f"{product.max_weight_g / 1000:g} kg; this parcel weighs "
                          f"{grams / 1000:g} kg."))  # fmt: skip
    if grams <= 0:
        out.append(_error("details.weight", "The weight must be more than 0."))
    if country and country not in EU3 and not shipment.get("customs"):
        out.append(_error("customs", "Customs data (CN23) is required outside the EU."))
    customs = shipment.get("customs") or {}
    for i, item in enumerate(customs.get("items") or []):
        if not str(item.get("itemDescription", "")).strip():
            out.append(_error(f"customs.items[{i}].itemDescription", "The description is missing."))
    return out


def check_shipper(shipper: dict[str, Any]) -> list[Message]:
    return [
        _error(f"shipper.{key}", f"The {key} of the shipper is missing.")
        for key in ("name1", "addressStreet", "city", "country")
        if not str(shipper.get(key, "")).strip()
    ]


def check_shipment(shipment: dict[str, Any], ekp: str) -> list[Message]:
    return [
        *check_billing(shipment, ekp),
        *check_shipper(shipment.get("shipper") or {}),
        *check_address(shipment.get("consignee") or {}),
        *check_product(shipment),
    ]
