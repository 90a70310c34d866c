"""One invoice per supply (§14c UStG), none for a cancelled order, the true delivery date."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from core.documents.store import get_document
from core.errors import ConflictError, UserInputError
from core.persistence.models import DocumentRow, OrderLineRow, OrderRow
from core.services.claim import claim_order
from core.services.completion import PackedBox, complete_packing
from core.services.intake import upsert_orders
from core.services.invoicing import issue_invoice, preview_invoice
from core.services.setup import ensure_basics
from core.services.supplies import invoiced_balance
from tests.documents.samples import pdf_text, seller
from tests.documents.support import AMAZON_SHIPPED_AT, shipped_fba_order
from tests.support.factories import make_account, make_order

ORDER = "305-0126038-6948317"
PACKED_AT = datetime(2026, 12, 1, 8, 15, tzinfo=UTC)


async def _open_mfn_order(box, **extra) -> int:  # type: ignore[no-untyped-def]
    await ensure_basics("desk-1")
    account = await make_account()
    await upsert_orders(account, [make_order(ORDER, account_id=account, **extra)], box)
    return (await OrderRow.get(external_id=ORDER)).id


async def _pack(order_id: int, box) -> None:  # type: ignore[no-untyped-def]
    await claim_order(order_id, "desk-1", "anna")
    lines = {ln.id: ln.quantity for ln in await OrderLineRow.filter(order_id=order_id)}
    await complete_packing(
        order_id,
        [PackedBox(lines, tracking_number="00340434161094042557")],
        station="desk-1",
        packer="anna",
        company=seller(),
        box=box,
        now=PACKED_AT,
    )


async def test_render_then_pack_gives_one_invoice(db, box):
    order_id = await _open_mfn_order(box, lines=[("MUG", 2)])

    preview = pdf_text(await preview_invoice(order_id, company=seller(), box=box))
    assert "VORSCHAU" in preview and "keine Rechnung" in preview
    assert "RE-" not in preview
    assert not await DocumentRow.filter(order_id=order_id).exists()
    # the old way round: a whole-order invoice before the goods left is refused
    with pytest.raises(UserInputError, match="not shipped"):
        await issue_invoice(order_id, company=seller(), box=box)

    await _pack(order_id, box)
    [invoice] = await DocumentRow.filter(order_id=order_id, kind="invoice")
    assert invoice.content["totals"]["gross"] == "39.98"
    with pytest.raises(ConflictError):
        await issue_invoice(order_id, company=seller(), box=box)
    balance = await invoiced_balance(order_id)
    assert balance.invoiced == Decimal("39.98") and balance.paid == Decimal("39.98")


async def test_packing_an_order_invoiced_already_issues_no_second_invoice(db, box):
    order_id = await _open_mfn_order(box, lines=[("MUG", 2)])
    await OrderRow.filter(id=order_id).update(shipped_at=AMAZON_SHIPPED_AT)
    await issue_invoice(order_id, company=seller(), box=box)  # shipped outside the desk
    await OrderRow.filter(id=order_id).update(shipped_at=None)
    await _pack(order_id, box)
    assert await DocumentRow.filter(order_id=order_id, kind="invoice").count() == 1
    balance = await invoiced_balance(order_id)
    assert balance.invoiced - balance.credited <= balance.paid


async def test_a_cancelled_order_gets_no_invoice(db, box):
    order_id = await shipped_fba_order(box, email=False, upload=False)
    await OrderRow.filter(id=order_id).update(status="cancelled", channel_status="Canceled")
    with pytest.raises(ConflictError, match="cancelled"):
        await issue_invoice(order_id, company=seller(), box=box)
    assert not await DocumentRow.filter(order_id=order_id).exists()


async def test_fba_delivery_date_is_amazons_ship_date_not_the_issue_date(db, box):
    order_id = await shipped_fba_order(box, email=False, upload=False)
    issued = await issue_invoice(order_id, company=seller(), box=box, now=PACKED_AT)
    content = (await get_document(issued.document_id)).content
    assert content["issue_date"] == "2026-12-01"
    assert content["delivery_date"] == "2026-11-29"


async def test_desk_delivery_date_is_the_completion_time(db, box):
    order_id = await _open_mfn_order(box)
    await _pack(order_id, box)
    [invoice] = await DocumentRow.filter(order_id=order_id, kind="invoice")
    assert invoice.content["delivery_date"] == "2026-12-01"


async def test_mfn_order_shipped_outside_the_desk_is_invoiced_with_amazons_ship_date(db, box):
    from core.channels.amazon.normalize import order_from_2026

    data = {
        "orderId": ORDER,
        "createdTime": "2026-11-27T10:00:00Z",
        "lastUpdatedTime": "2026-12-01T06:00:00Z",
        "salesChannel": {"marketplaceId": "A1PA6795UKMFR9", "channelName": "Amazon.de"},
        "fulfillment": {"fulfillmentStatus": "SHIPPED", "fulfilledBy": "MERCHANT"},
        "packages": [{"shipTime": "2026-11-29T15:30:00Z"}],
    }
    normalized = order_from_2026(data, account_id=1)
    assert normalized.shipped_at == datetime(2026, 11, 29, 15, 30, tzinfo=UTC)

    order_id = await _open_mfn_order(box)
    await OrderRow.filter(id=order_id).update(status="shipped", shipped_at=normalized.shipped_at)
    issued = await issue_invoice(order_id, company=seller(), box=box, now=PACKED_AT)
    content = (await get_document(issued.document_id)).content
    assert (content["issue_date"], content["delivery_date"]) == ("2026-12-01", "2026-11-29")
