"""Foundation benchmarks: intake throughput, the packing queue, numbering under concurrency.

Targets (issue 2): intake of 10,000 orders (2 lines each) ≥ 1,000 orders/s on SQLite and on
PostgreSQL; the 50 most urgent open MFN orders among 100,000 ≤ 20 ms; numbering with 8 concurrent
allocators on PostgreSQL: numbers/s reported. PostgreSQL from PACKDESK_BENCH_POSTGRES_URL
(default: a `packdesk_bench` database on 127.0.0.1, created if missing).
"""

from __future__ import annotations

import asyncio
import os
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tortoise import Tortoise
from tortoise.transactions import in_transaction

from core.persistence.database import open_database
from core.security import SecretBox
from core.services.intake import upsert_orders
from core.services.numbering import allocate, ensure_range
from core.services.queries import packing_queue
from tests.support.factories import make_account, make_orders

PG = os.environ.get(
    "PACKDESK_BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/packdesk_bench"
)


async def reset_postgres() -> None:
    admin = PG.rsplit("/", 1)[0] + "/postgres"
    import asyncpg

    conn = await asyncpg.connect(admin.replace("postgres://", "postgresql://", 1))
    name = PG.rsplit("/", 1)[1]
    await conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
    await conn.execute(f'CREATE DATABASE "{name}"')
    await conn.close()


def report(label: str, value: float, unit: str, target: float, higher_is_better: bool) -> None:
    ratio = value / target if higher_is_better else target / value if value else float("inf")
    verdict = "meets" if ratio >= 1 else "misses"
    print(
        f"{label:<48} {value:>10.1f} {unit:<10} target {target:g} → ratio {ratio:.2f} ({verdict})"
    )


async def intake(url: str, label: str, box: SecretBox) -> None:
    async with open_database(url):
        acc = await make_account(f"bench-{time.time_ns()}")
        orders = make_orders(10_000, acc, seed=7)
        start = time.perf_counter()
        result = await upsert_orders(acc, orders, box)
        elapsed = time.perf_counter() - start
        assert result.new == 10_000, result
        report(f"intake 10,000 orders ({label})", 10_000 / elapsed, "orders/s", 1000, True)
        start = time.perf_counter()
        again = await upsert_orders(acc, make_orders(10_000, acc, seed=7), box)
        elapsed = time.perf_counter() - start
        assert again.unchanged == 10_000
        report(
            f"re-import 10,000 unchanged orders ({label})", 10_000 / elapsed, "orders/s", 1000, True
        )
    await Tortoise.close_connections()


async def queue(url: str, label: str, box: SecretBox) -> None:
    async with open_database(url):
        acc = await make_account(f"queue-{time.time_ns()}")
        for seed in range(10):
            await upsert_orders(
                acc, make_orders(10_000, acc, seed=100 + seed, lines_per_order=1), box
            )
        # Fresh planner statistics, as autovacuum (PostgreSQL) or `PRAGMA optimize` would give.
        conn = Tortoise.get_connection("postgres" if url.startswith("postgres") else "sqlite")
        await conn.execute_script("ANALYZE")
        await packing_queue(50)
        times = []
        for _ in range(30):
            start = time.perf_counter()
            rows = await packing_queue(50)
            times.append((time.perf_counter() - start) * 1000)
        assert len(rows) == 50
        report(
            f"50 most urgent of 100,000 ({label}), median",
            statistics.median(times),
            "ms",
            20,
            False,
        )


async def numbering() -> None:
    async with open_database(PG):
        await ensure_range("bench", "invoice")

        async def worker(n: int) -> None:
            for _ in range(n):
                async with in_transaction() as conn:
                    await allocate("bench", "invoice", date(2026, 1, 1), conn)

        start = time.perf_counter()
        await asyncio.gather(*(worker(250) for _ in range(8)))
        elapsed = time.perf_counter() - start
        print(f"{'numbering, 8 allocators x 250 (postgres)':<48} {2000 / elapsed:>10.1f} numbers/s")


async def main() -> None:
    box = SecretBox(SecretBox.generate_key())
    with tempfile.TemporaryDirectory() as tmp:
        await intake(f"sqlite://{tmp}/intake.sqlite3", "sqlite", box)
        await queue(f"sqlite://{tmp}/queue.sqlite3", "sqlite", box)
    await reset_postgres()
    await intake(PG, "postgres", box)
    await queue(PG, "postgres", box)
    await numbering()


if __name__ == "__main__":
    asyncio.run(main())
