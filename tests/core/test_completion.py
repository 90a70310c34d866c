"""Completion: everything in one transaction, or nothing."""

from __future__ import annotations

import pytest

from core.config import CompanySettings
from core.domain.errors import DomainError
from core.errors import ConflictError
from core.persistence.models import (
    AuditEventRow,
    DocumentRow,
    FulfilmentProfileRow,
    NumberRangeRow,
    OrderLineRow,
    OrderRow,
    OutboxJobRow,
    PackageLineRow,
    PackageRow,
    ShipmentRow,
    StockLevelRow,
    StockMovementRow,
    StockReservationRow,
)
from core.services import completion
from core.services.claim import claim_order
from core.services.completion import PackedBox, complete_packing
from core.services.intake import upsert_orders
from core.services.setup import ensure_basics
from tests.support.factories import make_account, make_article, make_order

COMPANY = CompanySettings(
    name="Muster GmbH",
    street="Hafenstraße 1",
    postcode="20457",
    city="Hamburg",
    country="DE",
    vat_id="DE123456789",
    tax_number="22/123/45678",
)


async def _claimed(box, lines=(("MUG", 2), ("TEA", 1)), carrier: str | None = None) -> int:
    await ensure_basics("desk-1")
    acc = await make_account()
    if carrier:
        await FulfilmentProfileRow.filter(channel="MFN").update(carrier=carrier)
    for n, (sku, _) in enumerate(lines, start=1):
        await make_article(sku, n, account_id=acc, on_hand=10)
    await upsert_orders(acc, [make_order("302-1", account_id=acc, lines=list(lines))], box)
    order_id = (await OrderRow.get(external_id="302-1")).id
    await claim_order(order_id, "desk-1", "anna")
    return order_id


async def _complete(box, order_id: int, *boxes: PackedBox, station: str = "desk-1",
                    packer: str = "anna", partial: bool = False):  # fmt: skip
    return await complete_packing(order_id, list(boxes), station=station, packer=packer,
                                  company=COMPANY, box=box, partial=partial)  # fmt: skip


async def _lines(order_id: int) -> dict[str, int]:
    return {ln.sku: ln.id for ln in await OrderLineRow.filter(order_id=order_id)}


async def test_complete_with_tracking_ships_and_queues_everything(db, box):
    order_id = await _claimed(box)
    ids = await _lines(order_id)
    result = await _complete(
        box,
        order_id,
        PackedBox(
            {ids["MUG"]: 2, ids["TEA"]: 1},
            tracking_number="00340434161094042557",
            carrier_code="DHL",
            carrier_name="DHL",
        ),
    )
    assert result.status == "shipped"
    assert result.document_numbers == {
        "delivery_note": "LS-" + result.document_numbers["delivery_note"][3:],
        "invoice": result.document_numbers["invoice"],
    }
    assert result.document_numbers["invoice"].endswith("-00001")
    row = await OrderRow.get(id=order_id)
    assert (row.status, row.claimed_by) == ("shipped", "")
    assert {ln.sku: ln.quantity_shipped for ln in await OrderLineRow.filter(order_id=order_id)} == {
        "MUG": 2,
        "TEA": 1,
    }
    assert sorted(s.on_hand for s in await StockLevelRow.all()) == [8, 9]
    assert await StockMovementRow.filter(reason="shipment").count() == 2
    assert await StockReservationRow.all().count() == 0
    kinds = sorted(j.kind for j in await OutboxJobRow.all())
    assert kinds == ["amazon.confirm_shipment", "documents.render", "documents.render"]
    assert await AuditEventRow.filter(action="order.packed").count() == 1
    stored = str([d.content for d in await DocumentRow.all()])
    assert "Jürgen" not in stored and "Hauptstraße" not in stored  # buyer data sealed


async def test_buy_shipping_carrier_leaves_order_packed_until_the_label_exists(db, box):
    order_id = await _claimed(box, carrier="amazon_buy_shipping")
    ids = await _lines(order_id)
    result = await _complete(box, order_id, PackedBox({ids["MUG"]: 2}), PackedBox({ids["TEA"]: 1}))
    assert result.status == "packed"
    assert [p.reference for p in await PackageRow.all().order_by("id")] == ["1", "2"]
    assert await OutboxJobRow.filter(kind="label.buy").count() == 2
    assert await OutboxJobRow.filter(kind="amazon.confirm_shipment").count() == 0


async def test_partial_shipment_then_the_rest(db, box):
    order_id = await _claimed(box)
    ids = await _lines(order_id)
    with pytest.raises(DomainError, match="1 item"):
        await _complete(box, order_id, PackedBox({ids["MUG"]: 2}, tracking_number="T1"))
    first = await _complete(
        box, order_id, PackedBox({ids["MUG"]: 2}, tracking_number="T1"), partial=True
    )
    assert first.status == "partially_shipped"
    await claim_order(order_id, "desk-2", "ben")
    with pytest.raises(DomainError, match="only 0 still to ship"):
        await _complete(
            box,
            order_id,
            PackedBox({ids["MUG"]: 1}, tracking_number="T2"),
            station="desk-2",
            packer="ben",
        )
    second = await _complete(
        box,
        order_id,
        PackedBox({ids["TEA"]: 1}, tracking_number="T2"),
        station="desk-2",
        packer="ben",
    )
    assert second.status == "shipped"
    assert [p.reference for p in await PackageRow.all().order_by("id")] == ["1", "2"]
    assert await DocumentRow.filter(kind="invoice").count() == 2


async def test_only_the_claiming_station_can_complete(db, box):
    order_id = await _claimed(box)
    ids = await _lines(order_id)
    with pytest.raises(ConflictError, match="not being packed at desk-9"):
        await _complete(
            box, order_id, PackedBox({ids["MUG"]: 2, ids["TEA"]: 1}), station="desk-9", packer="x"
        )


async def test_failure_midway_leaves_no_row_behind(db, box, monkeypatch):
    order_id = await _claimed(box)
    ids = await _lines(order_id)
    real_allocate = completion.allocate
    calls = 0

    async def failing_allocate(*args, **kwargs):
        nonlocal calls
        calls += 1
        if calls == 2:
            raise RuntimeError("disk full")
        return await real_allocate(*args, **kwargs)

    monkeypatch.setattr(completion, "allocate", failing_allocate)
    ranges_before = {(r.name, r.next_seq) for r in await NumberRangeRow.all()}
    with pytest.raises(RuntimeError, match="disk full"):
        await _complete(
            box, order_id, PackedBox({ids["MUG"]: 2, ids["TEA"]: 1}, tracking_number="T")
        )
    for model in (
        ShipmentRow,
        PackageRow,
        PackageLineRow,
        DocumentRow,
        StockMovementRow,
        OutboxJobRow,
    ):
        assert await model.all().count() == 0, model.__name__
    assert {(r.name, r.next_seq) for r in await NumberRangeRow.all()} == ranges_before
    row = await OrderRow.get(id=order_id)
    assert (row.status, row.claimed_by) == ("packing", "desk-1")
    assert sorted(s.on_hand for s in await StockLevelRow.all()) == [10, 10]
    assert await StockReservationRow.all().count() == 2


async def test_the_profile_picks_the_carrier_by_package_weight(db, box):
    order_id = await _claimed(box, carrier="dhl")
    await FulfilmentProfileRow.filter(channel="MFN").update(
        options={"carriers": [{"max_weight_g": 1000, "carrier": "deutsche_post"}]}
    )
    ids = await _lines(order_id)
    await _complete(
        box,
        order_id,
        PackedBox({ids["MUG"]: 2}, weight_g=800),
        PackedBox({ids["TEA"]: 1}, weight_g=2500),
    )
    jobs = await OutboxJobRow.filter(kind="label.buy").order_by("id")
    assert [j.payload["carrier"] for j in jobs] == ["deutsche_post", "dhl"]


async def test_desk_shipments_never_take_from_a_providers_bin(db, box):
    from core.persistence.models import BinRow, WarehouseRow

    order_id = await _claimed(box, lines=(("MUG", 1),))
    mug = (await OrderLineRow.get(order_id=order_id)).sku
    level = await StockLevelRow.get(article__sku=mug)
    provider = await WarehouseRow.create(name="3pl:acme")
    provider_bin = await BinRow.create(warehouse_id=provider.id, code="MAIN")
    await StockLevelRow.create(article_id=level.article_id, bin_id=provider_bin.id, on_hand=500)
    ids = await _lines(order_id)
    await _complete(box, order_id, PackedBox({ids["MUG"]: 1}, tracking_number="T"))
    assert (await StockLevelRow.get(id=level.id)).on_hand == 9
    assert (await StockLevelRow.get(bin_id=provider_bin.id)).on_hand == 500


async def test_documents_list_the_parcels_and_their_items(db, box):
    import io

    from pypdf import PdfReader

    from core.documents.render import render_pdf
    from core.documents.sealing import open_content

    order_id = await _claimed(box)
    ids = await _lines(order_id)
    await _complete(
        box,
        order_id,
        PackedBox({ids["MUG"]: 2}, tracking_number="00340434161094042557", carrier_name="DHL"),
        PackedBox({ids["TEA"]: 1}, tracking_number="1Z999AA10123456784", carrier_name="UPS"),
    )
    note = await DocumentRow.get(kind="delivery_note")
    text = (
        PdfReader(io.BytesIO(render_pdf(open_content(note.content, box)))).pages[0].extract_text()
    )
    assert "00340434161094042557" in text and "1Z999AA10123456784" in text
    assert "2 × MUG" in text and "1 × TEA" in text
