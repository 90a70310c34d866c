"""What a tracking file leaves behind besides the confirmation: the provider's ship time, and a
delivery note that says which items are in which package."""

from __future__ import annotations

from datetime import UTC, datetime

from core.documents.store import content_of, original_pdf
from core.persistence.models import (
    AccountRow,
    DocumentRow,
    FulfilmentProfileRow,
    OrderRow,
    OutboxJobRow,
    ShipmentRow,
)
from core.services.numbering import ensure_range
from core.thirdparty.cycle import run_thirdparty_cycle
from tests.thirdparty.conftest import (
    DHL_1,
    DHL_2,
    ORDER,
    SHIPPED,
    UPS_1,
    exported,
    inbox,
    tracking_xml,
)


async def test_shipment_keeps_the_providers_ship_time(db, box, settings):
    order_id = await exported(settings, box)
    before = datetime.now(UTC)
    (inbox(settings) / "t.xml").write_bytes(
        tracking_xml((ORDER, [("DHL", DHL_1, [(f"{ORDER}-1", 2), (f"{ORDER}-2", 1)])]))
    )
    await run_thirdparty_cycle(settings, box, export=False)
    [shipment] = await ShipmentRow.filter(order_id=order_id)
    assert shipment.shipped_at == SHIPPED  # when the goods left the provider …
    assert shipment.created_at >= before  # … not when the file arrived
    assert (await OrderRow.get(id=order_id)).shipped_at == SHIPPED
    [invoice] = await DocumentRow.filter(order_id=order_id, kind="invoice")
    assert content_of(invoice, box)["delivery_date"] == "2026-11-21"


async def test_delivery_note_lists_the_items_of_each_package(db, box, settings):
    order_id = await exported(settings, box)
    order = await OrderRow.get(id=order_id)
    company = (await AccountRow.get(id=order.account_id)).company
    await ensure_range(company, "acme-notes", "LS-ACME-{seq:04}")
    await FulfilmentProfileRow.filter(id=order.profile_id).update(delivery_note_range="acme-notes")
    (inbox(settings) / "t.xml").write_bytes(
        tracking_xml(
            (ORDER, [("DHL", DHL_1, [(f"{ORDER}-1", 2)]), ("UPS", UPS_1, [(f"{ORDER}-2", 1)])])
        )
    )
    await run_thirdparty_cycle(settings, box, export=False)

    [shipment] = await ShipmentRow.filter(order_id=order_id)
    [note] = await DocumentRow.filter(order_id=order_id, kind="delivery_note")
    assert note.number == "LS-ACME-0001" and note.shipment_id == shipment.id
    content = content_of(note, box)
    assert [
        (
            p["reference"],
            p["carrier"],
            p["tracking_number"],
            [(i["sku"], i["quantity"]) for i in p["items"]],
        )
        for p in content["packages"]
    ] == [("1", "DHL", DHL_1, [("MUG", 2)]), ("2", "UPS", UPS_1, [("TEA", 1)])]
    assert sorted((ln["sku"], ln["quantity"]) for ln in content["lines"]) == [
        ("MUG", 2),
        ("TEA", 1),
    ]
    assert content["delivery_date"] == "2026-11-21"
    assert (await original_pdf(note, box)).startswith(b"%PDF")
    [invoice] = await DocumentRow.filter(order_id=order_id, kind="invoice")
    mails = await OutboxJobRow.filter(kind="mail.invoice")
    assert [m.payload["document_id"] for m in mails] == [invoice.id]  # the note is not mailed


async def test_each_partial_shipment_gets_its_own_delivery_note(db, box, settings):
    order_id = await exported(settings, box)
    (inbox(settings) / "a.xml").write_bytes(
        tracking_xml((ORDER, [("DHL", DHL_1, [(f"{ORDER}-1", 1)])]))
    )
    await run_thirdparty_cycle(settings, box, export=False)
    (inbox(settings) / "b.xml").write_bytes(
        tracking_xml((ORDER, [("DHL", DHL_2, [(f"{ORDER}-1", 1), (f"{ORDER}-2", 1)])]))
    )
    await run_thirdparty_cycle(settings, box, export=False)
    notes = await DocumentRow.filter(order_id=order_id, kind="delivery_note").order_by("id")
    assert [
        [(i["sku"], i["quantity"]) for p in content_of(n, box)["packages"] for i in p["items"]]
        for n in notes
    ] == [[("MUG", 1)], [("MUG", 1), ("TEA", 1)]]
    assert [content_of(n, box)["tracking_numbers"] for n in notes] == [[DHL_1], [DHL_2]]
    assert len({n.number for n in notes}) == 2
