"""Delivery note and invoice of a shipment: one job only when both route to the same printer."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from pypdf import PdfReader

from core.documents.sealing import seal_pdf
from core.documents.store import print_shipment_papers
from core.persistence.models import DocumentRow, OrderRow, PrintJobRow, ShipmentRow
from core.security import SecretBox
from core.services.intake import upsert_orders
from printers import Spool
from printers.render.testpage import pdf_test_page
from tests.printers.conftest import make_settings
from tests.support.factories import make_account, make_order


async def _shipment_papers(box: SecretBox) -> DocumentRow:
    account = await make_account()
    await upsert_orders(account, [make_order("302-7000000-0000001", account_id=account)], box)
    order = await OrderRow.get(external_id="302-7000000-0000001")
    shipment = await ShipmentRow.create(order_id=order.id, station="desk-1", packer="ana")
    now = datetime(2026, 12, 1, tzinfo=UTC)
    note = None
    for kind, number in (("delivery_note", "LS-1"), ("invoice", "RE-1")):
        row = await DocumentRow.create(
            kind=kind,
            number=number,
            order_id=order.id,
            shipment_id=shipment.id,
            issued_at=now,
            content={"kind": kind},
            pdf=seal_pdf(pdf_test_page(number, now), box),
        )
        note = note or row
    assert note is not None
    return note


def _settings(tmp_path: Path, invoice_to: str):  # type: ignore[no-untyped-def]
    return make_settings(
        {
            "a4-left": {"kind": "folder", "path": str(tmp_path / "left")},
            "a4-right": {"kind": "folder", "path": str(tmp_path / "right")},
        },
        {"delivery_note": "a4-left", "invoice": invoice_to},
    )


async def test_invoice_routed_elsewhere_prints_there_alone(
    db: str, box: SecretBox, tmp_path: Path
) -> None:
    spool = Spool(_settings(tmp_path, "a4-right"))
    note = await _shipment_papers(box)
    await print_shipment_papers(note, box, spool, "desk-1")
    jobs = {j.printer: j for j in await PrintJobRow.all()}
    assert set(jobs) == {"a4-left", "a4-right"}
    assert (jobs["a4-left"].kind, jobs["a4-left"].title) == (
        "delivery_note",
        "302-7000000-0000001 LS-1",
    )
    assert (jobs["a4-right"].kind, jobs["a4-right"].title) == (
        "invoice",
        "302-7000000-0000001 RE-1",
    )
    await print_shipment_papers(note, box, spool, "desk-1")  # the same papers: no second job
    assert await PrintJobRow.all().count() == 2


async def test_same_printer_gets_one_merged_job(db: str, box: SecretBox, tmp_path: Path) -> None:
    spool = Spool(_settings(tmp_path, "a4-left"))
    note = await _shipment_papers(box)
    await print_shipment_papers(note, box, spool, "desk-1")
    (job,) = await PrintJobRow.all()
    assert job.printer == "a4-left" and job.title == "302-7000000-0000001 LS-1 + RE-1"
    assert len(PdfReader(__import__("io").BytesIO(bytes(job.payload))).pages) == 2
