"""A transaction that never began must not keep the database: cancelled or refused at BEGIN, it gives
back what it took.

Found under load: a console test hung for good after a worker (closed with its screen) was cancelled
while its `BEGIN IMMEDIATE` waited on another writer. tortoise's transaction context takes SQLite's
one connection lock and then awaits BEGIN; an exception there (a cancel, or "database is locked"
after the busy timeout) left the lock held, and every later query of the process waited forever —
a frozen desk. On PostgreSQL the same cut lost a pooled connection each time.
"""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3
from pathlib import Path

import pytest
from tortoise import Tortoise
from tortoise.exceptions import TransactionManagementError
from tortoise.transactions import in_transaction

from core.persistence.database import open_database
from core.persistence.models import AuditEventRow
from core.persistence.sqlite_engine import ImmediateTransactionWrapper
from tests.support.db import fresh_sqlite


def _file(url: str) -> str:
    return url.removeprefix("sqlite://").split("?")[0]


async def _write() -> None:
    async with in_transaction():
        await AuditEventRow.create(actor="anna", action="test.write", subject="order:1")


@contextlib.contextmanager
def _another_writer(path: str):  # type: ignore[no-untyped-def]
    """Another process's write transaction on the same file (another desk completing an order)."""
    other = sqlite3.connect(path, timeout=0, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    try:
        yield
    finally:
        other.execute("ROLLBACK")
        other.close()


async def test_a_transaction_cancelled_while_it_waits_to_begin_leaves_sqlite_usable(
    sqlite_db, monkeypatch
):
    waiting = asyncio.Event()
    real_begin = ImmediateTransactionWrapper.begin

    async def begin(self: ImmediateTransactionWrapper) -> None:
        waiting.set()
        await real_begin(self)

    monkeypatch.setattr(ImmediateTransactionWrapper, "begin", begin)
    with _another_writer(_file(sqlite_db)):
        task = asyncio.create_task(_write())
        await waiting.wait()  # it holds the connection and waits in BEGIN IMMEDIATE
        await asyncio.sleep(0.05)
        task.cancel()
    with contextlib.suppress(asyncio.CancelledError):  # its BEGIN ends now, and is undone
        await asyncio.wait_for(task, 5)
    assert await asyncio.wait_for(AuditEventRow.all().count(), 5) == 0
    await asyncio.wait_for(_write(), 5)  # the next transaction begins and commits
    assert await AuditEventRow.all().count() == 1
    # and the cancelled BEGIN left no transaction open: another process can write
    with _another_writer(_file(sqlite_db)):
        pass


async def test_a_begin_refused_as_locked_leaves_sqlite_usable(sqlite_template: Path, tmp_path):
    url = fresh_sqlite(sqlite_template, tmp_path)
    async with open_database(url, busy_timeout_ms=50, upgrade_first=False):
        with _another_writer(_file(url)):
            with pytest.raises(TransactionManagementError, match="locked"):
                await _write()
        await asyncio.wait_for(_write(), 5)
        assert await AuditEventRow.all().count() == 1


async def test_transactions_cancelled_in_begin_give_their_connection_back(db, monkeypatch):
    name = "postgres" if db.startswith("postgres") else "sqlite"
    context = Tortoise.get_connection(name)._in_transaction()  # nothing taken until entered
    wrapper = type(getattr(context, "connection", None) or context.client)
    began = asyncio.Event()
    real_begin = wrapper.begin

    async def slow_begin(self: object) -> None:
        began.set()
        await asyncio.sleep(0.05)  # cut here by the cancel
        await real_begin(self)

    monkeypatch.setattr(wrapper, "begin", slow_begin)
    for _ in range(12):  # more than PostgreSQL's pool holds (maxsize 10)
        began.clear()
        task = asyncio.create_task(_write())
        await asyncio.wait_for(began.wait(), 5)  # the one before gave its connection back
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
    monkeypatch.setattr(wrapper, "begin", real_begin)
    await asyncio.wait_for(_write(), 5)
    assert await asyncio.wait_for(AuditEventRow.all().count(), 5) == 1
