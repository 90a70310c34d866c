"""Requests per second the emulator serves for getOrder with limits off (target ≥ 2,000 on one core).

The emulator runs in its own process (one core); the client is a keep-alive aiohttp session here.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

TARGET = 2000.0
REQUESTS = 20000
CONCURRENCY = 32


def _serve(port_out: multiprocessing.Queue, stop: multiprocessing.Event) -> None:  # type: ignore[type-arg]
    from core.channels.amazon.emulator import run_emulator

    async def main() -> None:
        async with run_emulator(seed=1, accounts=2, orders=60, limits=False) as emu:
            port_out.put(emu.credentials)
            await asyncio.to_thread(stop.wait)

    asyncio.run(main())


async def _drive(creds: dict[str, object]) -> tuple[float, int]:
    import aiohttp

    account = creds["accounts"][0]  # type: ignore[index]
    connector = aiohttp.TCPConnector(limit=CONCURRENCY)
    async with aiohttp.ClientSession(connector=connector) as http:
        async with http.post(
            str(creds["lwa_url"]),
            data={
                "grant_type": "refresh_token",
                "refresh_token": account["refresh_token"],
                "client_id": creds["client_id"],
                "client_secret": creds["client_secret"],
            },
        ) as r:
            token = (await r.json())["access_token"]
        headers = {"x-amz-access-token": token}
        base = str(creds["endpoint"])
        async with http.get(base + "/_emulator/state") as r:
            state = await r.json()
        order_ids = [
            o["order_id"] for o in state["orders"] if o["seller_id"] == account["seller_id"]
        ]
        errors = 0

        async def worker(n: int) -> None:
            nonlocal errors
            for i in range(n, REQUESTS, CONCURRENCY):
                async with http.get(
                    f"{base}/orders/v0/orders/{order_ids[i % len(order_ids)]}", headers=headers
                ) as resp:
                    await resp.read()
                    errors += resp.status != 200

        await asyncio.gather(
            *(worker(n) for n in range(min(CONCURRENCY, 4)))
        )  # warm-up connections
        start = time.perf_counter()
        await asyncio.gather(*(worker(n) for n in range(CONCURRENCY)))
        return time.perf_counter() - start, errors


def main() -> int:
    ctx = multiprocessing.get_context("spawn")
    queue, stop = ctx.Queue(), ctx.Event()
    server = ctx.Process(target=_serve, args=(queue, stop), daemon=True)
    server.start()
    try:
        creds = queue.get(timeout=30)
        elapsed, errors = asyncio.run(_drive(creds))
    finally:
        stop.set()
        server.join(timeout=5)
    rate = REQUESTS / elapsed
    print(
        f"emulator getOrder (v0), limits off: {REQUESTS} requests, {CONCURRENCY} keep-alive connections, {elapsed:.2f} s"
    )
    print(f"  {rate:,.0f} req/s (target {TARGET:,.0f}) ratio {rate / TARGET:.2f}  errors {errors}")
    return 0 if errors == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
