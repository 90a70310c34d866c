"""Orders API v0: getOrders, getOrder, items, address, buyer info, confirmShipment, updateShipmentStatus."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from core.channels.amazon.emulator import shapes_v0
from core.channels.amazon.emulator.app import GRANT
from core.channels.amazon.emulator.clock import iso
from core.channels.amazon.emulator.http import (
    ApiError,
    check_enum,
    invalid,
    json_response,
    q_int,
    q_list,
    q_time,
)
from core.channels.amazon.emulator.model import Order
from core.channels.amazon.emulator.paging import page
from core.channels.amazon.emulator.runtime import RUNTIME, Runtime
from core.channels.amazon.emulator.shipping import confirm_shipment, update_shipment_status

STATUSES = (
    "PendingAvailability",
    "Pending",
    "Unshipped",
    "PartiallyShipped",
    "Shipped",
    "InvoiceUnconfirmed",
    "Canceled",
    "Unfulfillable",
)
TWO_MINUTES = 120.0
_BASE = "/orders/v0/orders"


def pii_allowed(request: web.Request, rt: Runtime, element: str | None) -> bool:
    """Whether personal data may be answered: an RDT covering this call (or gating switched off)."""
    if not rt.state.pii_requires_rdt:
        return True
    grant = request[GRANT]
    if grant.kind != "rdt":
        return False
    elements = grant.covers(request.method, request.path)
    return elements is not None and (element is None or element in elements)


def seller_order(request: web.Request, rt: Runtime) -> Order:
    """The path's order of the calling seller, or Amazon's 404."""
    order_id = request.match_info["orderId"]
    order = rt.state.order_for(request[GRANT].seller_id or "", order_id)
    if order is None:
        raise ApiError(404, "NotFound", "Invalid AmazonOrderId", f"Order {order_id} not found.")
    return order


def marketplaces(request: web.Request, rt: Runtime, name: str) -> list[str]:
    """Required marketplace ids, each one the seller sells on."""
    ids = q_list(request, name)
    if not ids:
        raise invalid(f"Missing required parameter: {name}.", f"{name} is required.")
    if len(ids) > 50:
        raise invalid("Invalid Input", f"{name} accepts at most 50 values.")
    account = rt.state.account(request[GRANT].seller_id or "")
    for mid in ids:
        if account is None or mid not in account.marketplace_ids:
            raise invalid(
                "Invalid Input",
                f"Invalid MarketplaceId: {mid} is not a marketplace of this seller.",
            )
    return ids


def date_window(
    request: web.Request, now: float, names: tuple[str, str, str, str]
) -> tuple[str, float, float]:
    """Validates the created/lastUpdated window; returns (field, after, before)."""
    c_after, c_before, u_after, u_before = names
    created = (q_time(request, c_after), q_time(request, c_before))
    updated = (q_time(request, u_after), q_time(request, u_before))
    if created[0] is None and updated[0] is None:
        raise invalid("Invalid Input", f"Either {c_after} or {u_after} must be specified.")
    if (created[0] is not None or created[1] is not None) and (
        updated[0] is not None or updated[1] is not None
    ):
        raise invalid(
            "Invalid Input", f"{c_after}/{c_before} cannot be combined with {u_after}/{u_before}."
        )
    field, (after, before) = (
        ("created", created) if created[0] is not None else ("updated", updated)
    )
    names_ab = (c_after, c_before) if field == "created" else (u_after, u_before)
    assert after is not None
    latest = now - TWO_MINUTES
    if after > latest:
        raise invalid(
            "Invalid Input",
            f"{names_ab[0]} must be no later than two minutes before the time of the request.",
        )
    if before is None:
        before = latest
    elif before > latest:
        raise invalid(
            "Invalid Input",
            f"{names_ab[1]} must be no later than two minutes before the time of the request.",
        )
    elif before < after:
        raise invalid("Invalid Input", f"{names_ab[1]} must be later than {names_ab[0]}.")
    return field, after, before


async def get_orders(request: web.Request) -> web.Response:
    """``GET /orders/v0/orders``."""
    rt = request.app[RUNTIME]
    now = rt.clock.now()
    mids = marketplaces(request, rt, "MarketplaceIds")
    size = q_int(request, "MaxResultsPerPage", 100, 1, 100)
    statuses = q_list(request, "OrderStatuses")
    check_enum("OrderStatuses", statuses, STATUSES)
    channels = q_list(request, "FulfillmentChannels")
    check_enum("FulfillmentChannels", channels, ("AFN", "MFN"))
    ids = q_list(request, "AmazonOrderIds")
    if len(ids) > 50:
        raise invalid("Invalid Input", "AmazonOrderIds accepts at most 50 values.")
    seller_order_id = request.query.get("SellerOrderId")
    if seller_order_id and (
        statuses
        or channels
        or request.query.get("BuyerEmail")
        or "LastUpdatedAfter" in request.query
    ):
        raise invalid(
            "Invalid Input",
            "SellerOrderId cannot be combined with OrderStatuses, FulfillmentChannels, BuyerEmail or LastUpdated filters.",
        )
    field, after, before = date_window(
        request, now, ("CreatedAfter", "CreatedBefore", "LastUpdatedAfter", "LastUpdatedBefore")
    )
    seller = request[GRANT].seller_id

    def keep(o: Order) -> bool:
        stamp = o.purchase_date if field == "created" else o.last_update
        return (
            o.seller_id == seller
            and o.marketplace_id in mids
            and after <= stamp < before
            and (not statuses or o.status in statuses)
            and (not channels or o.channel in channels)
            and (not ids or o.order_id in ids)
            and (not seller_order_id or o.seller_order_id == seller_order_id)
            and request.query.get("BuyerEmail", o.buyer_email) == o.buyer_email
        )

    key = (lambda o: o.purchase_date) if field == "created" else (lambda o: o.last_update)
    found = sorted((o for o in rt.state.orders.values() if keep(o)), key=key)
    filters = tuple(
        sorted(
            (k, v) for k, v in request.query.items() if k not in ("NextToken", "MaxResultsPerPage")
        )
    )
    chunk, token = page(
        rt.state, "getOrders", filters, found, size, request.query.get("NextToken"), now, 86400
    )
    address = pii_allowed(request, rt, "shippingAddress")
    buyer = pii_allowed(request, rt, "buyerInfo")
    payload: dict[str, Any] = {
        "Orders": [shapes_v0.order_v0(o, address=address, buyer=buyer) for o in chunk]
    }
    payload["CreatedBefore" if field == "created" else "LastUpdatedBefore"] = iso(before)
    if token:
        payload["NextToken"] = token
    return json_response({"payload": payload})


async def get_order(request: web.Request) -> web.Response:
    """``GET /orders/v0/orders/{orderId}``."""
    rt = request.app[RUNTIME]
    order = seller_order(request, rt)
    body = shapes_v0.order_v0(
        order,
        address=pii_allowed(request, rt, "shippingAddress"),
        buyer=pii_allowed(request, rt, "buyerInfo"),
    )
    return json_response({"payload": body})


async def get_order_items(request: web.Request) -> web.Response:
    """``GET /orders/v0/orders/{orderId}/orderItems``."""
    rt = request.app[RUNTIME]
    order = seller_order(request, rt)
    buyer = pii_allowed(request, rt, "buyerInfo")
    items = [shapes_v0.order_item_v0(order, i, buyer=buyer) for i in order.items]
    return json_response({"payload": {"AmazonOrderId": order.order_id, "OrderItems": items}})


async def get_order_items_buyer_info(request: web.Request) -> web.Response:
    """``GET /orders/v0/orders/{orderId}/orderItems/buyerInfo``."""
    rt = request.app[RUNTIME]
    order = seller_order(request, rt)
    full = pii_allowed(request, rt, None)
    items = [
        shapes_v0.item_buyer_info_v0(i) if full else {"OrderItemId": i.item_id} for i in order.items
    ]
    return json_response({"payload": {"AmazonOrderId": order.order_id, "OrderItems": items}})


async def get_order_address(request: web.Request) -> web.Response:
    """``GET /orders/v0/orders/{orderId}/address``."""
    rt = request.app[RUNTIME]
    order = seller_order(request, rt)
    payload: dict[str, Any] = {"AmazonOrderId": order.order_id}
    if order.status in shapes_v0.ADDRESS_STATUSES:
        payload["ShippingAddress"] = shapes_v0.address_v0(
            order, full=pii_allowed(request, rt, None)
        )
    if order.buyer_company:
        payload["BuyerCompanyName"] = order.buyer_company
    return json_response({"payload": payload})


async def get_order_buyer_info(request: web.Request) -> web.Response:
    """``GET /orders/v0/orders/{orderId}/buyerInfo``."""
    rt = request.app[RUNTIME]
    order = seller_order(request, rt)
    payload = {
        "AmazonOrderId": order.order_id,
        **shapes_v0.buyer_info_v0(order, full=pii_allowed(request, rt, None)),
    }
    return json_response({"payload": payload})


async def post_confirm_shipment(request: web.Request) -> web.Response:
    """``POST /orders/v0/orders/{orderId}/shipmentConfirmation`` → 204."""
    rt = request.app[RUNTIME]
    return await confirm_shipment(request, rt, seller_order(request, rt))


async def post_update_shipment_status(request: web.Request) -> web.Response:
    """``POST /orders/v0/orders/{orderId}/shipment`` → 204."""
    rt = request.app[RUNTIME]
    return await update_shipment_status(request, rt, seller_order(request, rt))


ROUTES = [
    ("GET", _BASE, get_orders, "ordersV0.getOrders"),
    ("GET", _BASE + "/{orderId}", get_order, "ordersV0.getOrder"),
    ("GET", _BASE + "/{orderId}/orderItems", get_order_items, "ordersV0.getOrderItems"),
    (
        "GET",
        _BASE + "/{orderId}/orderItems/buyerInfo",
        get_order_items_buyer_info,
        "ordersV0.getOrderItemsBuyerInfo",
    ),
    ("GET", _BASE + "/{orderId}/address", get_order_address, "ordersV0.getOrderAddress"),
    ("GET", _BASE + "/{orderId}/buyerInfo", get_order_buyer_info, "ordersV0.getOrderBuyerInfo"),
    (
        "POST",
        _BASE + "/{orderId}/shipmentConfirmation",
        post_confirm_shipment,
        "ordersV0.confirmShipment",
    ),
    (
        "POST",
        _BASE + "/{orderId}/shipment",
        post_update_shipment_status,
        "ordersV0.updateShipmentStatus",
    ),
]
