"""Foundation benchmarks: intake throughput, the packing queue, numbering under concurrency.

Targets (issue 2): intake of 10,000 orders (2 lines each) ≥ 1,000 orders/s on SQLite and on
PostgreSQL; the 50 most urgent open MFN orders among 100,000 ≤ 20 ms; numbering with 8 concurrent
allocators on PostgreSQL: numbers/s reported.

Intake runs as a seller has it: every SKU is an article with stock, so each open MFN line reserves
stock. Beside it, in the same run, the floor: the very rows intake wrote, inserted by raw SQLite
`executemany` in one transaction, and on PostgreSQL (orders, lines, reservations, audit events)
by raw asyncpg COPY in one transaction — each once more with the sealing and hashing intake must
do. The CPU intake took (this process, and its PostgreSQL backend when the server is local) is
printed beside the wall time, which a loaded machine stretches.
PostgreSQL: a database of its own with a unique name on PACKDESK_BENCH_POSTGRES_URL's server,
dropped afterwards (bench/common.py). Every ratio: > 1 is better than the target.
"""

from __future__ import annotations

import asyncio
import os
import sqlite3
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tortoise import Tortoise
from tortoise.transactions import in_transaction

from bench.common import RATIO_NOTE, own_postgres_database, report
from core.persistence.database import open_database, upgrade
from core.persistence.models import StockReservationRow
from core.persistence.repositories import seal_personal
from core.security import SecretBox
from core.services.intake import fingerprint, upsert_orders
from core.services.numbering import allocate, ensure_range
from core.services.queries import packing_queue
from tests.support.factories import make_account, make_article, make_orders

ORDERS = 10_000
SKUS = 50  # make_orders draws SKU-1 … SKU-50


async def _articles(account_id: int) -> None:
    for n in range(1, SKUS + 1):
        await make_article(f"SKU-{n}", n, account_id=account_id, on_hand=1_000_000)


async def intake(url: str, label: str, box: SecretBox) -> None:
    async with open_database(url):
        acc = await make_account(f"bench-{time.time_ns()}")
        await _articles(acc)
        orders = make_orders(ORDERS, acc, seed=7)
        server = await _server_processes(url)
        server_cpu, cpu = _cpu_of(server), time.process_time()
        start = time.perf_counter()
        result = await upsert_orders(acc, orders, box)
        elapsed = time.perf_counter() - start
        cpu, server_cpu = time.process_time() - cpu, _cpu_of(server) - server_cpu
        assert result.new == ORDERS, result
        reserved = await StockReservationRow.all().count()
        assert reserved > 0, "no stock was reserved: the bench would measure the wrong intake"
        report(
            f"intake {ORDERS:,} orders with stock ({label})",
            ORDERS / elapsed,
            "orders/s",
            1000,
            higher_is_better=True,
        )
        print(f"{'':<4}{reserved:,} stock reservations written", flush=True)
        # Wall time on a loaded machine says little; the CPU it took says what it costs.
        on_server = f", its PostgreSQL backend {server_cpu:.2f} s" if server else ""
        print(
            f"{'':<4}CPU: this process {cpu:.2f} s{on_server}, in {elapsed:.2f} s wall", flush=True
        )
        start = time.perf_counter()
        again = await upsert_orders(acc, make_orders(ORDERS, acc, seed=7), box)
        assert again.unchanged == ORDERS
        report(
            f"re-import {ORDERS:,} unchanged orders ({label})",
            ORDERS / (time.perf_counter() - start),
            "orders/s",
            1000,
            higher_is_better=True,
        )
    await Tortoise.close_connections()
    if url.startswith("postgres"):
        await pg_floor(url, elapsed, orders, box)
    else:
        await floor(Path(url.removeprefix("sqlite://")), elapsed, orders, box)


async def _server_processes(url: str) -> list[int]:
    """The PostgreSQL backends serving this process, when the server runs on this machine."""
    if not url.startswith("postgres"):
        return []
    rows = await Tortoise.get_connection("postgres").execute_query_dict(
        "SELECT pid FROM pg_stat_activity WHERE datname = current_database()"
    )
    pids = [int(r["pid"]) for r in rows]

    def local_backend(pid: int) -> bool:
        try:
            return b"postgres" in Path(f"/proc/{pid}/cmdline").read_bytes()
        except OSError:
            return False

    return pids if pids and all(local_backend(p) for p in pids) else []


def _cpu_of(pids: list[int]) -> float:
    """User + system CPU seconds of these processes so far (0 for any that is gone)."""
    total = 0.0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total


async def floor(written: Path, ours_s: float, orders: list, box: SecretBox) -> None:  # type: ignore[type-arg]
    """The same rows by raw `executemany` into a fresh schema: what no ORM can beat."""
    with tempfile.TemporaryDirectory() as tmp:
        target = Path(tmp) / "floor.sqlite3"
        await upgrade(f"sqlite://{target}")
        src, dst = sqlite3.connect(written), sqlite3.connect(target)
        tables = ("account", "order", "order_line")
        rows = {t: src.execute(f'SELECT * FROM "{t}"').fetchall() for t in tables}
        cols = {t: [d[1] for d in src.execute(f'PRAGMA table_info("{t}")')] for t in tables}
        start = time.perf_counter()
        with dst:
            for t in tables:
                marks = ", ".join("?" * len(cols[t]))
                dst.executemany(f'INSERT INTO "{t}" VALUES ({marks})', rows[t])
        raw_s = time.perf_counter() - start
        src.close()
        dst.close()
    _floor_lines(len(rows["order"]), raw_s, _crypto_s(orders, box), ours_s, "raw executemany")


def _crypto_s(orders: list, box: SecretBox) -> float:  # type: ignore[type-arg]
    """The work intake cannot skip: seal each order's personal data, hash it for change checks."""
    start = time.perf_counter()
    for order in orders:
        seal_personal(order, box)
        fingerprint(order)
    return time.perf_counter() - start


def _floor_lines(n: int, raw_s: float, crypto_s: float, ours_s: float, how: str) -> None:
    print(f"{'':<4}floor: {how} {n / raw_s:,.0f} orders/s; with sealing and hashing "
          f"{n / (raw_s + crypto_s):,.0f} orders/s", flush=True)  # fmt: skip
    # Shares of the floor's speed that intake reaches (1 = as fast as the raw load): > 1 impossible.
    print(f"{'':<4}intake reaches {raw_s / ours_s:.3f} of {how}'s speed "
          f"({ours_s / raw_s:.1f}× its time) and {(raw_s + crypto_s) / ours_s:.3f} counting "
          f"sealing and hashing ({ours_s / (raw_s + crypto_s):.1f}× its time)", flush=True)  # fmt: skip


async def pg_floor(written: str, ours_s: float, orders: list, box: SecretBox) -> None:  # type: ignore[type-arg]
    """The rows intake wrote (orders, lines, reservations, audit events), loaded into a fresh
    schema by raw asyncpg COPY in one transaction: what no ORM can beat on PostgreSQL."""
    import asyncpg

    def dsn(url: str) -> str:
        return url.replace("postgres://", "postgresql://", 1)

    given = ("account", "article")  # what intake finds, not what it writes: loaded untimed
    timed = ("order", "order_line", "stock_reservation", "audit_event")
    src = await asyncpg.connect(dsn(written))
    try:
        rows = {t: await src.fetch(f'SELECT * FROM "{t}" ORDER BY id') for t in given + timed}
    finally:
        await src.close()
    async with own_postgres_database("packdesk_bench_floor") as target:
        await upgrade(target)
        await Tortoise.close_connections()
        dst = await asyncpg.connect(dsn(target))
        try:

            async def load(tables: tuple[str, ...]) -> None:
                async with dst.transaction():
                    for t in tables:
                        if rows[t]:
                            await dst.copy_records_to_table(
                                t,
                                records=[tuple(r) for r in rows[t]],
                                columns=list(rows[t][0].keys()),
                            )

            await load(given)
            start = time.perf_counter()
            await load(timed)
            raw_s = time.perf_counter() - start
        finally:
            await dst.close()
    _floor_lines(len(rows["order"]), raw_s, _crypto_s(orders, box), ours_s, "raw COPY")


async def growing_intake(url: str, box: SecretBox) -> None:
    """30,000 orders in three intakes on one database: the last third as fast as the first.

    Without fresh planner statistics PostgreSQL fell from 1,144 to 234 orders/s by 30,000 orders;
    intake now analyses the tables it filled (core/persistence/statistics.py).
    """
    async with open_database(url):
        acc = await make_account(f"grow-{time.time_ns()}")
        rates = []
        for third in range(3):
            orders = make_orders(ORDERS, acc, seed=200 + third)
            start = time.perf_counter()
            await upsert_orders(acc, orders, box)
            rates.append(ORDERS / (time.perf_counter() - start))
        report("intake orders 20,001-30,000 (postgres)", rates[2], "orders/s", 1000,
               higher_is_better=True)  # fmt: skip
        report("  … its speed against orders 1-10,000", rates[2] / rates[0], "×", 0.9,
               higher_is_better=True)  # fmt: skip
    await Tortoise.close_connections()


async def queue(url: str, label: str, box: SecretBox) -> None:
    async with open_database(url):
        acc = await make_account(f"queue-{time.time_ns()}")
        for seed in range(10):
            await upsert_orders(
                acc, make_orders(10_000, acc, seed=100 + seed, lines_per_order=1), box
            )
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
            higher_is_better=False,
        )


async def numbering(url: str) -> None:
    async with open_database(url):
        await ensure_range("bench", "invoice")

        async def worker(n: int) -> None:
            for _ in range(n):
                async with in_transaction() as conn:
                    await allocate("bench", "invoice", date(2026, 1, 1), conn)

        start = time.perf_counter()
        await asyncio.gather(*(worker(250) for _ in range(8)))
        elapsed = time.perf_counter() - start
        print(f"{'numbering, 8 allocators x 250 (postgres)':<52} {2000 / elapsed:>10.1f} numbers/s")
    await Tortoise.close_connections()


async def main() -> None:
    print(RATIO_NOTE)
    box = SecretBox(SecretBox.generate_key())
    with tempfile.TemporaryDirectory() as tmp:
        await intake(f"sqlite://{tmp}/intake.sqlite3", "sqlite", box)
        await queue(f"sqlite://{tmp}/queue.sqlite3", "sqlite", box)
    async with own_postgres_database() as pg:
        await intake(pg, "postgres", box)
        await growing_intake(pg, box)
        await queue(pg, "postgres", box)
        await numbering(pg)


if __name__ == "__main__":
    asyncio.run(main())
