"""The VAT invoice data report (VIDR) and what Amazon made of each uploaded invoice.

`GET_FLAT_FILE_VAT_INVOICE_DATA_REPORT` (role Tax Invoicing, restricted) lists every shipment of
the seller's orders with the state of its invoice. Amazon documents that an upload's result is in
the column `invoice-status-description` and that a shipment whose invoice failed stays in the
`pendingInvoices` view; it does not document the values of `invoice-status`. The emulator's
values (`InvoicePending`, `InvoiceUploaded`, `InvoiceRejected`) are its own words, so a client
that depends on them is caught by a test that changes them. The report's options are read as
Amazon writes them (`ReportOption=pendingInvoices`, `ReportOption=All`); the pending view is the
default. The UPLOAD_VAT_INVOICE feed needs the same role (403 at createFeed without it).

Tests and the demo make Amazon refuse an invoice with ``POST /_emulator/vat-invoice-issues``
``{"seller_id", "invoice_number", "description"}`` and take a role away with
``POST /_emulator/roles`` ``{"seller_id", "revoke": ["Tax Invoicing"]}`` (``"grant"`` gives it back).
"""

from __future__ import annotations

from typing import Any

from aiohttp import web

from core.channels.amazon.emulator.clock import iso
from core.channels.amazon.emulator.http import ApiError, json_response
from core.channels.amazon.emulator.model import InvoiceUpload, Order, Report
from core.channels.amazon.emulator.runtime import RUNTIME
from core.channels.amazon.emulator.seed import money
from core.channels.amazon.emulator.shapes_v0 import item_tax
from core.channels.amazon.emulator.state import SellerState

REPORT_TYPE = "GET_FLAT_FILE_VAT_INVOICE_DATA_REPORT"
TAX_INVOICING = "Tax Invoicing"
ROLE_OF_REPORT = {REPORT_TYPE: TAX_INVOICING, "GET_XML_VAT_INVOICE_DATA_REPORT": TAX_INVOICING}
PENDING, UPLOADED, REJECTED = "InvoicePending", "InvoiceUploaded", "InvoiceRejected"
HEADER = (
    "order-id order-item-id shipping-id transaction-id transaction-type order-date shipment-date "
    "marketplace-id currency invoice-number invoice-status invoice-status-description "
    "is-amazon-invoiced buyer-vat-number seller-vat-number is-business-order sku asin "
    "product-name quantity-purchased item-vat-incl-amount item-vat-excl-amount item-vat-amount "
    "item-vat-rate shipping-vat-incl-amount shipping-vat-excl-amount shipping-vat-amount"
).split()


# UPLOAD_VAT_INVOICE: "role Tax Invoicing" (Amazon's invoice feeds attributes)
ROLE_OF_FEED = {"UPLOAD_VAT_INVOICE": TAX_INVOICING}
# The report's options exactly as Amazon's report type values write them in reportOptions
# ("ReportOption=pendingInvoices": "true", "ReportOption=All": "true"); Amazon documents no
# refusal of other keys, so they are ignored and the report is the documented default.
PENDING_OPTION, ALL_OPTION = "ReportOption=pendingInvoices", "ReportOption=All"


def require_role(
    state: SellerState, seller_id: str, report_type: str, roles: dict[str, str] = ROLE_OF_REPORT
) -> None:
    """A restricted report (or feed) needs its role; without it Amazon answers 403, naming
    nothing."""
    role = roles.get(report_type)
    if role is not None and (seller_id, role) in state.revoked_roles:
        raise ApiError(403, "Unauthorized", "Access to requested resource is denied.", "")


def pending_only(options: dict[str, str]) -> bool:
    """Whether the report is the pending view: Amazon's default ("pendingInvoices": "true"),
    unless `ReportOption=All` is true and `ReportOption=pendingInvoices` is not."""

    def true(key: str) -> bool:
        return options.get(key, "").strip().lower() == "true"

    return true(PENDING_OPTION) or not true(ALL_OPTION)


def _shipping_id(order: Order, n: int, upload: InvoiceUpload | None) -> str:
    """Amazon's id of the order's n-th shipment (the one the upload names, if it names one)."""
    given = upload.metadata.get("ShippingId", "") if upload else ""
    return given or "D" + order.order_id.replace("-", "")[-9:] + (f"-{n + 1}" if n else "")


def _uploads_of(state: SellerState, seller_id: str, order_id: str) -> list[InvoiceUpload]:
    return [
        u
        for u in state.uploads
        if u.seller_id == seller_id and u.metadata.get("OrderId") == order_id
    ]


def _verdict(state: SellerState, upload: InvoiceUpload | None) -> tuple[str, str]:
    """The invoice's status and description as the report states them."""
    if upload is None:
        return PENDING, ""
    refused = state.invoice_issues.get((upload.seller_id, upload.metadata.get("InvoiceNumber", "")))
    if refused is not None:
        return REJECTED, refused
    return UPLOADED, ""


def vat_invoice_data(state: SellerState, report: Report) -> bytes:
    """One row per shipped item (and per credit note uploaded), with its invoice's state."""
    from core.channels.amazon.emulator.report_tsv import tsv

    pending_view = pending_only(report.options)
    rows: list[dict[str, str]] = []
    for order in sorted(state.orders.values(), key=lambda o: o.last_update):
        if (
            order.seller_id != report.seller_id
            or order.marketplace_id not in report.marketplace_ids
            or not any(i.quantity_shipped for i in order.items)
        ):
            continue
        uploads = _uploads_of(state, order.seller_id, order.order_id)
        invoices = [u for u in uploads if u.metadata.get("DocumentType", "Invoice") == "Invoice"]
        # one Shipment transaction per shipment: each parcel invoiced on its own has its own
        # shipping-id (the upload's ShippingId where it sent one); none uploaded: one, pending
        shipments: list[InvoiceUpload | None] = list(invoices) or [None]
        transactions: list[tuple[str, str, str, InvoiceUpload | None]] = [
            ("Shipment", _shipping_id(order, n, u), "", u) for n, u in enumerate(shipments)
        ]
        transactions += [
            ("Refund", _shipping_id(order, 0, None), u.metadata.get("TransactionId", ""), u)
            for u in uploads
            if u.metadata.get("DocumentType") == "CreditNote"
        ]
        for kind, shipping_id, transaction_id, upload in transactions:
            status, description = _verdict(state, upload)
            if pending_view and status == UPLOADED:
                continue  # the pending view leaves out invoices uploaded successfully
            for item in order.items:
                gross = item.unit_price * item.quantity
                tax = item_tax(item)
                rows.append(
                    {
                        "order-id": order.order_id,
                        "order-item-id": item.item_id,
                        "shipping-id": shipping_id,
                        "transaction-id": transaction_id,
                        "transaction-type": kind,
                        "order-date": iso(order.purchase_date),
                        "shipment-date": iso(order.last_update),
                        "marketplace-id": order.marketplace_id,
                        "currency": order.currency,
                        "invoice-number": upload.metadata.get("InvoiceNumber", "")
                        if upload
                        else "",
                        "invoice-status": status,
                        "invoice-status-description": description,
                        "is-amazon-invoiced": "false",
                        "buyer-vat-number": order.buyer_vat_id or "",
                        "is-business-order": "true" if order.is_business else "false",
                        "sku": item.sku,
                        "asin": item.asin,
                        "product-name": item.title,
                        "quantity-purchased": str(item.quantity),
                        "item-vat-incl-amount": money(gross),
                        "item-vat-excl-amount": money(gross - tax),
                        "item-vat-amount": money(tax),
                        "item-vat-rate": str(item.tax_rate),
                    }
                )
    return tsv(HEADER, rows)


async def _json_object(request: web.Request, *required: str) -> dict[str, Any]:
    try:
        body = await request.json()
    except ValueError:
        raise web.HTTPBadRequest(text="send a JSON object") from None
    if not isinstance(body, dict) or not all(
        isinstance(body.get(k), str) and body[k] for k in required
    ):
        raise web.HTTPBadRequest(text=f"send {{{', '.join(map(repr, required))}, …}}")
    return body


async def set_invoice_issue(request: web.Request) -> web.Response:
    """Amazon refuses this invoice with `description`; ``"clear": true`` accepts it again."""
    body = await _json_object(request, "seller_id", "invoice_number")
    state = request.app[RUNTIME].state
    key = (body["seller_id"], body["invoice_number"])
    if body.get("clear"):
        state.invoice_issues.pop(key, None)
    else:
        state.invoice_issues[key] = str(
            body.get("description") or "The invoice could not be processed."
        )
    return json_response(
        {
            "invoice_issues": [
                {"seller_id": s, "invoice_number": n, "description": d}
                for (s, n), d in sorted(state.invoice_issues.items())
            ]
        }
    )


async def set_roles(request: web.Request) -> web.Response:
    """Take roles from a seller's authorization (``revoke``) or give them back (``grant``)."""
    body = await _json_object(request, "seller_id")
    state = request.app[RUNTIME].state
    for role in body.get("revoke") or []:
        state.revoked_roles.add((body["seller_id"], str(role)))
    for role in body.get("grant") or []:
        state.revoked_roles.discard((body["seller_id"], str(role)))
    return json_response(
        {"revoked": [{"seller_id": s, "role": r} for s, r in sorted(state.revoked_roles)]}
    )


def add_routes(app: web.Application) -> None:
    app.router.add_post(
        "/_emulator/vat-invoice-issues", set_invoice_issue, name="emulator.invoice_issues"
    )
    app.router.add_post("/_emulator/roles", set_roles, name="emulator.roles")
