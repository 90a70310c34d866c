"""`packdesk documents list|show|render|reprint|credit|xrechnung` — invoices, delivery notes, credit notes."""

from __future__ import annotations

import argparse
import asyncio
from pathlib import Path

from console.cli.output import print_json, print_table
from console.runtime import open_runtime, settings_from
from core.documents.einvoice import xrechnung_xml
from core.documents.store import issued_pdf, reprint
from core.domain.documents import DocumentKind
from core.errors import PackdeskError, UserInputError
from core.persistence.repositories import find_order
from core.services.invoicing import (
    issue_credit_note,
    issue_delivery_note,
    issue_invoice,
    preview_invoice,
)
from core.services.queries.documents import (
    document_content,
    document_numbered,
    latest_document,
    list_documents,
)
from core.services.queries.rejections import invoice_rejections

KINDS = {"invoice": DocumentKind.INVOICE, "delivery-note": DocumentKind.DELIVERY_NOTE}


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    docs = sub.add_parser("documents", help="invoices, delivery notes and credit notes")
    docs_sub = docs.add_subparsers(dest="documents_command", metavar="ACTION")
    ls = docs_sub.add_parser("list", help="issued documents, newest first")
    ls.add_argument("--order", help="Packdesk id or the channel's order id")
    ls.add_argument("--limit", type=int, default=100)
    ls.add_argument("--json", action="store_true")
    ls.set_defaults(handler=run_list)
    refused = docs_sub.add_parser(
        "rejected", help="invoices Amazon did not accept, with Amazon's status and description"
    )
    refused.add_argument("--account", help="only this account (by name)")
    refused.add_argument("--json", action="store_true")
    refused.set_defaults(handler=run_rejected)
    show = docs_sub.add_parser("show", help="one document: lines and totals")
    show.add_argument("number")
    show.add_argument("--json", action="store_true")
    show.set_defaults(handler=run_show)
    render = docs_sub.add_parser(
        "render",
        help="write an order's document as PDF (an invoice not issued yet: a marked preview)",
    )
    render.add_argument("order", help="Packdesk id or the channel's order id")
    render.add_argument("--kind", choices=sorted(KINDS), default="invoice")
    render.add_argument("-o", "--output", required=True, help="PDF file to write")
    render.set_defaults(handler=run_render)
    issue = docs_sub.add_parser(
        "issue",
        help="invoice an order shipped outside the desk (Amazon's ship date; never twice)",
    )
    issue.add_argument("order", help="Packdesk id or the channel's order id")
    issue.set_defaults(handler=run_issue)
    again = docs_sub.add_parser("reprint", help="print an issued document again, stamped COPY")
    again.add_argument("number")
    again.add_argument("--station", help="station whose printer takes it (default: this one)")
    again.set_defaults(handler=run_reprint)
    credit = docs_sub.add_parser("credit", help="issue a credit note for an invoice")
    credit.add_argument("number", help="the invoice number")
    credit.add_argument("--reason", required=True)
    credit.set_defaults(handler=run_credit)
    xr = docs_sub.add_parser("xrechnung", help="export an invoice as XRechnung CII XML")
    xr.add_argument("number")
    xr.add_argument("--leitweg-id", required=True, help="the public buyer's Leitweg-ID (BT-10)")
    xr.add_argument("-o", "--output", required=True, help="XML file to write")
    xr.set_defaults(handler=run_xrechnung)
    fx = docs_sub.add_parser(
        "rates", help="load the ECB euro reference rates (VAT in EUR on PLN/SEK invoices)"
    )
    source = fx.add_mutually_exclusive_group()
    source.add_argument("--url", help="eurofxref XML to fetch (default: the ECB's last 90 days)")
    source.add_argument("--file", help="a saved eurofxref XML file")
    fx.set_defaults(handler=run_rates)


async def run_rejected(args: argparse.Namespace) -> int:
    async with open_runtime(args):
        found = await invoice_rejections(account=args.account)
    if args.json:
        print_json([r.to_json() for r in found])
        return 0
    print_table(
        ["account", "number", "order", "market", "Amazon's status", "Amazon says"],
        [(r.account, r.number, r.order, r.marketplace, r.status, r.description) for r in found],
    )
    return 0


async def run_list(args: argparse.Namespace) -> int:
    if args.limit < 1:
        raise UserInputError("--limit must be at least 1")
    async with open_runtime(args) as rt:
        order_id = (await find_order(args.order, rt.box)).id if args.order else None
        data = [d.to_json() for d in await list_documents(order_id, args.limit)]
    if args.json:
        print_json(data)
        return 0
    print_table(
        ["id", "kind", "number", "order", "issued", "total"],
        [
            (
                d["id"],
                d["kind"],
                d["number"],
                d["order_id"],
                d["issued_at"][:16],
                f"{d['total'] or ''} {d['currency'] or ''}",
            )
            for d in data
        ],
    )
    return 0


async def run_show(args: argparse.Namespace) -> int:
    async with open_runtime(args) as rt:
        doc = await document_numbered(args.number)
        content = await document_content(doc.id, rt.box)
    data = {**doc.to_json(), "content": content}
    if args.json:
        print_json(data)
        return 0
    print(
        f"{doc.kind} {doc.number} — order {content['order']['external_id']}, {doc.issued_at:%Y-%m-%d}"
    )
    if content.get("refers_to"):
        print(f"refers to {content['refers_to']}")
    print_table(
        ["pos", "sku", "title", "qty", "unit", "vat %", "total"],
        [
            (
                ln["position"],
                ln["sku"],
                ln["title"][:60],
                ln["quantity"],
                ln["unit_price"],
                ln["tax_rate"],
                ln["total"],
            )
            for ln in content["lines"]
        ],
    )
    for r in content["totals"]["by_rate"]:
        print(f"VAT {r['rate']} %: net {r['net']}  tax {r['tax']}  gross {r['gross']}")
    print(f"total {content['totals']['gross']} {content['currency']}")
    return 0


async def run_render(args: argparse.Namespace) -> int:
    kind = KINDS[args.kind]
    target = Path(args.output)
    if not target.parent.exists():
        raise UserInputError(f"-o {args.output}: folder {target.parent} does not exist")
    async with open_runtime(args) as rt:
        order = await find_order(args.order, rt.box)
        assert order.id is not None
        doc = await latest_document(order.id, kind.value)
        company, box = rt.settings.company, rt.box
        if doc is None and kind is DocumentKind.INVOICE:
            # An invoice is issued by the supply itself (packing, shipped), never by rendering.
            data = await preview_invoice(order.id, company=company, box=box)
            await asyncio.to_thread(target.write_bytes, data)
            print(f"preview (no invoice issued yet, no number) → {target}")
            return 0
        if doc is None:
            issued = await issue_delivery_note(order.id, company=company, box=box)
            document_id, number = issued.document_id, issued.number
            print(f"issued {kind.value.replace('_', ' ')} {number}")
        else:
            document_id, number = doc.id, doc.number
        data = await issued_pdf(document_id, rt.box)
    await asyncio.to_thread(target.write_bytes, data)
    print(f"{number} → {target}")
    return 0


async def run_reprint(args: argparse.Namespace) -> int:
    from printers.spool import Spool

    async with open_runtime(args) as rt:
        doc = await document_numbered(args.number)
        station = args.station or rt.settings.station
        job = await reprint(doc.id, rt.box, Spool(rt.settings, box=rt.box), station)
    print(f"{doc.number}: copy queued as print job {job} at {station}")
    return 0


async def run_credit(args: argparse.Namespace) -> int:
    async with open_runtime(args) as rt:
        invoice = await document_numbered(args.number)
        issued = await issue_credit_note(
            invoice.id, args.reason, company=rt.settings.company, box=rt.box
        )
    print(f"credit note {issued.number} issued for {args.number}")
    return 0


async def run_xrechnung(args: argparse.Namespace) -> int:
    async with open_runtime(args) as rt:
        doc = await document_numbered(args.number)
        if doc.kind == DocumentKind.DELIVERY_NOTE.value:
            raise UserInputError(f"{doc.number} is a delivery note; XRechnung is for invoices.")
        xml = xrechnung_xml(await document_content(doc.id, rt.box), args.leitweg_id)
    await asyncio.to_thread(Path(args.output).write_bytes, xml)
    print(f"{doc.number} → {args.output} (XRechnung CII)")
    return 0


async def run_rates(args: argparse.Namespace) -> int:
    from core.services.fx import RateFeedError, fetch_ecb_xml, load_ecb_xml

    if args.file:
        try:
            data = await asyncio.to_thread(Path(args.file).read_bytes)
        except OSError as exc:
            raise UserInputError(f"--file {args.file}: {exc.strerror}") from None
    else:
        docs = settings_from(args).documents  # documents.ecb_url, as the sync fetches it
        url = args.url or docs.ecb_url
        try:
            data = await fetch_ecb_xml(url, docs.ecb_timeout_s)
        except RateFeedError as exc:
            raise PackdeskError(f"Could not fetch the ECB rates: {exc}") from None
    async with open_runtime(args):
        count = await load_ecb_xml(data)
    print(f"{count} ECB reference rates loaded")
    return 0


async def run_issue(args: argparse.Namespace) -> int:
    async with open_runtime(args) as rt:
        order = await find_order(args.order, rt.box)
        assert order.id is not None
        issued = await issue_invoice(order.id, company=rt.settings.company, box=rt.box)
    print(f"issued invoice {issued.number} for {order.external_id}")
    return 0
