"""Reprint at the desk: what a scan of a shipment that already left names, and printing it again.

A packer scans the Amazon order id of a shipped order, a delivery-note or invoice number, or a
parcel's tracking number; the desk offers its label and its papers again. Copies go through the
spool as marked copies under fresh keys (a reprint is never swallowed as a duplicate) and are
named by Amazon order id and document number, so the print queue reads like the desk.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from enum import StrEnum

from core.carriers.labels import CONTENT_TYPES, label_title
from core.documents.sealing import open_blob
from core.documents.store import reprint as reprint_document
from core.domain.documents import DocumentKind
from core.domain.orders import OrderStatus
from core.errors import ConflictError, NotFound
from core.persistence.columns import fits
from core.persistence.models import DocumentRow, OrderRow, PackageRow, ShipmentRow
from core.ports import PrintPort, PrintRequest
from core.security import SecretBox
from core.services import audit

PAPERS = (DocumentKind.DELIVERY_NOTE.value, DocumentKind.INVOICE.value)
# Orders whose parcels have left (or wait for a label): a scan of their id offers a reprint.
LEFT = (OrderStatus.PACKED.value, OrderStatus.SHIPPED.value, OrderStatus.PARTIALLY_SHIPPED.value)


class FoundBy(StrEnum):
    ORDER = "order"
    DOCUMENT = "document"
    TRACKING = "tracking"


class Reprint(StrEnum):
    LABEL = "label"
    PAPERS = "papers"
    BOTH = "both"


@dataclass(frozen=True)
class Paper:
    document_id: int
    kind: str
    number: str


@dataclass(frozen=True)
class Parcel:
    package_id: int
    reference: str
    tracking_number: str
    has_label: bool


@dataclass(frozen=True)
class ReprintOffer:
    """A shipment (or all of an order's) that a scan named, with what can be printed again."""

    order_id: int
    external_id: str
    found_by: FoundBy
    papers: tuple[Paper, ...]
    parcels: tuple[Parcel, ...]

    @property
    def labels(self) -> tuple[Parcel, ...]:
        return tuple(p for p in self.parcels if p.has_label)

    def choices(self) -> list[Reprint]:
        out = []
        if self.labels:
            out.append(Reprint.LABEL)
        if self.papers:
            out.append(Reprint.PAPERS)
        if len(out) == 2:
            out.append(Reprint.BOTH)
        return out


def needs_supervisor(role: str, packers_may_reprint: bool) -> bool:
    """Packers reprint on their own where the setting allows it; otherwise a supervisor's PIN."""
    return not packers_may_reprint and role != "supervisor"


async def find_offer(code: str) -> ReprintOffer | None:
    """The shipped order, document or parcel `code` names; None when it names none of them."""
    code = code.strip()
    if not code:
        return None
    if fits(OrderRow, "external_id", code):
        order = await OrderRow.filter(external_id=code, status__in=LEFT).only("id").first()
        if order is not None:
            return await _offer(order.id, None, FoundBy.ORDER)
    if fits(DocumentRow, "number", code):
        doc = await DocumentRow.filter(number=code, kind__in=PAPERS).only("order_id", "shipment_id")
        if doc:
            return await _offer(doc[0].order_id, doc[0].shipment_id, FoundBy.DOCUMENT)
    if fits(PackageRow, "tracking_number", code):
        package = await PackageRow.filter(tracking_number=code).only("id", "shipment_id").first()
        if package is not None:
            shipment = await ShipmentRow.get(id=package.shipment_id).only("id", "order_id")
            return await _offer(shipment.order_id, shipment.id, FoundBy.TRACKING)
    return None


async def _offer(order_id: int, shipment_id: int | None, found_by: FoundBy) -> ReprintOffer:
    order = await OrderRow.get(id=order_id).only("id", "external_id")
    docs = DocumentRow.filter(order_id=order_id, kind__in=PAPERS)
    packages = PackageRow.filter(shipment__order_id=order_id)
    if shipment_id is not None:
        docs, packages = (
            docs.filter(shipment_id=shipment_id),
            packages.filter(shipment_id=shipment_id),
        )
    papers = tuple(
        Paper(d.id, d.kind, d.number)
        for d in await docs.order_by("id").only("id", "kind", "number")
    )
    parcels = tuple(
        Parcel(p.id, p.reference, p.tracking_number, p.label is not None)
        for p in await packages.order_by("id")
    )
    return ReprintOffer(order_id, order.external_id, found_by, papers, parcels)


async def reprint(
    offer: ReprintOffer,
    what: Reprint,
    *,
    box: SecretBox,
    print_port: PrintPort | None,
    station: str,
    actor: str,
) -> list[int]:
    """Spool marked copies of the offer's labels and/or papers; returns the new print job ids."""
    if print_port is None:
        raise ConflictError("This console has no printers configured — reprint from a desk.")
    if what not in offer.choices():
        raise NotFound(f"Order {offer.external_id} has no {what.value} to print again.")
    jobs: list[int] = []
    if what in (Reprint.LABEL, Reprint.BOTH):
        for parcel in offer.labels:
            row = await PackageRow.get(id=parcel.package_id)
            if row.label is None:
                continue  # cancelled since the offer was made
            jobs.append(
                await print_port.submit(
                    PrintRequest(
                        station=station,
                        kind="label",
                        title=label_title(offer.external_id, row.reference, copy=True),
                        content_type=CONTENT_TYPES.get(
                            row.label_format, "application/octet-stream"
                        ),
                        payload=open_blob(bytes(row.label), box),
                        key=f"label.reprint:{row.id}:{uuid.uuid4().hex}",
                        copy=True,
                    )
                )
            )
    if what in (Reprint.PAPERS, Reprint.BOTH):
        for paper in offer.papers:
            jobs.append(await reprint_document(paper.document_id, box, print_port, station))
    await audit.record(
        actor,
        "order.reprinted",
        f"order:{offer.order_id}",
        station=station,
        what=what.value,
        jobs=len(jobs),
    )
    return jobs
