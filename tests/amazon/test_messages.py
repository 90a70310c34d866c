"""Each failure says what happened and what to do: an expired token is not a missing role, an
unreadable answer is not an unreachable Amazon, `accounts test` asks the API the sync uses."""

from __future__ import annotations

import pytest

from core.channels.amazon.accounts import diagnose
from tests.amazon.support import wired

pytestmark = pytest.mark.network


async def test_an_expired_token_is_not_blamed_on_role_or_region(db, box, emu):
    emu.set_faults("expired_token")
    async with wired(emu, box) as w:
        found = await diagnose(next(iter(w.connectors.values())))
    assert not found.ok
    assert "expired" in found.summary and "clock" in found.advice
    assert "role" not in found.summary


async def test_an_unreadable_answer_is_not_an_unreachable_amazon(db, box, emu):
    emu.set_faults("wrong_types:op=getOrder2026")
    async with wired(emu, box) as w:
        found = await diagnose(next(iter(w.connectors.values())))
    assert "cannot be reached" not in found.summary


async def test_accounts_test_probes_the_configured_orders_api(db, box, emu):
    async with wired(emu, box, orders_api="v0") as w:
        found = await diagnose(next(iter(w.connectors.values())))
    assert found.ok, found.summary
    used = {op for _, _, op, _, _ in emu.runtime.calls}
    assert "ordersV0.getOrder" in used and "orders2026.getOrder2026" not in used


async def test_v0_orders_keep_their_gift_messages(db, box, emu):
    async with wired(emu, box, orders_api="v0") as w:
        fetched = await next(iter(w.connectors.values())).fetch_orders(None)
    gifts = {
        (o.order_id, i.item_id): i.gift_message
        for o in emu.state.orders.values()
        for i in o.items
        if i.gift_message
    }
    read = {
        (o.external_id, ln.external_id): ln.gift_message
        for o in fetched.orders
        for ln in o.lines
        if (o.external_id, ln.external_id) in gifts
    }
    assert read  # the seed has gift orders for this seller
    assert read == {k: gifts[k] for k in read}  # without the RDT on getOrderItems: all ""
