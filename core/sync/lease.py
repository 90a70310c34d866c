"""One syncer per account, whatever the number of processes: a lease row per account.

Consoles, `packdesk sync` services and SSH desks on one database each run a sync worker, but only
the holder of an account's lease talks to Amazon for it — so its rate limiters are the only ones
spending the account's usage plans. The holder renews the lease well before it runs out; the
others look every renewal period and take it over once it has expired (the holder died, even by
`kill -9`) or was given back.

Taking and renewing is one short transaction: on PostgreSQL `SELECT … FOR UPDATE SKIP LOCKED`
(a row another process is deciding about right now is simply not ours this time); on SQLite the
transaction starts with `BEGIN IMMEDIATE` (core/persistence/sqlite_engine.py), which serialises
the deciders. Expiry compares wall clocks, so machines sharing a PostgreSQL server need NTP.
"""

from __future__ import annotations

import logging
import os
import socket
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from tortoise.exceptions import IntegrityError, OperationalError, TransactionManagementError
from tortoise.transactions import in_transaction

from core.persistence.models import SyncLeaseRow

log = logging.getLogger(__name__)


def utcnow() -> datetime:
    return datetime.now(UTC)


def holder_name(role: str, station: str = "") -> str:
    """Who this process is, as the console shows it: role, station, host and pid."""
    where = f" {station}" if station else ""
    return f"{role}{where}@{socket.gethostname()}:{os.getpid()}"[:128]


@dataclass(frozen=True)
class LeaseInfo:
    """Who syncs an account, for the console and `packdesk sync`."""

    account_id: int
    holder: str
    expires_at: datetime | None
    since: datetime | None

    def active(self, now: datetime) -> bool:
        return bool(self.holder) and self.expires_at is not None and self.expires_at > now


@dataclass
class SyncLeases:
    """Takes, renews and gives back account leases for one process (`holder`)."""

    holder: str
    lease_s: float = 20.0
    clock: Callable[[], datetime] = utcnow
    held: set[int] = field(default_factory=set)
    renewed_at: dict[int, datetime] = field(default_factory=dict)

    @property
    def renew_every_s(self) -> float:
        """Renew three times per lease: two missed renewals still keep it."""
        return self.lease_s / 3

    async def take(self, account_id: int) -> bool:
        """Take or renew the account's lease; False while another process holds it."""
        try:
            got = await self._take(account_id)
        except IntegrityError:
            got = False  # another process created the row first: it holds the lease
        except (OperationalError, TransactionManagementError, OSError) as exc:
            # The database was busy past its timeout or away: a lease renewed within its time is
            # still ours (nobody may take it before it expires); a newer one is not counted on.
            log.debug("lease of account %s not renewed: %s", account_id, exc)
            renewed = self.renewed_at.get(account_id)
            got = (
                account_id in self.held
                and renewed is not None
                and (self.clock() - renewed).total_seconds() < self.lease_s * 2 / 3
            )
            if not got:
                self.held.discard(account_id)
            return got
        if got:
            if account_id not in self.held:
                log.info("account %s: this process (%s) syncs it now", account_id, self.holder)
            self.held.add(account_id)
            self.renewed_at[account_id] = self.clock()
        else:
            self.held.discard(account_id)
        return got

    async def _take(self, account_id: int) -> bool:
        now = self.clock()
        until = now + timedelta(seconds=self.lease_s)
        async with in_transaction() as conn:
            rows = (
                await SyncLeaseRow.filter(account_id=account_id)
                .select_for_update(skip_locked=True)
                .using_db(conn)
            )
            if not rows:
                if await SyncLeaseRow.filter(account_id=account_id).using_db(conn).exists():
                    return False  # locked by a process deciding about it right now
                await SyncLeaseRow.create(
                    account_id=account_id, holder=self.holder, expires_at=until, since=now,
                    using_db=conn,
                )  # fmt: skip
                return True
            row = rows[0]
            mine = row.holder == self.holder
            if not mine and row.holder and row.expires_at is not None and row.expires_at > now:
                return False
            await (
                SyncLeaseRow.filter(id=row.id)
                .using_db(conn)
                .update(holder=self.holder, expires_at=until, since=row.since if mine else now)
            )
            return True

    async def release(self, account_id: int) -> None:
        """Give the lease back at once, so a standing-by process need not wait for expiry."""
        self.held.discard(account_id)
        await SyncLeaseRow.filter(account_id=account_id, holder=self.holder).update(
            holder="", expires_at=None
        )

    async def release_all(self) -> None:
        for account_id in list(self.held):
            try:
                await self.release(account_id)
            except Exception:  # shutting down: expiry hands the lease on anyway
                log.debug("lease of account %s not given back", account_id, exc_info=True)


async def lease_holders() -> dict[int, LeaseInfo]:
    """Every account's lease, by account id (the read model shows who syncs)."""
    return {
        r.account_id: LeaseInfo(r.account_id, r.holder, r.expires_at, r.since)
        for r in await SyncLeaseRow.all()
    }


__all__ = ["LeaseInfo", "SyncLeases", "holder_name", "lease_holders"]
