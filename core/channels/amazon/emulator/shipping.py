"""confirmShipment and updateShipmentStatus with the validation errors Amazon really returns."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from aiohttp import web

from core.channels.amazon.emulator.clock import iso, parse_iso
from core.channels.amazon.emulator.http import ApiError, invalid, json_body, no_content
from core.channels.amazon.emulator.marketplaces import MARKETPLACES
from core.channels.amazon.emulator.model import Order, Package
from core.channels.amazon.emulator.state import SellerState

if TYPE_CHECKING:
    from core.channels.amazon.emulator.runtime import Runtime

NOT_FULFILLABLE = (
    "Failed to create package due to not finding a matching package or order already fulfilled."
)
BAD_ITEM = "OrderItemId {} is invalid, please obtain the value through the getOrderItems API or Manage Orders page"
SHIPMENT_STATUSES = ("ReadyForPickup", "PickedUp", "RefusedPickup")


def _require(body: dict[str, Any], name: str, where: str = "") -> Any:
    value = body.get(name)
    if value is None or value == "":
        raise invalid(f"Missing required field: {where}{name}.", f"{where}{name} is required.")
    return value


def _check_marketplace(mid: Any, order: Order) -> None:
    if not isinstance(mid, str) or mid not in MARKETPLACES:
        raise invalid("Marketplace ID is not defined", "1001")
    if mid != order.marketplace_id:
        raise invalid(
            "Invalid Input", f"Order {order.order_id} does not belong to marketplace {mid}."
        )


def validate_package(detail: Any, order: Order) -> Package:
    """The packageDetail as a Package, or Amazon's 400."""
    if not isinstance(detail, dict):
        raise invalid("Missing required field: packageDetail.", "packageDetail is required.")
    ref = detail.get("packageReferenceId")
    if ref is None:
        raise invalid("Missing required field: packageDetail.packageReferenceId.")
    if not isinstance(ref, str):
        raise invalid(
            "The input you have submitted is not valid. Please check the fields with invalid type "
            "[packageDetail.packageReferenceId]."
        )
    if not ref.isdigit() or int(ref) <= 0:
        raise invalid("PackageReferenceId: is invalid, must be a positive numeric value.")
    carrier = _require(detail, "carrierCode", "packageDetail.")
    if carrier == "Other" and not detail.get("carrierName"):
        raise invalid(
            "Invalid Input", "packageDetail.carrierName is required when carrierCode is Other."
        )
    tracking = _require(detail, "trackingNumber", "packageDetail.")
    ship_date = _require(detail, "shipDate", "packageDetail.")
    if not isinstance(ship_date, str) or parse_iso(ship_date) is None or "T" not in ship_date:
        raise invalid("Invalid Input", "packageDetail.shipDate must be an ISO 8601 date-time.")
    raw_items = detail.get("orderItems")
    if not isinstance(raw_items, list) or not raw_items:
        raise invalid("Missing required field: packageDetail.orderItems.")
    by_id = {i.item_id: i for i in order.items}
    items: list[tuple[str, int]] = []
    for raw in raw_items:
        item_id = raw.get("orderItemId") if isinstance(raw, dict) else None
        quantity = raw.get("quantity") if isinstance(raw, dict) else None
        if not isinstance(item_id, str) or item_id not in by_id:
            raise invalid(BAD_ITEM.format(item_id if isinstance(item_id, str) else ""))
        if not isinstance(quantity, int) or isinstance(quantity, bool) or quantity <= 0:
            raise invalid(
                "The input you have submitted is not valid. Please check the fields with invalid type "
                "[packageDetail.orderItems.quantity]."
            )
        items.append((item_id, quantity))
    return Package(
        package_reference_id=ref,
        carrier_code=str(carrier),
        carrier_name=detail.get("carrierName"),
        shipping_method=detail.get("shippingMethod"),
        tracking_number=str(tracking),
        ship_date=ship_date,
        items=items,
        confirmed_at=0.0,
    )


def _same(a: Package, b: Package) -> bool:
    return (a.carrier_code, a.tracking_number, sorted(a.items)) == (
        b.carrier_code,
        b.tracking_number,
        sorted(b.items),
    )


def apply_package(
    state: SellerState, order: Order, package: Package, source: str, now: float
) -> bool:
    """Ship the package's quantities; False (and nothing changed) if the order cannot take them."""
    if order.channel != "MFN" or order.status not in ("Unshipped", "PartiallyShipped"):
        return False
    by_id = {i.item_id: i for i in order.items}
    wanted: dict[str, int] = {}
    for item_id, qty in package.items:
        wanted[item_id] = wanted.get(item_id, 0) + qty
    if any(by_id[i].quantity_shipped + q > by_id[i].quantity for i, q in wanted.items()):
        return False
    for item_id, qty in wanted.items():
        by_id[item_id].quantity_shipped += qty
    package.confirmed_at = now
    package.source = source
    order.packages.append(package)
    order.status = "Shipped" if order.items_unshipped() == 0 else "PartiallyShipped"
    order.last_update = now
    state.confirmations.append(
        {
            "order_id": order.order_id,
            "seller_id": order.seller_id,
            "package_reference_id": package.package_reference_id,
            "carrier_code": package.carrier_code,
            "carrier_name": package.carrier_name,
            "shipping_method": package.shipping_method,
            "tracking_number": package.tracking_number,
            "ship_date": package.ship_date,
            "items": [{"order_item_id": i, "quantity": q} for i, q in package.items],
            "confirmed_at": iso(now),
            "source": source,
            "order_status": order.status,
        }
    )
    return True


async def confirm_shipment(request: web.Request, rt: Runtime, order: Order) -> web.Response:
    """Validate and apply one confirmShipment call."""
    body = await json_body(request)
    _check_marketplace(_require(body, "marketplaceId"), order)
    package = validate_package(body.get("packageDetail"), order)
    existing = next(
        (p for p in order.packages if p.package_reference_id == package.package_reference_id), None
    )
    if existing is not None:
        if _same(existing, package):
            return no_content()  # a retried confirmation changes nothing
        raise invalid(
            "Invalid Input",
            f"PackageReferenceId {package.package_reference_id} already exists for this order.",
        )
    if not apply_package(rt.state, order, package, "confirmShipment", rt.clock.now()):
        raise invalid(NOT_FULFILLABLE)
    return no_content()


async def update_shipment_status(request: web.Request, rt: Runtime, order: Order) -> web.Response:
    """Record an in-store pickup status (``updateShipmentStatus``)."""
    body = await json_body(request)
    _check_marketplace(_require(body, "marketplaceId"), order)
    status = _require(body, "shipmentStatus")
    if status not in SHIPMENT_STATUSES:
        raise invalid(
            "Invalid Input", f"shipmentStatus must be one of {', '.join(SHIPMENT_STATUSES)}."
        )
    items = body.get("orderItems")
    if items is not None:
        ids = {i.item_id for i in order.items}
        for raw in items if isinstance(items, list) else [None]:
            if not isinstance(raw, dict) or raw.get("orderItemId") not in ids:
                raise invalid(
                    BAD_ITEM.format(raw.get("orderItemId", "") if isinstance(raw, dict) else "")
                )
    if order.status == "Canceled":
        raise ApiError(400, "InvalidInput", "Invalid Input", "The order is cancelled.")
    order.shipment_status = str(status)
    order.last_update = rt.clock.now()
    return no_content()
