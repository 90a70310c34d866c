"""Amazon's order shapes (2026-01-01 and v0) → Packdesk's `Order`.

Money becomes Decimal. In the EU, Amazon's item, shipping and gift-wrap prices include VAT and the
tax amounts are the VAT inside them, so the rate per line is tax / (gross − tax), snapped to a
whole or half percent. Statuses keep v0's names (`Unshipped`, `Shipped`, `Canceled` …) for both
paths so that intake treats them alike.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from core.domain.orders import Address, Buyer, Channel, Order, OrderLine

STATUS_2026 = {
    "PENDING_AVAILABILITY": "PendingAvailability",
    "PENDING": "Pending",
    "UNSHIPPED": "Unshipped",
    "PARTIALLY_SHIPPED": "PartiallyShipped",
    "SHIPPED": "Shipped",
    "CANCELLED": "Canceled",
    "UNFULFILLABLE": "Unfulfillable",
}
NOT_YET = {"Pending", "PendingAvailability"}
ZERO = Decimal("0")
CENT = Decimal("0.01")


def parse_time(value: Any) -> datetime | None:
    if not value:
        return None
    text = str(value).strip()
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def money(value: Any) -> Decimal:
    """`{"amount": "1.50"}` (2026) or `{"Amount": "1.50"}` (v0) → Decimal('1.50')."""
    if not isinstance(value, dict):
        return ZERO
    raw = value.get("amount", value.get("Amount"))
    try:
        return Decimal(str(raw)) if raw is not None else ZERO
    except InvalidOperation:
        return ZERO


def currency_of(value: Any) -> str:
    if isinstance(value, dict):
        return str(value.get("currencyCode") or value.get("CurrencyCode") or "")
    return ""


# VAT rates in use in Amazon's European marketplaces (standard and reduced), in percent.
KNOWN_RATES = [
    Decimal(r)
    for r in (
        "0",
        "2.1",
        "3",
        "4",
        "5",
        "5.5",
        "6",
        "7",
        "8",
        "9",
        "10",
        "12",
        "13",
        "13.5",
        "14",
        "15",
        "17",
        "18",
        "19",
        "20",
        "21",
        "22",
        "23",
        "24",
        "25",
        "25.5",
        "27",
    )
]


def tax_rate(gross: Decimal, tax: Decimal) -> Decimal:
    """The VAT rate in percent that `tax` represents inside `gross`.

    Amounts are rounded to cents, so small prices cannot tell 7 % from 7.5 % by division alone:
    the known rate whose tax, rounded like Amazon's, comes closest wins; failing that, the
    computed rate to two decimals.
    """
    net = gross - tax
    if tax <= 0 or net <= 0:
        return ZERO
    raw = tax / net * 100

    def miss(rate: Decimal) -> Decimal:
        expected = (gross - gross / (1 + rate / 100)).quantize(CENT, rounding=ROUND_HALF_UP)
        return abs(expected - tax)

    best = min(KNOWN_RATES, key=lambda r: (miss(r), abs(r - raw)))
    if miss(best) <= CENT:
        return best
    return raw.quantize(CENT, rounding=ROUND_HALF_UP)


def should_import(channel: Channel, status: str) -> bool:
    """MFN orders once payable (not Pending); FBA orders once Amazon has shipped them."""
    if status in NOT_YET:
        return False
    if channel is Channel.AFN:
        return status in {"Shipped", "PartiallyShipped"}
    return True


def ioss_number_2026(items: list[dict[str, Any]]) -> str:
    """Amazon's IOSS number on an order's items (fulfillment.shipping.internationalShipping)."""
    for item in items:
        shipping = (item.get("fulfillment") or {}).get("shipping") or {}
        number = str((shipping.get("internationalShipping") or {}).get("iossNumber") or "")
        if number:
            return number
    return ""


def order_from_2026(data: dict[str, Any], account_id: int) -> Order:
    """One `searchOrders`/`getOrder` order (with BUYER, RECIPIENT, PROCEEDS, FULFILLMENT …)."""
    fulfillment = data.get("fulfillment") or {}
    programs = set(data.get("programs") or [])
    channel = Channel.AFN if fulfillment.get("fulfilledBy") == "AMAZON" else Channel.MFN
    lines: list[OrderLine] = []
    currency = currency_of((data.get("proceeds") or {}).get("grandTotal"))
    for item in data.get("orderItems") or []:
        product = item.get("product") or {}
        qty = int(item.get("quantityOrdered") or 0)
        parts: dict[str, Decimal] = {}
        tax_parts: dict[str, Decimal] = {}
        for b in (item.get("proceeds") or {}).get("breakdowns") or []:
            kind = str(b.get("type", ""))
            parts[kind] = parts.get(kind, ZERO) + money(b.get("subtotal"))
            currency = currency or currency_of(b.get("subtotal"))
            if kind == "TAX":
                for d in b.get("detailedBreakdowns") or []:
                    sub = str(d.get("subtype", ""))
                    tax_parts[sub] = tax_parts.get(sub, ZERO) + money(d.get("value"))
        unit = money((product.get("price") or {}).get("unitPrice"))
        currency = currency or currency_of((product.get("price") or {}).get("unitPrice"))
        item_gross = parts.get("ITEM", unit * qty)
        item_tax = tax_parts.get("ITEM", parts.get("TAX", ZERO) if not tax_parts else ZERO)
        packing = (item.get("fulfillment") or {}).get("packing") or {}
        gift = packing.get("giftOption") or {}
        lines.append(
            OrderLine(
                external_id=str(item.get("orderItemId", "")),
                sku=str(product.get("sellerSku", "")),
                title=str(product.get("title", "")),
                quantity=qty,
                unit_price=(item_gross / qty).quantize(CENT) if qty else unit,
                tax_rate=tax_rate(item_gross, item_tax),
                asin=str(product.get("asin", "")),
                quantity_shipped=int((item.get("fulfillment") or {}).get("quantityFulfilled") or 0),
                shipping_price=parts.get("SHIPPING", ZERO),
                gift_wrap_price=parts.get("GIFT_WRAP", ZERO),
                promotion_discount=abs(parts.get("DISCOUNT", ZERO)),
                gift_message=str(gift.get("giftMessage") or ""),
            )
        )
    buyer = data.get("buyer") or {}
    vat_id = ""
    for reg in (data.get("tax") or {}).get("taxRegistrations") or []:
        if reg.get("entityType", "BUYER") == "BUYER" and reg.get("taxRegistrationNumber"):
            vat_id = str(reg["taxRegistrationNumber"])
    address = (data.get("recipient") or {}).get("deliveryAddress") or {}
    status = STATUS_2026.get(str(fulfillment.get("fulfillmentStatus", "")), "")
    ship_window = fulfillment.get("shipByWindow") or {}
    shipped_at = None
    if status == "Shipped":
        times = [parse_time(p.get("shipTime")) for p in data.get("packages") or []]
        shipped_at = max((t for t in times if t), default=parse_time(data.get("lastUpdatedTime")))
    sales = data.get("salesChannel") or {}
    return Order(
        account_id=account_id,
        external_id=str(data["orderId"]),
        marketplace_id=str(sales.get("marketplaceId", "")),
        channel=channel,
        purchased_at=parse_time(data.get("createdTime")) or datetime.now(UTC),
        currency=currency or "EUR",
        lines=lines,
        channel_status=status,
        buyer=Buyer(
            name=str(buyer.get("buyerName") or ""),
            email=str(buyer.get("buyerEmail") or ""),
            vat_id=vat_id,
            company=str(buyer.get("buyerCompanyName") or ""),
        ),
        ship_to=_address(address),
        is_prime="PRIME" in programs,
        is_business="AMAZON_BUSINESS" in programs,
        ioss_number=ioss_number_2026(data.get("orderItems") or []),
        latest_ship_at=parse_time(ship_window.get("latestDateTime")),
        shipped_at=shipped_at,  # MFN too: an invoice's delivery date when shipped outside the desk
    )


def _address(a: dict[str, Any]) -> Address:
    def get(*keys: str) -> str:
        return next((str(a[k]) for k in keys if a.get(k)), "")

    return Address(
        name=get("name", "Name"),
        company=get("companyName", "CompanyName"),
        line1=get("addressLine1", "AddressLine1"),
        line2=get("addressLine2", "AddressLine2"),
        line3=get("addressLine3", "AddressLine3"),
        postcode=get("postalCode", "PostalCode"),
        city=get("city", "City"),
        region=get("stateOrRegion", "StateOrRegion"),
        country=get("countryCode", "CountryCode"),
        phone=get("phone", "Phone"),
    )


def order_from_v0(data: dict[str, Any], items: list[dict[str, Any]], account_id: int) -> Order:
    """A v0 `getOrders` order plus its `getOrderItems`."""
    channel = Channel.AFN if data.get("FulfillmentChannel") == "AFN" else Channel.MFN
    currency = currency_of(data.get("OrderTotal"))
    lines: list[OrderLine] = []
    for item in items:
        qty = int(item.get("QuantityOrdered") or 0)
        gross = money(item.get("ItemPrice"))
        currency = currency or currency_of(item.get("ItemPrice"))
        gift = item.get("BuyerInfo") or {}
        lines.append(
            OrderLine(
                external_id=str(item.get("OrderItemId", "")),
                sku=str(item.get("SellerSKU", "")),
                title=str(item.get("Title", "")),
                quantity=qty,
                unit_price=(gross / qty).quantize(CENT) if qty else ZERO,
                tax_rate=tax_rate(gross, money(item.get("ItemTax"))),
                asin=str(item.get("ASIN", "")),
                quantity_shipped=int(item.get("QuantityShipped") or 0),
                shipping_price=money(item.get("ShippingPrice"))
                - money(item.get("ShippingDiscount")),
                gift_wrap_price=money(gift.get("GiftWrapPrice")),
                promotion_discount=abs(money(item.get("PromotionDiscount"))),
                gift_message=str(gift.get("GiftMessageText") or ""),
            )
        )
    info = data.get("BuyerInfo") or {}
    tax_info = info.get("BuyerTaxInfo") or {}
    vat_id = ""
    for tc in tax_info.get("TaxClassifications") or []:
        vat_id = str(tc.get("Value") or vat_id)
    status = str(data.get("OrderStatus", ""))
    shipped_at = parse_time(data.get("LastUpdateDate")) if status == "Shipped" else None
    return Order(
        account_id=account_id,
        external_id=str(data["AmazonOrderId"]),
        marketplace_id=str(data.get("MarketplaceId", "")),
        channel=channel,
        purchased_at=parse_time(data.get("PurchaseDate")) or datetime.now(UTC),
        currency=currency or "EUR",
        lines=lines,
        channel_status=status,
        buyer=Buyer(
            name=str(info.get("BuyerName") or ""),
            email=str(info.get("BuyerEmail") or ""),
            vat_id=vat_id,
            company=str(tax_info.get("CompanyLegalName") or ""),
        ),
        ship_to=_address(data.get("ShippingAddress") or {}),
        is_prime=bool(data.get("IsPrime")),
        is_business=bool(data.get("IsBusinessOrder")),
        ioss_number=next((str(i["IossNumber"]) for i in items if i.get("IossNumber")), ""),
        latest_ship_at=parse_time(data.get("LatestShipDate")),
        shipped_at=shipped_at,  # MFN too: an invoice's delivery date when shipped outside the desk
    )
