"""TSV generators for the report types the emulator serves (headers as in sp-api.md §5.1)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import UTC, datetime

from core.channels.amazon.emulator import vat_invoices
from core.channels.amazon.emulator.clock import iso
from core.channels.amazon.emulator.marketplaces import MARKETPLACES
from core.channels.amazon.emulator.model import Report
from core.channels.amazon.emulator.seed import money
from core.channels.amazon.emulator.shapes_v0 import item_tax
from core.channels.amazon.emulator.state import SellerState

ORDERS_HEADER = (
    "amazon-order-id merchant-order-id purchase-date last-updated-date order-status fulfillment-channel "
    "sales-channel order-channel ship-service-level product-name sku asin item-status quantity currency "
    "item-price item-tax shipping-price shipping-tax gift-wrap-price gift-wrap-tax item-promotion-discount "
    "ship-promotion-discount ship-city ship-state ship-postal-code ship-country promotion-ids "
    "is-business-order purchase-order-number price-designation"
).split()
FBA_SHIPMENTS_HEADER = (
    "amazon-order-id merchant-order-id shipment-id shipment-item-id amazon-order-item-id merchant-order-item-id "
    "purchase-date payments-date shipment-date reporting-date buyer-email buyer-name buyer-phone-number sku "
    "product-name quantity-shipped currency item-price item-tax shipping-price shipping-tax gift-wrap-price "
    "gift-wrap-tax ship-service-level recipient-name ship-address-1 ship-address-2 ship-address-3 ship-city "
    "ship-state ship-postal-code ship-country ship-phone-number bill-address-1 bill-address-2 bill-address-3 "
    "bill-city bill-state bill-postal-code bill-country item-promotion-discount ship-promotion-discount carrier "
    "tracking-number estimated-arrival-date fulfillment-center-id fulfillment-channel sales-channel"
).split()
LISTINGS_HEADER = (
    "item-name item-description listing-id seller-sku price quantity open-date image-url item-is-marketplace "
    "product-id-type zshop-shipping-fee item-note item-condition zshop-category1 zshop-browse-path "
    "zshop-storefront-feature asin1 asin2 asin3 will-ship-internationally expedited-shipping zshop-boldface "
    "product-id bid-for-featured-placement add-delete pending-quantity fulfillment-channel "
    "merchant-shipping-group status"
).split()
MYI_HEADER = (
    "sku fnsku asin product-name condition your-price mfn-listing-exists mfn-fulfillable-quantity "
    "afn-listing-exists afn-warehouse-quantity afn-fulfillable-quantity afn-unsellable-quantity "
    "afn-reserved-quantity afn-total-quantity per-unit-volume afn-inbound-working-quantity "
    "afn-inbound-shipped-quantity afn-inbound-receiving-quantity"
).split()


def tsv(header: list[str], rows: Iterable[dict[str, str]]) -> bytes:
    lines = ["\t".join(header)]
    for row in rows:
        lines.append(
            "\t".join(row.get(h, "").replace("\t", " ").replace("\n", " ") for h in header)
        )
    return ("\n".join(lines) + "\n").encode("utf-8")


def _in_window(report: Report, stamp: float) -> bool:
    return (report.data_start is None or stamp >= report.data_start) and (
        report.data_end is None or stamp <= report.data_end
    )


def all_orders(state: SellerState, report: Report) -> bytes:
    """GET_FLAT_FILE_ALL_ORDERS_DATA_BY_LAST_UPDATE_GENERAL (no personal data)."""
    rows = []
    for o in sorted(state.orders.values(), key=lambda o: o.last_update):
        if (
            o.seller_id != report.seller_id
            or o.marketplace_id not in report.marketplace_ids
            or not _in_window(report, o.last_update)
        ):
            continue
        for i in o.items:
            status = (
                "Cancelled"
                if o.status == "Canceled"
                else "Shipped"
                if i.quantity_shipped == i.quantity
                else "Unshipped"
            )
            rows.append(
                {
                    "amazon-order-id": o.order_id,
                    "merchant-order-id": o.seller_order_id or "",
                    "purchase-date": iso(o.purchase_date),
                    "last-updated-date": iso(o.last_update),
                    "order-status": "Cancelled" if o.status == "Canceled" else o.status,
                    "fulfillment-channel": "Amazon" if o.channel == "AFN" else "Merchant",
                    "sales-channel": MARKETPLACES[o.marketplace_id].domain,
                    "ship-service-level": o.ship_service_level,
                    "product-name": i.title,
                    "sku": i.sku,
                    "asin": i.asin,
                    "item-status": status,
                    "quantity": str(i.quantity),
                    "currency": o.currency,
                    "item-price": money(i.unit_price * i.quantity),
                    "item-tax": money(item_tax(i)),
                    "shipping-price": money(i.shipping_price),
                    "item-promotion-discount": money(i.promotion_discount),
                    "ship-city": o.address.city,
                    "ship-postal-code": o.address.postal_code,
                    "ship-country": o.address.country_code,
                    "promotion-ids": ",".join(i.promotion_ids),
                    "is-business-order": "true" if o.is_business else "false",
                    "purchase-order-number": o.purchase_order_number or "",
                    "price-designation": i.price_designation or "",
                }
            )
    return tsv(ORDERS_HEADER, rows)


def fba_shipments(state: SellerState, report: Report) -> bytes:
    """GET_AMAZON_FULFILLED_SHIPMENTS_DATA_GENERAL (personal-data columns left blank)."""
    rows = []
    for o in sorted(state.orders.values(), key=lambda o: o.last_update):
        if (
            o.seller_id != report.seller_id
            or o.channel != "AFN"
            or o.status != "Shipped"
            or o.marketplace_id not in report.marketplace_ids
        ):
            continue
        if not _in_window(report, o.last_update):
            continue
        for n, i in enumerate(o.items):
            rows.append(
                {
                    "amazon-order-id": o.order_id,
                    "merchant-order-id": o.seller_order_id or "",
                    "shipment-id": "D" + o.order_id.replace("-", "")[-9:],
                    "shipment-item-id": f"D{i.item_id[-9:]}",
                    "amazon-order-item-id": i.item_id,
                    "purchase-date": iso(o.purchase_date),
                    "payments-date": iso(o.purchase_date),
                    "shipment-date": iso(o.last_update),
                    "reporting-date": iso(o.last_update),
                    "sku": i.sku,
                    "product-name": i.title,
                    "quantity-shipped": str(i.quantity_shipped),
                    "currency": o.currency,
                    "item-price": money(i.unit_price * i.quantity),
                    "item-tax": money(item_tax(i)),
                    "shipping-price": money(i.shipping_price),
                    "ship-service-level": o.ship_service_level,
                    "ship-city": o.address.city,
                    "ship-postal-code": o.address.postal_code,
                    "ship-country": o.address.country_code,
                    "item-promotion-discount": money(i.promotion_discount),
                    "carrier": "AMZN_DE",
                    "tracking-number": f"DE{o.order_id.replace('-', '')[-10:]}{n}",
                    "fulfillment-center-id": "LEJ1",
                    "fulfillment-channel": "AFN",
                    "sales-channel": MARKETPLACES[o.marketplace_id].domain,
                }
            )
    return tsv(FBA_SHIPMENTS_HEADER, rows)


def _open_date(ts: float) -> str:
    return datetime.fromtimestamp(ts, UTC).strftime("%d/%m/%Y %H:%M:%S UTC")


def merchant_listings(state: SellerState, report: Report) -> bytes:
    """GET_MERCHANT_LISTINGS_ALL_DATA."""
    eans = {a.sku: a.ean for a in state.articles}
    rows = []
    for lst in sorted(state.listings.values(), key=lambda x: (x.marketplace_id, x.sku)):
        if lst.seller_id != report.seller_id or lst.marketplace_id not in report.marketplace_ids:
            continue
        fba = lst.channel != "DEFAULT"
        rows.append(
            {
                "item-name": lst.title,
                "listing-id": f"{abs(int(lst.created)) % 10**10:010d}{lst.sku[-3:]}",
                "seller-sku": lst.sku,
                "price": money(lst.price),
                "quantity": "" if fba else str(lst.quantity),
                "open-date": _open_date(lst.created),
                "item-is-marketplace": "y",
                "product-id-type": "1",
                "item-condition": "11",
                "asin1": lst.asin,
                "will-ship-internationally": "1",
                "product-id": eans.get(lst.sku, lst.asin),
                "pending-quantity": "0",
                "fulfillment-channel": lst.channel,
                "merchant-shipping-group": "Standardvorlage Amazon",
                "status": "Active" if lst.quantity or fba else "Inactive",
            }
        )
    return tsv(LISTINGS_HEADER, rows)


def fba_inventory(state: SellerState, report: Report) -> bytes:
    """GET_FBA_MYI_UNSUPPRESSED_INVENTORY_DATA."""
    rows = []
    for lst in sorted(state.listings.values(), key=lambda x: (x.marketplace_id, x.sku)):
        if (
            lst.seller_id != report.seller_id
            or lst.channel == "DEFAULT"
            or lst.marketplace_id not in report.marketplace_ids
        ):
            continue
        warehouse = lst.fba_fulfillable + lst.fba_unfulfillable + lst.fba_reserved
        rows.append(
            {
                "sku": lst.sku,
                "fnsku": lst.fnsku,
                "asin": lst.asin,
                "product-name": lst.title,
                "condition": "New",
                "your-price": money(lst.price),
                "mfn-listing-exists": "No",
                "mfn-fulfillable-quantity": "",
                "afn-listing-exists": "Yes",
                "afn-warehouse-quantity": str(warehouse),
                "afn-fulfillable-quantity": str(lst.fba_fulfillable),
                "afn-unsellable-quantity": str(lst.fba_unfulfillable),
                "afn-reserved-quantity": str(lst.fba_reserved),
                "afn-total-quantity": str(warehouse + lst.fba_inbound),
                "per-unit-volume": "0.85",
                "afn-inbound-working-quantity": "0",
                "afn-inbound-shipped-quantity": str(lst.fba_inbound),
                "afn-inbound-receiving-quantity": "0",
            }
        )
    return tsv(MYI_HEADER, rows)


GENERATORS: dict[str, Callable[[SellerState, Report], bytes]] = {
    "GET_FLAT_FILE_ALL_ORDERS_DATA_BY_LAST_UPDATE_GENERAL": all_orders,
    "GET_AMAZON_FULFILLED_SHIPMENTS_DATA_GENERAL": fba_shipments,
    "GET_MERCHANT_LISTINGS_ALL_DATA": merchant_listings,
    "GET_FBA_MYI_UNSUPPRESSED_INVENTORY_DATA": fba_inventory,
    vat_invoices.REPORT_TYPE: vat_invoices.vat_invoice_data,
}
