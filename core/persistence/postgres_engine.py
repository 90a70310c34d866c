"""PostgreSQL (asyncpg) with transactions that give their pooled connection back when BEGIN fails
or is cancelled (tortoise kept it: after ten, every query waited for the pool; see `begin.py`)."""

from __future__ import annotations

from typing import Any

from tortoise.backends.asyncpg.client import AsyncpgDBClient, TransactionWrapper
from tortoise.backends.base.client import TransactionContextPooled
from tortoise.connection import get_connections

from core.persistence.begin import begin_or_undo


class WholeTransactionContext(TransactionContextPooled):
    async def __aenter__(self) -> Any:
        await self.ensure_connection()
        pool = self.client._parent._pool
        self.client._connection = await pool.acquire()
        try:
            await begin_or_undo(self.client)
        except BaseException:
            await pool.release(self.client._connection)
            raise
        self.token = get_connections().set(self.connection_name, self.client)
        return self.client


class WholeAsyncpgClient(AsyncpgDBClient):
    def _in_transaction(self) -> Any:
        return WholeTransactionContext(TransactionWrapper(self), self._pool_init_lock)


client_class = WholeAsyncpgClient
