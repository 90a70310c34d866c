"""Claiming: exactly one station wins, abandoned claims expire, supervisors take over."""

from __future__ import annotations

import asyncio
import sys
from datetime import UTC, datetime, timedelta

import pytest

from core.domain.errors import IllegalTransition
from core.errors import ConflictError
from core.persistence.models import AuditEventRow, OrderRow
from core.services.claim import claim_order, put_on_hold, release_claim, release_hold
from core.services.desk.progress import save_progress
from core.services.intake import upsert_orders
from tests.support.factories import make_account, make_order


async def _order(box) -> int:
    acc = await make_account()
    await upsert_orders(acc, [make_order("O-1", account_id=acc)], box)
    return (await OrderRow.get(external_id="O-1")).id


async def test_eight_concurrent_claimers_exactly_one_wins(db, box):
    order_id = await _order(box)

    async def attempt(n: int) -> str | None:
        try:
            await claim_order(order_id, f"desk-{n}", f"packer-{n}")
            return f"desk-{n}"
        except ConflictError:
            return None

    winners = [w for w in await asyncio.gather(*(attempt(n) for n in range(8))) if w]
    assert len(winners) == 1
    row = await OrderRow.get(id=order_id)
    assert (row.status, row.claimed_by) == ("packing", winners[0])
    assert await AuditEventRow.filter(action="order.claimed").count() == 1


async def test_loser_is_told_who_has_the_order(db, box):
    order_id = await _order(box)
    await claim_order(order_id, "desk-1", "anna")
    with pytest.raises(ConflictError, match="being packed at desk-1"):
        await claim_order(order_id, "desk-2", "ben")
    await claim_order(order_id, "desk-1", "anna")  # the same desk may resume


async def test_abandoned_claim_expires_and_supervisor_can_take_over(db, box):
    order_id = await _order(box)
    await claim_order(order_id, "desk-1", "anna")
    later = datetime.now(UTC) + timedelta(minutes=31)
    await claim_order(order_id, "desk-2", "ben", timeout_minutes=30, now=later)
    assert (await OrderRow.get(id=order_id)).claimed_by == "desk-2"
    await claim_order(order_id, "desk-3", "sue", takeover=True)
    assert (await OrderRow.get(id=order_id)).claimed_by == "desk-3"


async def test_release_and_hold(db, box):
    order_id = await _order(box)
    await claim_order(order_id, "desk-1", "anna")
    assert await release_claim(order_id, "desk-1", "anna")
    assert (await OrderRow.get(id=order_id)).status == "open"
    await put_on_hold(order_id, "box damaged", "anna")
    with pytest.raises(IllegalTransition, match="on hold and cannot become being packed"):
        await claim_order(order_id, "desk-1", "anna")
    await release_hold(order_id, "sue")
    await claim_order(order_id, "desk-1", "anna")


CLAIMER = """
import asyncio, sys
sys.path.insert(0, {root!r})
from core.persistence.database import open_database
from core.services.claim import claim_order
from core.errors import ConflictError
async def main():
    async with open_database({url!r}, upgrade_first=False):
        try:
            await claim_order({order_id}, "desk-{n}", "p{n}")
            print("won")
        except ConflictError:
            print("lost")
asyncio.run(main())
"""


async def test_eight_processes_on_one_sqlite_file(sqlite_db, box):
    db = sqlite_db
    order_id = await _order(box)
    root = str(__import__("pathlib").Path(__file__).resolve().parents[2])
    procs = [
        await asyncio.create_subprocess_exec(
            sys.executable,
            "-c",
            CLAIMER.format(root=root, url=db, order_id=order_id, n=n),
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        for n in range(8)
    ]
    outputs = [(await p.communicate()) for p in procs]
    results = [out.decode().strip() for out, _ in outputs]
    assert sorted(results) == ["lost"] * 7 + ["won"], [err.decode()[-500:] for _, err in outputs]


async def test_a_claim_that_moves_the_order_leaves_the_other_desks_counts_behind(db, box):
    # The counts belong to the desk whose goods they describe: a takeover (or an expired claim)
    # that gives the order to another desk drops them in the same write that claims it. Before,
    # the desk cleared them in a second write; a crash between the two left desk-2 holding
    # desk-1's counts, and a claim with progress never expires.
    order_id = await _order(box)
    await claim_order(order_id, "desk-1", "anna")
    assert await save_progress(order_id, "desk-1", [{1: 1}])
    await claim_order(order_id, "desk-1", "anna")  # the same desk resumes: its counts stay
    assert (await OrderRow.get(id=order_id)).pack_progress is not None
    await claim_order(order_id, "desk-2", "sue", takeover=True)
    row = await OrderRow.get(id=order_id)
    assert (row.claimed_by, row.pack_progress) == ("desk-2", None)


async def test_a_desk_never_holds_an_order_another_desk_packs(db, box):
    # The desk checked its claim before holding, outside the hold's transaction: a takeover in
    # between put desk-2's order on hold from desk-1. The hold itself now checks, under its lock.
    order_id = await _order(box)
    await claim_order(order_id, "desk-2", "ben")
    assert await save_progress(order_id, "desk-2", [{1: 1}])
    with pytest.raises(ConflictError, match="desk-2"):
        await put_on_hold(order_id, "box damaged", "anna", "desk-1")
    row = await OrderRow.get(id=order_id)
    assert (row.status, row.claimed_by, row.pack_progress is None) == ("packing", "desk-2", False)
    # the desk that packs it may hold it; the hold ends the claim and its counts in one write
    await put_on_hold(order_id, "box damaged", "ben", "desk-2")
    row = await OrderRow.get(id=order_id)
    assert (row.status, row.claimed_by, row.claimed_packer, row.pack_progress) == (
        "on_hold", "", "", None,
    )  # fmt: skip
