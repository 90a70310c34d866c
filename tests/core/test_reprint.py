"""Reprint from the desk: a scan of a shipped order, a paper or a tracking number finds the shipment,
and the copies reach the spool named by Amazon order id and document number (SQLite and PostgreSQL)."""

from __future__ import annotations

from pathlib import Path

from core.documents.sealing import seal_blob
from core.persistence.models import AuditEventRow, DocumentRow, PackageRow, PrintJobRow
from core.services.completion import PackedBox
from core.services.reprint import FoundBy, Reprint, find_offer, needs_supervisor, reprint
from printers import Spool
from tests.core.test_completion import _claimed, _complete, _lines
from tests.printers.conftest import make_settings

TRACKING = "00340434161094042557"
ZPL = b"^XA^FO50,50^BCN,100^FD00340434161094042557^FS^XZ"


async def _shipped(box) -> int:
    order_id = await _claimed(box)
    ids = await _lines(order_id)
    await _complete(box, order_id, PackedBox({ids["MUG"]: 2, ids["TEA"]: 1},
                    tracking_number=TRACKING, carrier_code="DHL", carrier_name="DHL"))  # fmt: skip
    await PackageRow.filter(tracking_number=TRACKING).update(
        label=seal_blob(ZPL, box), label_format="zpl"
    )
    return order_id


async def test_order_id_paper_number_and_tracking_all_name_the_shipment(db, box):
    order_id = await _shipped(box)
    numbers = {d.kind: d.number for d in await DocumentRow.filter(order_id=order_id)}
    by_order = await find_offer("302-1")
    by_note = await find_offer(numbers["delivery_note"])
    by_invoice = await find_offer(numbers["invoice"])
    by_tracking = await find_offer(f" {TRACKING} ")
    assert [o.found_by for o in (by_order, by_note, by_invoice, by_tracking)] == [
        FoundBy.ORDER, FoundBy.DOCUMENT, FoundBy.DOCUMENT, FoundBy.TRACKING,
    ]  # fmt: skip
    for offer in (by_order, by_note, by_invoice, by_tracking):
        assert (offer.order_id, offer.external_id) == (order_id, "302-1")
        assert sorted(p.number for p in offer.papers) == sorted(numbers.values())
        assert [p.tracking_number for p in offer.labels] == [TRACKING]
        assert offer.choices() == [Reprint.LABEL, Reprint.PAPERS, Reprint.BOTH]
    assert await find_offer("302-404") is None and await find_offer("") is None


async def test_an_order_still_to_pack_offers_nothing(db, box):
    await _claimed(box)  # claimed, not shipped
    assert await find_offer("302-1") is None


async def test_copies_are_named_by_order_id_and_number(db, box, tmp_path: Path):
    order_id = await _shipped(box)
    settings = make_settings(
        {"zebra": {"kind": "folder", "path": str(tmp_path / "z")},
         "a4": {"kind": "folder", "path": str(tmp_path / "a4")}},
        {"label": "zebra", "delivery_note": "a4", "invoice": "a4"},
    )  # fmt: skip
    spool = Spool(settings, box=box)
    offer = await find_offer(TRACKING)
    assert offer is not None
    jobs = await reprint(offer, Reprint.BOTH, box=box, print_port=spool, station="desk-1",
                         actor="anna")  # fmt: skip
    rows = {r.id: r for r in await PrintJobRow.filter(id__in=jobs)}
    numbers = {d.kind: d.number for d in await DocumentRow.filter(order_id=order_id)}
    titles = sorted(r.title for r in rows.values())
    assert titles == sorted([
        "Label 302-1 parcel 1 (copy)",
        f"302-1 {numbers['delivery_note']} (copy)",
        f"302-1 {numbers['invoice']} (copy)",
    ])  # fmt: skip
    label = next(r for r in rows.values() if r.kind == "label")
    assert label.printer == "zebra"
    again = await reprint(offer, Reprint.LABEL, box=box, print_port=spool, station="desk-1",
                          actor="anna")  # fmt: skip
    assert len(again) == 1 and again[0] not in jobs  # a second copy is a new job, not swallowed
    events = await AuditEventRow.filter(action="order.reprinted", subject=f"order:{order_id}")
    assert [e.detail["what"] for e in events] == ["both", "label"]


def test_packers_need_a_supervisor_only_when_the_setting_says_so() -> None:
    assert not needs_supervisor("packer", packers_may_reprint=True)
    assert needs_supervisor("packer", packers_may_reprint=False)
    assert not needs_supervisor("supervisor", packers_may_reprint=False)
