"""SQLite with `BEGIN IMMEDIATE` transactions that give the connection back when BEGIN fails.

Several console processes may share one SQLite file. A deferred `BEGIN` that reads and then writes
can fail at once with "database is locked" when another process writes in between (the busy timeout
does not help there); taking the write lock at `BEGIN` makes the busy timeout apply instead. That
BEGIN waits, so it is where a cancel or a timeout lands: see `begin.py`.
"""

from __future__ import annotations

import sqlite3
from typing import Any

from tortoise.backends.sqlite.client import (
    SqliteClient,
    SqliteTransactionContext,
    SqliteTransactionWrapper,
)
from tortoise.connection import get_connections
from tortoise.exceptions import TransactionManagementError

from core.persistence.begin import begin_or_undo


class ImmediateTransactionWrapper(SqliteTransactionWrapper):
    async def begin(self) -> None:
        try:
            await self._connection.commit()
            await self._connection.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            raise TransactionManagementError(exc) from exc


class ImmediateTransactionContext(SqliteTransactionContext):
    async def __aenter__(self) -> Any:
        await self._trxlock.acquire()
        try:
            await self.ensure_connection()
            await begin_or_undo(self.connection)
        except BaseException:
            self._trxlock.release()  # tortoise kept it: every later query waited on it
            raise
        self.token = get_connections().set(self.connection_name, self.connection)
        return self.connection


class ImmediateSqliteClient(SqliteClient):
    def _in_transaction(self) -> Any:
        return ImmediateTransactionContext(ImmediateTransactionWrapper(self), self._lock)


client_class = ImmediateSqliteClient
