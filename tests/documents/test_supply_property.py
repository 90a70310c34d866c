"""Property over generated order histories in the database: partial packing, shipping outside the
desk, previews, cancellations and credit notes in any order — each supply is invoiced at most once
and invoiced − credited never exceeds what the buyer paid."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.errors import PackdeskError
from core.persistence.database import open_database
from core.persistence.models import DocumentRow, OrderLineRow, OrderRow
from core.security import SecretBox
from core.services.claim import claim_order
from core.services.completion import PackedBox, complete_packing
from core.services.intake import upsert_orders
from core.services.invoicing import issue_credit_note, issue_invoice, preview_invoice
from core.services.setup import ensure_basics
from core.services.supplies import invoiced_balance
from tests.documents.samples import seller
from tests.support.db import fresh_sqlite, run_apart
from tests.support.factories import make_account, make_order

EVENTS = st.lists(
    st.one_of(
        st.tuples(st.just("pack"), st.integers(1, 3)),
        st.tuples(st.just("outside"), st.just(0)),
        st.tuples(st.just("preview"), st.just(0)),
        st.tuples(st.just("cancel"), st.just(0)),
        st.tuples(st.just("credit"), st.just(0)),
    ),
    min_size=1,
    max_size=6,
)
_runs = itertools.count()


async def _history(url: str, lines: list[int], events: list[tuple[str, int]]) -> None:
    box = SecretBox(SecretBox.generate_key())
    company = seller()
    async with open_database(url, upgrade_first=False):
        await ensure_basics("desk-1")
        account = await make_account()
        skus = [(f"SKU-{n}", qty) for n, qty in enumerate(lines)]
        await upsert_orders(account, [make_order("302-7", account_id=account, lines=skus)], box)
        order_id = (await OrderRow.get(external_id="302-7")).id
        packs = 0
        for kind, amount in events:
            try:
                if kind == "pack":
                    await claim_order(order_id, "desk-1", "anna")
                    open_lines = {
                        ln.id: min(amount, ln.quantity - ln.quantity_shipped)
                        for ln in await OrderLineRow.filter(order_id=order_id)
                        if ln.quantity > ln.quantity_shipped
                    }
                    packs += 1
                    await complete_packing(
                        order_id,
                        [PackedBox(open_lines, tracking_number=f"0034043416109404{packs:04d}")],
                        station="desk-1",
                        packer="anna",
                        company=company,
                        box=box,
                        partial=True,
                    )
                elif kind == "outside":
                    when = datetime(2026, 11, 29, 15, tzinfo=UTC)
                    await OrderRow.filter(id=order_id, shipped_at=None).update(shipped_at=when)
                    await issue_invoice(order_id, company=company, box=box)
                elif kind == "preview":
                    await preview_invoice(order_id, company=company, box=box)
                elif kind == "cancel":
                    await OrderRow.filter(id=order_id).update(status="cancelled")
                else:
                    for inv in await DocumentRow.filter(order_id=order_id, kind="invoice"):
                        await issue_credit_note(inv.id, "refund", company=company, box=box)
            except PackdeskError:
                pass  # a refusal (already invoiced, cancelled, nothing to pack …) is an answer
            balance = await invoiced_balance(order_id)
            assert balance.invoiced - balance.credited <= balance.paid, (events, balance)
            assert balance.invoiced <= balance.paid, (events, balance)  # never a second invoice
            invoices = await DocumentRow.filter(order_id=order_id, kind="invoice").count()
            shipments = await DocumentRow.filter(order_id=order_id, kind="delivery_note").count()
            assert invoices <= shipments + 1
        if balance.invoiced:  # whatever was invoiced is what the buyer paid for what left
            assert balance.invoiced <= balance.paid
        assert balance.paid == sum(Decimal("19.99") * q for q in lines)


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(st.lists(st.integers(1, 4), min_size=1, max_size=3), EVENTS)
def test_any_history_invoices_each_supply_at_most_once(
    sqlite_template: Path, tmp_path: Path, lines: list[int], events: list[tuple[str, int]]
) -> None:
    run = tmp_path / f"run-{next(_runs)}"
    run.mkdir()
    run_apart(_history, fresh_sqlite(sqlite_template, run), lines, events)
