"""Station `pick_slip = "with_papers"`: the pick slip is the last page of the delivery note's job.

Read back from what the printer got: the folder printer's PDF (pypdf for the pages and their
text), rasterised by pdftoppm and scanned by zbarimg for the order's barcode.
"""

from __future__ import annotations

import io
import shutil
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import pytest
from pypdf import PdfReader

from core.config import Settings
from core.documents.handlers import make_document_handlers
from core.documents.sealing import seal_pdf
from core.domain.outbox import JobKind, OutboxJob
from core.persistence.models import (
    ArticleRow,
    BinRow,
    DocumentRow,
    OrderLineRow,
    OrderRow,
    PackageLineRow,
    PackageRow,
    PrintJobRow,
    ShipmentRow,
    StockLevelRow,
    WarehouseRow,
)
from core.security import SecretBox
from core.services import pick_slips
from core.services.intake import upsert_orders
from printers import Spool
from printers.render.testpage import pdf_test_page
from tests.support.factories import make_account, make_order

ORDER = "302-8800000-0000042"


def settings(tmp_path: Path, when: str, invoice_to: str = "a4") -> Settings:
    return Settings.model_validate(
        {
            "station": "desk-1",
            "printers": {
                "a4": {"kind": "folder", "path": str(tmp_path / "a4")},
                "office": {"kind": "folder", "path": str(tmp_path / "office")},
                "receipt": {"kind": "folder", "path": str(tmp_path / "receipt")},
            },
            "stations": {
                "desk-1": {
                    "routes": {
                        "delivery_note": "a4",
                        "invoice": invoice_to,
                        "pick_slip": "receipt",
                    },
                    "pick_slip": when,
                }
            },
        }
    )


async def shipped_papers(box: SecretBox) -> DocumentRow:
    """An order of three articles; this shipment holds two of them (the mug twice)."""
    account = await make_account()
    lines = [("MUG-ŁÓDŹ", 2), ("TEA", 1), ("LATER", 1)]
    await upsert_orders(account, [make_order(ORDER, account_id=account, lines=lines)], box)
    order = await OrderRow.get(external_id=ORDER)
    warehouse = await WarehouseRow.create(name="main")
    for sku, code in (("MUG-ŁÓDŹ", "C-03"), ("TEA", "A-01"), ("LATER", "B-02")):
        article, _ = await ArticleRow.get_or_create(sku=sku, defaults={"title": sku})
        place = await BinRow.create(warehouse_id=warehouse.id, code=code)
        await StockLevelRow.create(article_id=article.id, bin_id=place.id, on_hand=9)
    shipment = await ShipmentRow.create(order_id=order.id, station="desk-1", packer="ana")
    package = await PackageRow.create(shipment_id=shipment.id, reference="P1")
    for line in await OrderLineRow.filter(order_id=order.id, sku__in=["MUG-ŁÓDŹ", "TEA"]):
        await PackageLineRow.create(
            package_id=package.id, order_line_id=line.id, quantity=line.quantity
        )
    now = datetime(2026, 12, 1, tzinfo=UTC)
    note = None
    for kind, number in (("delivery_note", "LS-42"), ("invoice", "RE-42")):
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


async def render_and_print(cfg: Settings, box: SecretBox, note: DocumentRow) -> Spool:
    """The outbox's render job for the delivery note at desk-1, then every printer drained."""
    spool = Spool(cfg)
    handlers = make_document_handlers(box, cfg, print_port=spool)
    job = OutboxJob(
        JobKind.RENDER_DOCUMENT.value,
        f"render:{note.id}",
        {"document_id": note.id, "station": "desk-1"},
    )
    await handlers[JobKind.RENDER_DOCUMENT](job)
    for name in cfg.printers:
        await spool.worker(name).drain()
    return spool


def printed(folder: Path) -> list[PdfReader]:
    if not folder.exists():
        return []
    return [PdfReader(io.BytesIO(p.read_bytes())) for p in sorted(folder.glob("*.pdf"))]


def page_text(reader: PdfReader, index: int) -> str:
    return " ".join(reader.pages[index].extract_text().split())


def barcodes_on_page(pdf: bytes, page: int) -> list[str]:
    if shutil.which("pdftoppm") is None or shutil.which("zbarimg") is None:
        pytest.skip("needs poppler-utils (pdftoppm) and zbar-tools (zbarimg)")
    png = subprocess.run(
        ["pdftoppm", "-r", "150", "-f", str(page), "-l", str(page), "-png", "-"],
        input=pdf,
        capture_output=True,
        check=True,
    ).stdout
    out = subprocess.run(
        ["zbarimg", "--quiet", "--raw", "-Sdisable", "-Scode128.enable", "-"],
        input=png,
        capture_output=True,
        check=False,
    )
    return out.stdout.decode().split()


async def test_pick_slip_is_the_last_page_of_the_papers(
    db: str, box: SecretBox, tmp_path: Path
) -> None:
    cfg = settings(tmp_path, "with_papers")
    note = await shipped_papers(box)
    await render_and_print(cfg, box, note)
    [papers] = printed(tmp_path / "a4")
    assert len(papers.pages) == 3  # delivery note, invoice, pick slip: one job, one pile
    assert "LS-42" in page_text(papers, 0) and "RE-42" in page_text(papers, 1)
    slip = page_text(papers, 2)
    assert f"Pick slip {ORDER}" in slip and "3 item(s)" in slip and "desk-1" in slip
    # what this shipment holds, walked by bin; the article left for later is not on it
    assert slip.index("A-01") < slip.index("TEA") < slip.index("C-03") < slip.index("MUG-ŁÓDŹ")
    assert "LATER" not in slip and "B-02" not in slip
    pdf = next((tmp_path / "a4").glob("*.pdf")).read_bytes()
    assert barcodes_on_page(pdf, 3) == [ORDER]
    assert not (tmp_path / "receipt").exists()  # not a second slip at the pick slip printer
    assert await PrintJobRow.all().count() == 1


async def test_an_invoice_printing_elsewhere_leaves_the_slip_with_the_delivery_note(
    db: str, box: SecretBox, tmp_path: Path
) -> None:
    cfg = settings(tmp_path, "with_papers", invoice_to="office")
    await render_and_print(cfg, box, await shipped_papers(box))
    [note_job] = printed(tmp_path / "a4")
    [invoice_job] = printed(tmp_path / "office")
    assert len(note_job.pages) == 2 and f"Pick slip {ORDER}" in page_text(note_job, 1)
    assert len(invoice_job.pages) == 1 and "Pick slip" not in page_text(invoice_job, 0)


@pytest.mark.parametrize("when", ["never", "on_claim"])
async def test_other_settings_print_the_papers_alone(
    db: str, box: SecretBox, tmp_path: Path, when: str
) -> None:
    await render_and_print(settings(tmp_path, when), box, await shipped_papers(box))
    [papers] = printed(tmp_path / "a4")
    assert len(papers.pages) == 2
    assert all("Pick slip" not in page_text(papers, i) for i in range(2))


async def test_with_papers_prints_nothing_on_claim(db: str, box: SecretBox, tmp_path: Path) -> None:
    cfg = settings(tmp_path, "with_papers")
    note = await shipped_papers(box)
    spool = Spool(cfg)
    setting = cfg.stations["desk-1"].pick_slip
    assert await pick_slips.print_on_claim(note.order_id or 0, "desk-1", setting, spool) is None
    assert await PrintJobRow.all().count() == 0
