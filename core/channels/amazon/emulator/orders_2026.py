"""Orders API 2026-01-01: searchOrders and getOrder with ``includedData`` (unwrapped, camelCase)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from aiohttp import web

from core.channels.amazon.emulator.app import GRANT
from core.channels.amazon.emulator.clock import iso
from core.channels.amazon.emulator.http import ApiError, check_enum, json_response, q_int, q_list
from core.channels.amazon.emulator.marketplaces import MARKETPLACES
from core.channels.amazon.emulator.model import Order, OrderItem
from core.channels.amazon.emulator.orders_v0 import date_window, marketplaces
from core.channels.amazon.emulator.paging import page
from core.channels.amazon.emulator.runtime import RUNTIME
from core.channels.amazon.emulator.seed import money
from core.channels.amazon.emulator.shapes_v0 import ADDRESS_STATUSES, item_tax, order_total

INCLUDED = (
    "BUYER",
    "RECIPIENT",
    "PROCEEDS",
    "EXPENSE",
    "PROMOTION",
    "CANCELLATION",
    "FULFILLMENT",
    "PACKAGES",
    "TAX",
    "PAYMENT",
    "FULFILLMENT_ORDERS",
)
STATUS_2026 = {
    "Pending": "PENDING",
    "Unshipped": "UNSHIPPED",
    "PartiallyShipped": "PARTIALLY_SHIPPED",
    "Shipped": "SHIPPED",
    "Canceled": "CANCELLED",
    "Unfulfillable": "UNFULFILLABLE",
    "PendingAvailability": "PENDING_AVAILABILITY",
    "InvoiceUnconfirmed": "SHIPPED",
}
FULFILLED_BY = {"MFN": "MERCHANT", "AFN": "AMAZON"}
TOKEN_TTL = 24 * 3600.0


def _money(amount: Decimal, currency: str) -> dict[str, str]:
    return {"amount": money(amount), "currencyCode": currency}


def _window(start: float, end: float) -> dict[str, str]:
    return {"earliestDateTime": iso(start), "latestDateTime": iso(end)}


def item_2026(order: Order, item: OrderItem, included: frozenset[str]) -> dict[str, Any]:
    """A v2026 OrderItem."""
    cur = order.currency
    out: dict[str, Any] = {
        "orderItemId": item.item_id,
        "quantityOrdered": item.quantity,
        "product": {
            "asin": item.asin,
            "title": item.title,
            "sellerSku": item.sku,
            "condition": {"conditionType": "NEW", "conditionSubtype": "NEW"},
        },
    }
    if order.status != "Pending":
        price: dict[str, Any] = {"unitPrice": _money(item.unit_price, cur)}
        if item.price_designation:
            price["priceDesignation"] = "BUSINESS_PRICE"
        out["product"]["price"] = price
    if "PROCEEDS" in included and order.status != "Pending":
        gross = item.unit_price * item.quantity
        total = gross + item.shipping_price - item.promotion_discount
        breakdowns = [{"type": "ITEM", "subtotal": _money(gross, cur)}]
        if item.shipping_price:
            breakdowns.append({"type": "SHIPPING", "subtotal": _money(item.shipping_price, cur)})
        if item.promotion_discount:
            breakdowns.append(
                {"type": "DISCOUNT", "subtotal": _money(-item.promotion_discount, cur)}
            )
        breakdowns.append({"type": "TAX", "subtotal": _money(item_tax(item), cur)})
        out["proceeds"] = {"proceedsTotal": _money(total, cur), "breakdowns": breakdowns}
    if "PROMOTION" in included and item.promotion_ids:
        out["promotion"] = {"breakdowns": [{"promotionId": p} for p in item.promotion_ids]}
    if "CANCELLATION" in included and item.buyer_cancel_reason:
        out["cancellation"] = {
            "cancellationRequest": {"requester": "BUYER", "cancelReason": item.buyer_cancel_reason}
        }
    if "FULFILLMENT" in included:
        fulfil: dict[str, Any] = {
            "quantityFulfilled": item.quantity_shipped,
            "quantityUnfulfilled": 0
            if order.status == "Canceled"
            else item.quantity - item.quantity_shipped,
        }
        if item.is_gift:
            fulfil["packing"] = {
                "giftOption": {"giftMessage": item.gift_message or "", "giftWrapLevel": "Classic"}
            }
        out["fulfillment"] = fulfil
    return out


def order_2026(order: Order, included: frozenset[str]) -> dict[str, Any]:
    """A v2026 Order with the parts ``includedData`` asks for."""
    market = MARKETPLACES[order.marketplace_id]
    programs = [
        p
        for p, on in (
            ("PRIME", order.is_prime),
            ("AMAZON_BUSINESS", order.is_business),
            ("DELIVERY_BY_AMAZON", order.channel == "AFN"),
        )
        if on
    ]
    out: dict[str, Any] = {
        "orderId": order.order_id,
        "createdTime": iso(order.purchase_date),
        "lastUpdatedTime": iso(order.last_update),
        "programs": programs,
        "salesChannel": {
            "channelName": "AMAZON",
            "marketplaceId": order.marketplace_id,
            "marketplaceName": market.domain,
        },
        "orderItems": [item_2026(order, i, included) for i in order.items],
    }
    if order.seller_order_id:
        out["orderAliases"] = [{"aliasId": order.seller_order_id, "aliasType": "SELLER_ORDER_ID"}]
    if "BUYER" in included:
        buyer: dict[str, Any] = {"buyerName": order.buyer_name, "buyerEmail": order.buyer_email}
        if order.buyer_company:
            buyer["buyerCompanyName"] = order.buyer_company
        if order.purchase_order_number:
            buyer["buyerPurchaseOrderNumber"] = order.purchase_order_number
        out["buyer"] = buyer
    if "RECIPIENT" in included and order.status in ADDRESS_STATUSES:
        a = order.address
        address: dict[str, Any] = {
            "name": a.name,
            "addressLine1": a.line1,
            "city": a.city,
            "postalCode": a.postal_code,
            "countryCode": a.country_code,
            "addressType": a.address_type.upper(),
        }
        for key, value in (
            ("addressLine2", a.line2),
            ("companyName", a.company),
            ("stateOrRegion", a.state_or_region),
        ):
            if value:
                address[key] = value
        if a.phone and order.channel == "MFN":
            address["phone"] = a.phone
        out["recipient"] = {"deliveryAddress": address}
    if "PROCEEDS" in included and order.status != "Pending":
        out["proceeds"] = {"grandTotal": _money(order_total(order), market.currency)}
    if "FULFILLMENT" in included:
        days = 1 if order.is_prime else 2
        out["fulfillment"] = {
            "fulfillmentStatus": STATUS_2026[order.status],
            "fulfilledBy": FULFILLED_BY[order.channel],
            "fulfillmentServiceLevel": order.service_category.upper(),
            "shipByWindow": _window(order.purchase_date, order.purchase_date + days * 86400),
            "deliverByWindow": _window(
                order.purchase_date + (days + 1) * 86400, order.purchase_date + (days + 3) * 86400
            ),
        }
    if "PACKAGES" in included and order.channel == "MFN":
        out["packages"] = [
            {
                "packageReferenceId": p.package_reference_id,
                "createdTime": iso(p.confirmed_at),
                "packageStatus": {"status": "SHIPPED"},
                "carrier": p.carrier_name or p.carrier_code,
                "shipTime": p.ship_date,
                "shippingService": p.shipping_method or "",
                "trackingNumber": p.tracking_number,
                "packageItems": [{"orderItemId": i, "quantity": q} for i, q in p.items],
            }
            for p in order.packages
        ]
    if "TAX" in included and order.buyer_vat_id:
        out["tax"] = {
            "taxRegistrations": [
                {
                    "entityType": "BUYER",
                    "legalName": order.buyer_company or order.buyer_name,
                    "taxRegistrationType": "VAT",
                    "taxRegistrationNumber": order.buyer_vat_id,
                }
            ]
        }
    return out


def _included(request: web.Request) -> frozenset[str]:
    values = q_list(request, "includedData")
    check_enum("includedData", values, INCLUDED)
    return frozenset(values)


async def search_orders(request: web.Request) -> web.Response:
    """``GET /orders/2026-01-01/orders``."""
    rt = request.app[RUNTIME]
    now = rt.clock.now()
    included = _included(request)
    mids = marketplaces(request, rt, "marketplaceIds")
    size = q_int(request, "maxResultsPerPage", 100, 1, 100)
    statuses = q_list(request, "fulfillmentStatuses")
    check_enum(
        "fulfillmentStatuses", statuses, tuple(set(STATUS_2026.values()) | {"PENDING_AVAILABILITY"})
    )
    by = q_list(request, "fulfilledBy")
    check_enum("fulfilledBy", by, ("MERCHANT", "AMAZON"))
    field, after, before = date_window(
        request, now, ("createdAfter", "createdBefore", "lastUpdatedAfter", "lastUpdatedBefore")
    )
    seller = request[GRANT].seller_id

    def keep(o: Order) -> bool:
        stamp = o.purchase_date if field == "created" else o.last_update
        return (
            o.seller_id == seller
            and o.marketplace_id in mids
            and after <= stamp < before
            and (not statuses or STATUS_2026[o.status] in statuses)
            and (not by or FULFILLED_BY[o.channel] in by)
        )

    key = (lambda o: o.purchase_date) if field == "created" else (lambda o: o.last_update)
    found = sorted((o for o in rt.state.orders.values() if keep(o)), key=key)
    filters = tuple(
        sorted(
            (k, v)
            for k, v in request.query.items()
            if k not in ("paginationToken", "maxResultsPerPage")
        )
    )
    chunk, token = page(
        rt.state,
        "searchOrders",
        filters,
        found,
        size,
        request.query.get("paginationToken"),
        now,
        TOKEN_TTL,
        "paginationToken",
    )
    body: dict[str, Any] = {"orders": [order_2026(o, included) for o in chunk]}
    if token:
        body["pagination"] = {"nextToken": token}
    body["createdBefore" if field == "created" else "lastUpdatedBefore"] = iso(before)
    return json_response(body)


async def get_order(request: web.Request) -> web.Response:
    """``GET /orders/2026-01-01/orders/{orderId}``."""
    rt = request.app[RUNTIME]
    included = _included(request)
    order_id = request.match_info["orderId"]
    order = rt.state.order_for(request[GRANT].seller_id or "", order_id)
    if order is None:
        raise ApiError(404, "NotFound", "Invalid orderId", f"Order {order_id} not found.")
    return json_response({"order": order_2026(order, included)})


ROUTES = [
    ("GET", "/orders/2026-01-01/orders", search_orders, "orders2026.searchOrders"),
    ("GET", "/orders/2026-01-01/orders/{orderId}", get_order, "orders2026.getOrder"),
]
