"""The lease row: one holder per account until it expires or is given back; the console's read
model says who syncs."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from core.persistence.models import AccountRow
from core.sync.lease import SyncLeases, lease_holders


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


async def test_one_holder_until_expiry_or_release(db):
    account = await AccountRow.create(name="de")
    clock = Clock()
    a = SyncLeases("desk-1", lease_s=10, clock=clock)
    b = SyncLeases("desk-2", lease_s=10, clock=clock)
    assert await a.take(account.id)
    assert not await b.take(account.id)
    clock.now += timedelta(seconds=6)
    assert await a.take(account.id)  # renewed: runs until 16 s now
    clock.now += timedelta(seconds=9)
    assert not await b.take(account.id)
    clock.now += timedelta(seconds=2)  # a died and did not renew: expired
    assert await b.take(account.id)
    assert not await a.take(account.id)
    assert a.held == set() and b.held == {account.id}
    await b.release(account.id)
    assert await a.take(account.id)  # given back: no need to wait for expiry
    holders = await lease_holders()
    assert holders[account.id].holder == "desk-1"
    assert holders[account.id].active(clock.now)


async def test_read_model_names_who_syncs(db):
    from core.services.queries import monitors

    account = await AccountRow.create(name="de")
    await AccountRow.create(name="fr")
    assert await SyncLeases("sync@host:42", lease_s=30).take(account.id)
    rows = {a["name"]: a for a in await monitors.accounts()}
    assert rows["de"]["synced_by"] == "sync@host:42"
    assert rows["fr"]["synced_by"] == ""
