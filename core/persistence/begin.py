"""BEGIN that a cancel cannot cut in half, for the engines in this package.

tortoise's transaction contexts take the connection (SQLite's one connection lock, or a connection
from PostgreSQL's pool) and then await BEGIN outside any `try`: an exception there — a worker
cancelled with its screen, or "database is locked" after the busy timeout — skipped `__aexit__`,
so the lock (or the pooled connection) was never given back and every later query of the process
waited for it: a frozen desk. The engines enter through `begin_or_undo` and give back on failure.
"""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any


async def begin_or_undo(transaction: Any) -> None:
    """Run `transaction.begin()` to its end; when the caller is cancelled meanwhile, roll back
    what began, then let the cancel go on. A BEGIN that fails raises as it is."""
    begin = asyncio.ensure_future(transaction.begin())
    try:
        await asyncio.shield(begin)
    except asyncio.CancelledError:
        # The driver runs BEGIN on (aiosqlite's thread, asyncpg's protocol): wait for its answer,
        # then undo it, or the connection would go back holding an open transaction.
        with contextlib.suppress(Exception):
            await begin
            await transaction.rollback()
        raise
