"""Amazon sync benchmarks against the emulator (not a test; prints figures and ratios).

1. Against Amazon's limits: usage plans on, time-scaled, 2 accounts, sized so the sustained rates
   decide (bound ≥ 10 s); for the 2026-01-01 and the v0 path. The bound is the least time the
   usage plans allow for the requests the import needs: per seller and operation
   max(0, n − burst) / rate. Target: wall / bound ≤ 1.10, fewer than 1 % of requests answered 429.
2. Unthrottled: limits off, 10,000 orders into SQLite — target ≥ 1,000 orders/s end to end.
3. Side by side: the same fetch with python-amazon-sp-api (installed only for the bench).
"""

from __future__ import annotations

import asyncio
import logging
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from core.channels.amazon import amazon_connectors, make_amazon_handlers
from core.channels.amazon.accounts import import_credentials
from core.channels.amazon.client.limits import USAGE_PLANS
from core.channels.amazon.connector import AmazonOptions
from core.channels.amazon.emulator import run_emulator
from core.persistence.database import open_database
from core.security import SecretBox
from core.services.outbox import OutboxRunner
from core.sync import SyncWorker

SCALE = 50.0
UNPACED = 1e6  # the emulator runs without limits: our buckets must not pace either


async def _sync(emu, orders_api: str, page_size: int, scale: float, db: str):  # type: ignore[no-untyped-def]
    box = SecretBox(SecretBox.generate_key())
    async with open_database(db):
        await import_credentials(emu.credentials, box)
        options = AmazonOptions(orders_api=orders_api, page_size=page_size)
        conns = await amazon_connectors(box, options=options, time_scale=scale)
        worker = SyncWorker(
            box,
            conns,
            OutboxRunner(make_amazon_handlers(box, conns)),
            listings_every_s=None,
            fba_report_every_s=None,  # the order path alone is what the usage-plan bound covers
        )
        started = time.perf_counter()
        summary = await worker.run_once()
        wall = time.perf_counter() - started
        stats = [c.client.stats for c in conns.values()]
        for c in conns.values():
            await c.close()
    return summary, wall, stats


def _bound(stats, scale: float) -> float:  # type: ignore[no-untyped-def]
    worst = 0.0
    for s in stats:
        # answered requests only: a throttled attempt is not work the usage plan had to allow
        for op, n in s.answered_by_operation.items():
            rate, burst = USAGE_PLANS.get(op, (1.0, 5))
            worst = max(worst, max(0, n - burst) / rate / scale)
    return worst


async def limits_bound(orders_api: str, orders: int, page_size: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        async with run_emulator(seed=3, accounts=2, orders=orders, time_scale=SCALE) as emu:
            summary, wall, stats = await _sync(
                emu, orders_api, page_size, SCALE, f"sqlite://{tmp}/b.sqlite3"
            )
    requests = sum(s.requests for s in stats)
    throttled = sum(s.throttled for s in stats)
    bound = _bound(stats, SCALE)
    ops = {}
    for s in stats:
        for op, n in s.by_operation.items():
            ops[op] = ops.get(op, 0) + n
    print(
        f"limits {orders_api:>10}: {summary.total('orders_new')} orders, requests {ops}, "
        f"bound {bound:.1f}s, wall {wall:.1f}s = {wall / bound:.3f}× the bound (target ≤ 1.10; "
        f"ratio {1.10 / (wall / bound):.2f}), "
        f"429s {throttled}/{requests} = {100 * throttled / max(requests, 1):.2f}% (target < 1%)"
    )


async def unthrottled(n: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        async with run_emulator(seed=5, accounts=2, orders=n, limits=False) as emu:
            summary, wall, _ = await _sync(
                emu, "2026-01-01", 100, UNPACED, f"sqlite://{tmp}/u.sqlite3"
            )
    got = summary.total("orders_new")
    print(
        f"unthrottled: {got} orders into SQLite in {wall:.2f}s = {got / wall:,.0f} orders/s (target ≥ 1,000)"
    )


async def side_by_side(n: int) -> None:
    try:
        from sp_api.api import OrdersV20260101
        from sp_api.auth.access_token_client import AccessTokenClient
        from sp_api.base import Marketplaces
    except ImportError:
        import sys

        print("side by side: installing python-amazon-sp-api into the bench's environment")
        pip = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "pip", "install", "-q", "python-amazon-sp-api"
        )
        if await pip.wait() != 0:
            raise SystemExit("side by side: pip could not install python-amazon-sp-api") from None
        from sp_api.api import OrdersV20260101
        from sp_api.auth.access_token_client import AccessTokenClient
        from sp_api.base import Marketplaces
    async with run_emulator(seed=9, accounts=2, orders=n, limits=False) as emu:
        creds = emu.credentials
        host = creds["endpoint"].removeprefix("http://")

        class EmulatorLwa(AccessTokenClient):
            scheme, host_ = "http://", host

        EmulatorLwa.host = host
        box = SecretBox(SecretBox.generate_key())
        with tempfile.TemporaryDirectory() as tmp:
            async with open_database(f"sqlite://{tmp}/s.sqlite3"):
                await import_credentials(creds, box)
                conns = list((await amazon_connectors(box, time_scale=UNPACED)).values())
                started = time.perf_counter()
                ours = await asyncio.gather(*(c.fetch_orders(None) for c in conns))
                ours_s = time.perf_counter() - started
                after = conns[0]._after(None).strftime("%Y-%m-%dT%H:%M:%SZ")
                for c in conns:
                    await c.close()

        def theirs() -> int:
            count = 0
            for acc in creds["accounts"]:
                client = OrdersV20260101(
                    Marketplaces.DE,
                    refresh_token=acc["refresh_token"],
                    credentials={
                        "lwa_app_id": creds["client_id"],
                        "lwa_client_secret": creds["client_secret"],
                    },
                    auth_token_client_class=EmulatorLwa,
                )
                client.endpoint = creds["endpoint"]
                kwargs = {
                    "marketplaceIds": ",".join(acc["marketplace_ids"]),
                    "lastUpdatedAfter": after,
                    "maxResultsPerPage": 100,
                    "includedData": "BUYER,RECIPIENT,PROCEEDS,FULFILLMENT,PACKAGES,TAX,PROMOTION",
                }
                while True:
                    resp = client.search_orders(**kwargs)
                    page = resp.payload or {}
                    count += len(page.get("orders") or [])
                    token = getattr(resp, "next_token", None) or (
                        (page.get("pagination") or {}).get("nextToken")
                    )
                    if not token:
                        break
                    kwargs["paginationToken"] = token
            return count

        started = time.perf_counter()
        count = await asyncio.to_thread(theirs)
        theirs_s = time.perf_counter() - started
    ours_n = sum(len(r.orders) for r in ours)
    print(
        f"side by side (searchOrders, {count} orders fetched, limits off): Packdesk {ours_s:.2f}s "
        f"({ours_n} normalized), python-amazon-sp-api {theirs_s:.2f}s, ratio theirs/ours "
        f"{theirs_s / ours_s:.2f} (> 1: Packdesk faster)"
    )


async def main() -> None:
    logging.basicConfig(level=logging.WARNING)
    # searchOrders: burst 20 at 0.0056/s → pages beyond the burst decide; v0: getOrderItems.
    await limits_bound("2026-01-01", orders=1100, page_size=20)
    await limits_bound("v0", orders=1100, page_size=100)
    await unthrottled(10_000)
    await side_by_side(4_000)


if __name__ == "__main__":
    asyncio.run(main())
