"""Intake writes plain rows (core/persistence/bulk.py): the database gets what `bulk_create` wrote.

PostgreSQL intake was 891 orders/s against 1,000 at 10,000 orders: most of its CPU built an ORM
object per order, line, reservation and audit event, and `dataclasses.asdict` deep-copied every
address for the fingerprint. The speed is measured by `python -m bench foundation`; these tests hold
what the faster path must not change: the fingerprints already stored, and the rows themselves.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, replace
from datetime import datetime
from decimal import Decimal

from core.domain.orders import Address
from core.persistence.bulk import insert_rows
from core.persistence.models import AuditEventRow, OrderLineRow, OrderRow
from core.persistence.repositories import seal_personal
from core.services.intake import fingerprint, upsert_orders
from tests.support.factories import make_account, make_orders


def _fingerprint_as_stored(order) -> str:  # type: ignore[no-untyped-def]
    """The fingerprint as intake computed it when the stored ones were written (asdict)."""
    data = {
        "status": order.channel_status,
        "mp": order.marketplace_id,
        "ch": order.channel.value,
        "prime": order.is_prime,
        "biz": order.is_business,
        "lsd": order.latest_ship_at.isoformat() if order.latest_ship_at else None,
        "del": order.delivered_at.isoformat() if order.delivered_at else None,
        "buyer": asdict(order.buyer),
        "ship": asdict(order.ship_to),
        "bill": asdict(order.bill_to) if order.bill_to else None,
        **({"ioss": order.ioss_number} if order.ioss_number else {}),
        "lines": [
            [ln.external_id, ln.sku, ln.title, ln.quantity, str(ln.unit_price), str(ln.tax_rate),
             str(ln.shipping_price), str(ln.gift_wrap_price), str(ln.promotion_discount)]
            for ln in order.lines
        ],
    }  # fmt: skip
    return hashlib.sha256(json.dumps(data, sort_keys=True, default=str).encode()).hexdigest()


def test_fingerprints_and_sealed_data_are_what_they_were(box):
    orders = make_orders(40, 1, seed=11)
    orders[0] = replace(orders[0], bill_to=Address(name="Ärger GmbH", city="Köln", country="DE"))
    for order in orders:
        assert fingerprint(order) == _fingerprint_as_stored(order)
        assert box.open(seal_personal(order, box)) == {
            "buyer": asdict(order.buyer),
            "ship_to": asdict(order.ship_to),
            "bill_to": asdict(order.bill_to) if order.bill_to else None,
            "gifts": {ln.external_id: ln.gift_message for ln in order.lines if ln.gift_message},
        }


async def test_plain_rows_read_back_as_bulk_create_wrote_them(db):
    """Audit events carry JSON and an auto_now_add time; on PostgreSQL they go in by COPY."""
    detail = {"status": "open", "note": 'Grüße, "quoted"\n', "n": 3}
    await AuditEventRow.bulk_create(
        [AuditEventRow(actor="a", action="x", subject="s", detail=detail)]
    )
    await insert_rows(AuditEventRow, [{"actor": "a", "action": "x", "subject": "s", "detail": detail}],
                      AuditEventRow._meta.db)  # fmt: skip
    old, new = await AuditEventRow.all().order_by("id")
    assert (new.actor, new.action, new.subject, new.station, new.detail) == (
        old.actor, old.action, old.subject, old.station, old.detail
    )  # fmt: skip
    assert isinstance(new.at, datetime) and new.at.tzinfo is not None
    assert abs((new.at - old.at).total_seconds()) < 60


async def test_intake_rows_carry_every_value_and_default(db, box):
    account = await make_account("main")
    order = make_orders(1, account, seed=5)[0]
    await upsert_orders(account, [order], box)
    row = await OrderRow.get(external_id=order.external_id)
    assert (row.total, row.item_count, row.hold_reason, row.claimed_by, row.pack_progress) == (
        order.total, sum(ln.quantity for ln in order.lines), "", "", None
    )  # fmt: skip
    assert row.purchased_at == order.purchased_at and row.created_at is not None
    assert row.fingerprint == _fingerprint_as_stored(order)
    lines = await OrderLineRow.filter(order_id=row.id).order_by("id")
    assert [(ln.sku, ln.quantity, ln.unit_price) for ln in lines] == [
        (ln.sku, ln.quantity, Decimal(ln.unit_price)) for ln in order.lines
    ]
