"""What every benchmark shares: one meaning of "ratio", and PostgreSQL databases of its own.

**Ratio** is always *how far better than the target*: `target / value` when lower is better
(latency, CPU, memory), `value / target` when higher is better (throughput). Above 1 the figure
meets its target, below 1 it misses it — in every bench, so a row of ratios reads one way.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

RATIO_NOTE = "ratio = how far better than the target (> 1 meets it, < 1 misses it)"


def ratio(value: float, target: float, *, higher_is_better: bool) -> float:
    if higher_is_better:
        return value / target
    return target / value if value else float("inf")


def report(
    label: str, value: float, unit: str, target: float, *, higher_is_better: bool, width: int = 52
) -> float:
    """Print one figure against its target; returns the ratio."""
    r = ratio(value, target, higher_is_better=higher_is_better)
    bound = "≥" if higher_is_better else "≤"
    verdict = "meets" if r >= 1 else "misses"
    print(
        f"{label:<{width}} {value:>10.2f} {unit:<9} target {bound} {target:g} "
        f"→ ratio {r:.2f} ({verdict})",
        flush=True,
    )
    return r


def admin_url(url: str) -> str:
    return url.rsplit("/", 1)[0] + "/postgres"


@asynccontextmanager
async def own_postgres_database(prefix: str = "packdesk_bench") -> AsyncIterator[str]:
    """A new PostgreSQL database with a unique name, dropped afterwards — only that one.

    The server comes from PACKDESK_BENCH_POSTGRES_URL (its database part is ignored), default
    postgres@127.0.0.1:5432. A fixed name would let two runs, or a bench and someone's data,
    drop each other's database.
    """
    base = os.environ.get(
        "PACKDESK_BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/postgres"
    )
    import asyncpg

    name = f"{prefix}_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    admin = admin_url(base).replace("postgres://", "postgresql://", 1)
    conn = await asyncpg.connect(admin)
    try:
        await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()
    try:
        yield base.rsplit("/", 1)[0] + "/" + name
    finally:
        conn = await asyncpg.connect(admin)
        try:
            await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        finally:
            await conn.close()
