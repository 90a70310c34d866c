"""The 3PL exchange through a folder drop: export, tracking back, and every kind of bad file."""

from __future__ import annotations

import os
import time

from lxml import etree

from core.persistence.models import (
    AuditEventRow,
    DocumentRow,
    OrderLineRow,
    OrderRow,
    OutboxJobRow,
    PackageLineRow,
    PackageRow,
)
from core.thirdparty.cycle import run_thirdparty_cycle
from core.thirdparty.export import export_orders, release_orders
from core.thirdparty.files import ORDER_NS, schema
from core.thirdparty.status import thirdparty_status
from tests.thirdparty.conftest import (
    DHL_1,
    DHL_2,
    ORDER,
    UPS_1,
    errors,
    exported,
    inbox,
    settings_for,
    third_party_orders,
    tracking_xml,
)


async def test_export_hands_over_and_delivers_a_valid_order_file(db, box, settings):
    order_id = await exported(settings, box)
    row = await OrderRow.get(id=order_id)
    assert row.status == "handed_over"
    cfg = settings.thirdparty.providers["acme"]
    files = list((cfg.path / cfg.outbox_dir).iterdir())
    assert [f.name for f in files] == [f"packdesk-order-{ORDER}.xml"]  # no .part left behind
    doc = etree.parse(str(files[0]))
    assert schema(ORDER_NS).validate(doc)
    ns = {"o": ORDER_NS}
    assert doc.xpath("string(//o:order/@orderId)", namespaces=ns) == ORDER
    assert doc.xpath("string(//o:shipTo/o:city)", namespaces=ns) == "Berlin"
    assert [(e.get("id"), e.get("quantity")) for e in doc.xpath("//o:line", namespaces=ns)] == [
        (f"{ORDER}-1", "2"),
        (f"{ORDER}-2", "1"),
    ]
    assert (
        await AuditEventRow.filter(action="order.handed_over", subject=f"order:{order_id}").count()
        == 1
    )
    again = await run_thirdparty_cycle(settings, box, imports=False)
    assert again.export is not None and again.export.exported == {} and again.delivered == 0


async def test_dry_run_changes_nothing(db, box, settings):
    [order_id] = await third_party_orders(box)
    result = await export_orders(settings.thirdparty, box, dry_run=True)
    assert result.exported == {"acme": [ORDER]}
    assert (await OrderRow.get(id=order_id)).status == "open"
    assert await OutboxJobRow.all().count() == 0


async def test_release_queue_holds_orders_until_released(db, box, tmp_path):
    settings = settings_for(tmp_path / "acme", release_queue=True)
    [order_id] = await third_party_orders(box)
    first = await export_orders(settings.thirdparty, box)
    assert first.waiting_release == [ORDER] and first.exported == {}
    status = await thirdparty_status(settings.thirdparty)
    assert status["providers"]["acme"]["orders"]["awaiting_release"] == 1
    assert await release_orders([ORDER], actor="supervisor") == [ORDER]
    second = await export_orders(settings.thirdparty, box)
    assert second.exported == {"acme": [ORDER]}
    assert (await OrderRow.get(id=order_id)).status == "handed_over"


async def test_tracking_file_ships_confirms_invoices_and_mails_with_tracking(db, box, settings):
    order_id = await exported(settings, box)
    (inbox(settings) / "track-1.xml").write_bytes(
        tracking_xml(
            (ORDER, [("DHL", DHL_1, [(f"{ORDER}-1", 2)]), ("UPS", UPS_1, [(f"{ORDER}-2", 1)])])
        )
    )
    summary = await run_thirdparty_cycle(settings, box, export=False)
    assert [(f.name, f.status) for f in summary.files["acme"]] == [("track-1.xml", "applied")]
    row = await OrderRow.get(id=order_id)
    assert row.status == "shipped"
    packages = await PackageRow.filter(shipment__order_id=order_id).order_by("reference")
    assert [(p.reference, p.carrier_code, p.tracking_number) for p in packages] == [
        ("1", "DHL", DHL_1),
        ("2", "UPS", UPS_1),
    ]
    lines = {ln.external_id: ln for ln in await OrderLineRow.filter(order_id=order_id)}
    assert {k: v.quantity_shipped for k, v in lines.items()} == {f"{ORDER}-1": 2, f"{ORDER}-2": 1}
    jobs = {j.key: j for j in await OutboxJobRow.all()}
    for p in packages:
        assert f"amazon.confirm_shipment:{p.id}" in jobs
    [invoice] = await DocumentRow.filter(order_id=order_id, kind="invoice")
    assert invoice.number.startswith("RE-")
    mail = jobs[f"mail.invoice:{invoice.id}"]
    assert [t["tracking_number"] for t in mail.payload["tracking"]] == [DHL_1, UPS_1]
    assert invoice.content["tracking_numbers"] == [DHL_1, UPS_1]
    assert [
        [(i["sku"], i["quantity"]) for i in p["items"]] for p in invoice.content["packages"]
    ] == [[("MUG", 2)], [("TEA", 1)]]
    cfg = settings.thirdparty.providers["acme"]
    assert list((cfg.path / cfg.inbox_dir).glob("*.xml")) == []
    assert len(list((cfg.path / cfg.archive_dir).glob("*track-1.xml"))) == 1
    status = await thirdparty_status(settings.thirdparty)
    assert status["providers"]["acme"]["files"] == {"applied": 1, "rejected": 0}


async def test_partial_then_rest_keeps_references_and_quantities(db, box, settings):
    order_id = await exported(settings, box)
    (inbox(settings) / "a.xml").write_bytes(
        tracking_xml((ORDER, [("DHL", DHL_1, [(f"{ORDER}-1", 1)])]))
    )
    await run_thirdparty_cycle(settings, box, export=False)
    assert (await OrderRow.get(id=order_id)).status == "partially_shipped"
    (inbox(settings) / "b.xml").write_bytes(
        tracking_xml((ORDER, [("DHL", DHL_2, [(f"{ORDER}-1", 1), (f"{ORDER}-2", 1)])]))
    )
    summary = await run_thirdparty_cycle(settings, box, export=False)
    assert [f.status for f in summary.files["acme"]] == ["applied"]
    assert (await OrderRow.get(id=order_id)).status == "shipped"
    packages = await PackageRow.filter(shipment__order_id=order_id).order_by("id")
    assert [p.reference for p in packages] == ["1", "2"]
    contents = [
        sorted(
            (pl.order_line_id, pl.quantity) for pl in await PackageLineRow.filter(package_id=p.id)
        )
        for p in packages
    ]
    line_ids = {ln.external_id: ln.id for ln in await OrderLineRow.filter(order_id=order_id)}
    assert contents == [
        [(line_ids[f"{ORDER}-1"], 1)],
        sorted([(line_ids[f"{ORDER}-1"], 1), (line_ids[f"{ORDER}-2"], 1)]),
    ]
    assert await DocumentRow.filter(order_id=order_id, kind="invoice").count() == 2


async def test_more_than_ordered_is_rejected_and_nothing_changes(db, box, settings):
    order_id = await exported(settings, box)
    (inbox(settings) / "too-many.xml").write_bytes(
        tracking_xml(
            (ORDER, [("DHL", DHL_1, [(f"{ORDER}-1", 2)]), ("DHL", DHL_2, [(f"{ORDER}-1", 1)])])
        )
    )
    summary = await run_thirdparty_cycle(settings, box, export=False)
    assert summary.files["acme"][0].status == "rejected"
    assert "only 0 still to ship" in errors(settings)["too-many.xml"]
    assert (await OrderRow.get(id=order_id)).status == "handed_over"
    assert await PackageRow.all().count() == 0
    assert await DocumentRow.all().count() == 0


async def test_bad_files_go_to_the_error_folder_with_a_reason(db, box, settings):
    await exported(settings, box)
    folder = inbox(settings)
    (folder / "malformed.xml").write_bytes(
        b'<tracking xmlns="urn:packdesk:3pl:tracking:1.0"><shipment></tracking>'
    )
    (folder / "wrong-schema.xml").write_bytes(
        b'<tracking xmlns="urn:packdesk:3pl:tracking:1.0" version="1.0" provider="acme" '
        b'created="2026-11-21T10:00:00Z"><parcel/></tracking>'
    )
    (folder / "foreign.xml").write_bytes(b"<orders><order/></orders>")
    (folder / "unknown-order.xml").write_bytes(
        tracking_xml(("302-9999999-9999999", [("DHL", DHL_1, [("x", 1)])]))
    )
    (folder / "bad-check-digit.xml").write_bytes(
        tracking_xml((ORDER, [("DHL", DHL_1[:-1] + "3", [(f"{ORDER}-1", 1)])]))
    )
    summary = await run_thirdparty_cycle(settings, box, export=False)
    assert sorted(f.status for f in summary.files["acme"]) == ["rejected"] * 5
    reasons = errors(settings)
    assert "not well-formed XML" in reasons["malformed.xml"]
    assert "does not follow packdesk-3pl-tracking-1.0.xsd" in reasons["wrong-schema.xml"]
    assert "Unknown kind of file" in reasons["foreign.xml"]
    assert "Unknown order 302-9999999-9999999" in reasons["unknown-order.xml"]
    assert "wrong check digit" in reasons["bad-check-digit.xml"]
    assert list(folder.glob("*.xml")) == []
    status = await thirdparty_status(settings.thirdparty)
    assert status["providers"]["acme"]["files"]["rejected"] == 5
    assert status["providers"]["acme"]["orders"]["handed_over"] == 1


async def test_same_file_twice_and_tracking_for_shipped_package(db, box, settings):
    order_id = await exported(settings, box)
    data = tracking_xml((ORDER, [("DHL", DHL_1, [(f"{ORDER}-1", 2), (f"{ORDER}-2", 1)])]))
    (inbox(settings) / "t.xml").write_bytes(data)
    await run_thirdparty_cycle(settings, box, export=False)
    (inbox(settings) / "t-again.xml").write_bytes(data)
    # the same package once more, in a different file (different bytes, same meaning)
    (inbox(settings) / "t-late.xml").write_bytes(data.replace(b"Paket", b"Paket Plus"))
    summary = await run_thirdparty_cycle(settings, box, export=False)
    assert [f.status for f in summary.files["acme"]] == ["rejected", "rejected"]
    reasons = errors(settings)
    assert "already applied" in reasons["t-again.xml"] and "'t.xml'" in reasons["t-again.xml"]
    assert "already shipped" in reasons["t-late.xml"]
    assert await PackageRow.filter(shipment__order_id=order_id).count() == 1
    assert await OutboxJobRow.filter(kind="amazon.confirm_shipment").count() == 1


async def test_half_written_file_waits_then_applies(db, box, settings):
    order_id = await exported(settings, box)
    data = tracking_xml((ORDER, [("DHL", DHL_1, [(f"{ORDER}-1", 2), (f"{ORDER}-2", 1)])]))
    path = inbox(settings) / "big.xml"
    (inbox(settings) / "big.xml.part").write_bytes(data)  # a temp name is never looked at
    path.write_bytes(data[: len(data) // 2])
    summary = await run_thirdparty_cycle(settings, box, export=False)
    assert [(f.name, f.status) for f in summary.files["acme"]] == [("big.xml", "waiting")]
    assert path.exists() and (await OrderRow.get(id=order_id)).status == "handed_over"
    path.write_bytes(data)
    summary = await run_thirdparty_cycle(settings, box, export=False)
    assert [(f.name, f.status) for f in summary.files["acme"]] == [("big.xml", "applied")]
    assert (await OrderRow.get(id=order_id)).status == "shipped"


async def test_a_file_that_never_finishes_is_rejected_once_stale(db, box, settings):
    await exported(settings, box)
    path = inbox(settings) / "stuck.xml"
    path.write_bytes(b'<?xml version="1.0"?>\n<tracking xmlns="urn:packdesk:3pl:tracking:1.0">')
    old = time.time() - 3600
    os.utime(path, (old, old))
    summary = await run_thirdparty_cycle(settings, box, export=False)
    assert [f.status for f in summary.files["acme"]] == ["rejected"]
    assert "incomplete" in errors(settings)["stuck.xml"]
