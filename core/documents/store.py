"""Issued documents as stored: the original PDF is rendered once, sealed, and returned ever after."""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from typing import Any

from core.documents.sealing import open_content, open_pdf, seal_pdf
from core.domain.documents import DocumentKind
from core.errors import NotFound, UserInputError
from core.persistence.models import DocumentRow, OrderRow
from core.ports import PrintPort, PrintRequest, RoutingPrintPort
from core.security import SecretBox

# The renderer (fpdf2, fontTools, Factur-X) is imported where a PDF is made, not with this module:
# it cost the console ~0.8 s before the sign-in screen, and most starts render nothing for minutes.


def render_pdf(content: dict[str, Any]) -> bytes:
    """`core.documents.render.render_pdf`, loaded on first use."""
    from core.documents.render import render_pdf as render

    return render(content)


async def paper_title(order_id: int | None, numbers: list[str], *, copy: bool = False) -> str:
    """A print job's name as the desk says it: the Amazon order id and the document numbers."""
    order = (
        await OrderRow.filter(id=order_id).only("id", "external_id").first() if order_id else None
    )
    title = " + ".join(numbers)
    if order is not None:
        title = f"{order.external_id} {title}"
    return f"{title} (copy)" if copy else title


async def get_document(document_id: int) -> DocumentRow:
    row = await DocumentRow.get_or_none(id=document_id)
    if row is None:
        raise NotFound(f"No document with id {document_id}.")
    return row


def content_of(row: DocumentRow, box: SecretBox) -> dict[str, Any]:
    """The document's frozen content with the personal data opened."""
    return open_content(dict(row.content), box)


async def original_pdf(row: DocumentRow, box: SecretBox) -> bytes:
    """The issued PDF: rendered and stored the first time, the stored bytes every later time."""
    if row.pdf is not None:
        return open_pdf(bytes(row.pdf), box)
    content = content_of(row, box)
    from core.documents.integrity import check_pdf
    from core.documents.render import E_INVOICE_KINDS

    data = await asyncio.to_thread(render_pdf, content)
    # Never seal a damaged file as the original: DamagedDocument fails the job, which renders again.
    await asyncio.to_thread(check_pdf, data, e_invoice=content["kind"] in E_INVOICE_KINDS)
    stored = await DocumentRow.filter(id=row.id, pdf__isnull=True).update(pdf=seal_pdf(data, box))
    if not stored:  # another worker stored its rendering first; that one is the original
        fresh = await DocumentRow.get(id=row.id)
        assert fresh.pdf is not None
        row.pdf = fresh.pdf
        return open_pdf(bytes(fresh.pdf), box)
    row.pdf = seal_pdf(data, box)
    return data


async def print_shipment_papers(
    row: DocumentRow,
    box: SecretBox,
    print_port: PrintPort,
    station: str,
    *,
    with_pick_slip: bool = False,
) -> int:
    """Spool delivery note + invoice of the shipment: one job where both go to the same printer,
    otherwise one job per printer (the `invoice` route is honoured). Returns the first job id.

    `with_pick_slip` (station `pick_slip = "with_papers"`): the shipment's pick slip is the last
    page of the delivery note's job."""
    papers = [row]
    if row.shipment_id is not None:
        papers = list(
            await DocumentRow.filter(
                shipment_id=row.shipment_id,
                kind__in=[DocumentKind.DELIVERY_NOTE.value, DocumentKind.INVOICE.value],
            )
        )
        papers.sort(key=lambda r: (r.kind != DocumentKind.DELIVERY_NOTE.value, r.id))
    groups: dict[str, list[DocumentRow]] = {}
    for paper in papers:
        printer = next(iter(groups), "")  # no route of its own: it goes with the first paper
        if isinstance(print_port, RoutingPrintPort):
            with contextlib.suppress(UserInputError):
                printer = print_port.route(station, paper.kind)
        groups.setdefault(printer, []).append(paper)
    key = (
        f"documents.print:shipment:{row.shipment_id}"
        if row.shipment_id is not None
        else f"documents.print:{row.id}"
    )
    ids = []
    for index, group in enumerate(groups.values()):
        pdfs = [await original_pdf(p, box) for p in group]
        if with_pick_slip and row.shipment_id is not None and index == 0:  # the note's job
            from core.services.pick_slips import shipment_pick_slip_pdf

            pdfs.append(await shipment_pick_slip_pdf(row.shipment_id, station))
        from core.documents.render import merge_pdfs

        data = pdfs[0] if len(pdfs) == 1 else await asyncio.to_thread(merge_pdfs, pdfs)
        ids.append(
            await print_port.submit(
                PrintRequest(
                    station=station,
                    kind=group[0].kind,
                    title=await paper_title(row.order_id, [p.number for p in group]),
                    content_type="application/pdf",
                    payload=data,
                    key=key if index == 0 else f"{key}:{group[0].kind}",
                )
            )
        )
    return ids[0]


async def issued_pdf(document_id: int, box: SecretBox) -> bytes:
    """The original PDF of the document with this id (rendered and stored on first use)."""
    return await original_pdf(await get_document(document_id), box)


async def reprint(document_id: int, box: SecretBox, print_port: PrintPort, station: str) -> int:
    """Print the stored original again, stamped COPY in the document's language."""
    row = await get_document(document_id)
    data = await original_pdf(row, box)
    language = str(row.content.get("language", "en"))
    from core.documents.render import stamp_copy

    stamped = await asyncio.to_thread(stamp_copy, data, language)
    return await print_port.submit(
        PrintRequest(
            station=station,
            kind=row.kind,
            title=await paper_title(row.order_id, [row.number], copy=True),
            content_type="application/pdf",
            payload=stamped,
            key=f"documents.reprint:{row.id}:{uuid.uuid4().hex}",
            copy=True,
        )
    )
