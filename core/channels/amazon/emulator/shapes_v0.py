"""Orders v0 shapes (``payload`` envelopes, PascalCase, string amounts) from the seller state."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from core.channels.amazon.emulator.clock import iso
from core.channels.amazon.emulator.marketplaces import MARKETPLACES
from core.channels.amazon.emulator.model import Order, OrderItem
from core.channels.amazon.emulator.seed import money

ADDRESS_STATUSES = frozenset({"Unshipped", "PartiallyShipped", "Shipped", "InvoiceUnconfirmed"})


def money_v0(amount: Decimal, currency: str) -> dict[str, str]:
    """v0 Money: ``{"CurrencyCode", "Amount"}`` with a string amount."""
    return {"CurrencyCode": currency, "Amount": money(amount)}


def item_tax(item: OrderItem) -> Decimal:
    """VAT contained in the gross line price."""
    gross = item.unit_price * item.quantity
    return gross - gross / (1 + item.tax_rate)


def order_total(order: Order) -> Decimal:
    """What the buyer pays: lines + shipping − promotions."""
    return sum(
        (i.unit_price * i.quantity + i.shipping_price - i.promotion_discount for i in order.items),
        Decimal("0"),
    )


def address_v0(order: Order, *, full: bool) -> dict[str, Any]:
    """ShippingAddress; without PII rights only the non-restricted fields."""
    a = order.address
    out: dict[str, Any] = {
        "City": a.city,
        "PostalCode": a.postal_code,
        "CountryCode": a.country_code,
    }
    if a.state_or_region:
        out["StateOrRegion"] = a.state_or_region
    if full:
        out["Name"] = a.name
        out["AddressLine1"] = a.line1
        if a.line2:
            out["AddressLine2"] = a.line2
        if a.company:
            out["CompanyName"] = a.company
        if a.phone and order.channel == "MFN" and order.status != "Shipped":
            out["Phone"] = a.phone
        out["AddressType"] = a.address_type
    return out


def buyer_tax_info(order: Order) -> dict[str, Any] | None:
    """BuyerTaxInfo of a business order."""
    if not order.is_business or not order.buyer_vat_id:
        return None
    return {
        "CompanyLegalName": order.buyer_company or "",
        "TaxingRegion": order.address.country_code,
        "TaxClassifications": [{"Name": "VATNumber", "Value": order.buyer_vat_id}],
    }


def buyer_info_v0(order: Order, *, full: bool) -> dict[str, Any]:
    """BuyerInfo; name, tax info and PO number are restricted."""
    out: dict[str, Any] = {"BuyerEmail": order.buyer_email}
    if full:
        out["BuyerName"] = order.buyer_name
        tax = buyer_tax_info(order)
        if tax:
            out["BuyerTaxInfo"] = tax
        if order.purchase_order_number:
            out["PurchaseOrderNumber"] = order.purchase_order_number
    return out


def order_v0(order: Order, *, address: bool, buyer: bool) -> dict[str, Any]:
    """The v0 Order object."""
    market = MARKETPLACES[order.marketplace_id]
    out: dict[str, Any] = {
        "AmazonOrderId": order.order_id,
        "PurchaseDate": iso(order.purchase_date),
        "LastUpdateDate": iso(order.last_update),
        "OrderStatus": order.status,
        "FulfillmentChannel": order.channel,
        "SalesChannel": market.domain,
        "ShipServiceLevel": order.ship_service_level,
        "NumberOfItemsShipped": order.items_shipped(),
        "NumberOfItemsUnshipped": order.items_unshipped(),
        "PaymentMethod": "Other",
        "PaymentMethodDetails": ["Standard"],
        "MarketplaceId": order.marketplace_id,
        "ShipmentServiceLevelCategory": order.service_category,
        "OrderType": "StandardOrder",
        "IsBusinessOrder": order.is_business,
        "IsPrime": order.is_prime,
        "IsPremiumOrder": False,
        "IsGlobalExpressEnabled": False,
        "IsReplacementOrder": False,
        "IsSoldByAB": False,
        "IsIBA": False,
        "IsISPU": False,
        "IsAccessPointOrder": False,
        "HasRegulatedItems": False,
        "BuyerInfo": buyer_info_v0(order, full=buyer),
    }
    if order.seller_order_id:
        out["SellerOrderId"] = order.seller_order_id
    if order.status != "Pending":
        out["OrderTotal"] = money_v0(order_total(order), market.currency)
    if order.channel == "MFN":
        days = 1 if order.is_prime else 2
        out["EarliestShipDate"] = iso(order.purchase_date)
        out["LatestShipDate"] = iso(order.purchase_date + days * 86400)
        out["EarliestDeliveryDate"] = iso(order.purchase_date + (days + 1) * 86400)
        out["LatestDeliveryDate"] = iso(order.purchase_date + (days + 3) * 86400)
        out["AutomatedShippingSettings"] = {"HasAutomatedShippingSettings": False}
    if order.status in ADDRESS_STATUSES:
        out["ShippingAddress"] = address_v0(order, full=address)
    return out


def order_item_v0(order: Order, item: OrderItem, *, buyer: bool) -> dict[str, Any]:
    """The v0 OrderItem; pricing is absent while the order is Pending."""
    out: dict[str, Any] = {
        "ASIN": item.asin,
        "SellerSKU": item.sku,
        "OrderItemId": item.item_id,
        "Title": item.title,
        "QuantityOrdered": item.quantity,
        "QuantityShipped": item.quantity_shipped,
        "ProductInfo": {"NumberOfItems": "1"},
        "ConditionId": "New",
        "ConditionSubtypeId": "New",
        "IsTransparency": False,
        "SerialNumberRequired": False,
        "IsGift": "true" if item.is_gift else "false",
        "BuyerRequestedCancel": {
            "IsBuyerRequestedCancel": "true" if item.buyer_cancel_reason else "false",
            "BuyerCancelReason": item.buyer_cancel_reason or "",
        },
    }
    if order.status != "Pending":
        cur = order.currency
        out["ItemPrice"] = money_v0(item.unit_price * item.quantity, cur)
        out["ItemTax"] = money_v0(item_tax(item), cur)
        out["ShippingPrice"] = money_v0(item.shipping_price, cur)
        out["ShippingTax"] = money_v0(
            item.shipping_price - item.shipping_price / (1 + item.tax_rate), cur
        )
        out["PromotionDiscount"] = money_v0(item.promotion_discount, cur)
        out["PromotionDiscountTax"] = money_v0(Decimal("0"), cur)
        if item.promotion_ids:
            out["PromotionIds"] = list(item.promotion_ids)
        if item.price_designation:
            out["PriceDesignation"] = item.price_designation
        out["TaxCollection"] = {
            "Model": "MarketplaceFacilitator",
            "ResponsibleParty": "Amazon Services, Inc.",
        }
        if buyer and item.gift_message:
            out["BuyerInfo"] = {"GiftMessageText": item.gift_message, "GiftWrapLevel": "Classic"}
    return out


def item_buyer_info_v0(item: OrderItem) -> dict[str, Any]:
    """OrderItemBuyerInfo (getOrderItemsBuyerInfo)."""
    out: dict[str, Any] = {"OrderItemId": item.item_id}
    if item.gift_message:
        out["GiftMessageText"] = item.gift_message
        out["GiftWrapLevel"] = "Classic"
    return out
