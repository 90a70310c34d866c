"""Every emulator fault mode: afterwards each order is there once, nothing is confirmed twice, and
the account's health says what happened."""

from __future__ import annotations

import logging

import pytest

from core.persistence.models import AccountRow, OrderRow
from tests.amazon.support import importable, wired

pytestmark = pytest.mark.network

# mode → health expected after one cycle under the fault
RECOVERABLE = [
    "429:count=3",
    "429:rate=0.3:count=10",
    "500:count=3",
    "503:count=3",
    "slow:seconds=0.2:count=2",
    "reset:count=2",
    "truncated:count=2",
    "malformed:count=2",
    "expired_token:count=1",
]


@pytest.mark.parametrize("spec", RECOVERABLE)
async def test_recoverable_faults_leave_every_order_once(db, box, emu, spec):
    emu.set_faults(spec)
    async with wired(emu, box) as w:
        summary = await w.worker.run_once()
        emu.set_faults(None)
        await w.worker.run_once()
    ids = list(await OrderRow.all().values_list("external_id", flat=True))
    assert len(ids) == len(set(ids))
    assert set(ids) == importable(emu)
    assert summary.ok, summary.to_json()
    assert {a.health for a in await AccountRow.all()} == {"ok"}


async def test_a_429_storm_marks_the_account_throttled_then_recovers(db, box, emu):
    emu.set_faults("429:op=searchOrders")
    async with wired(emu, box) as w:
        first = await w.worker.run_once()
        assert {a.health for a in await AccountRow.all()} == {"throttled"}
        assert all("rate limit" in a.health_reason for a in await AccountRow.all())
        assert first.total("throttled") >= 2
        emu.set_faults(None)
        emu.advance(600)
        await w.worker.run_once()
    assert {a.health for a in await AccountRow.all()} == {"ok"}
    assert set(await OrderRow.all().values_list("external_id", flat=True)) == importable(emu)


async def test_a_revoked_authorization_says_so(db, box, emu, caplog):
    emu.set_faults("invalid_grant")
    caplog.set_level(logging.DEBUG)
    async with wired(emu, box) as w:
        summary = await w.worker.run_once()
    assert not summary.ok
    for account in await AccountRow.all():
        assert account.health == "failing"
        assert "no longer accepts this account's authorization" in account.health_reason
    assert await OrderRow.all().count() == 0
