"""Sync benchmarks: how fast a new order reaches the packing queue, and what many processes cost.

1. Notifications: 50 orders placed at the emulator (`POST /_emulator/orders`) → ORDER_CHANGE in a
   real SQS queue (moto_server) → getOrder → intake; placed → in the queue (the packing queue's
   table) p50/p95 in real seconds. Usage plans on, time scale 4 (getOrder 2 req/s) so 50 orders
   take half a minute; the path itself is not time-scaled. Target: p95 ≤ 5 s.
2. Polling only: the same 50 orders with notifications off, emulator and client time-scaled ×600,
   poll interval 120 s; latency in emulated seconds against the bound: Amazon's 2 minutes +
   searchOrders' pace (1/0.0056·0.97 s = 184 s, which is longer than the interval).
3. One syncer per account: 1 and then 10 `packdesk sync` processes on one SQLite file for the same
   emulated time; searchOrders requests and 429s per account per emulated hour. Target: equal.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import signal
import socket
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import aiohttp

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from core.channels.amazon import amazon_connectors, make_amazon_handlers  # noqa: E402
from core.channels.amazon.accounts import import_credentials  # noqa: E402
from core.channels.amazon.emulator import run_emulator  # noqa: E402
from core.config import AwsSettings  # noqa: E402
from core.persistence.database import open_database  # noqa: E402
from core.persistence.models import OrderRow  # noqa: E402
from core.security import SecretBox  # noqa: E402
from core.services.outbox import OutboxRunner  # noqa: E402
from core.sync import SyncWorker  # noqa: E402
from core.sync.notifications import NotificationConsumer  # noqa: E402
from core.sync.subscribe import queue_arn, subscribe  # noqa: E402

ORDERS = 50
PLAN_PACE_S = 1 / (0.0056 * 0.97)  # searchOrders as our limiter paces it
POLL_S = 120.0
CLI = (
    "import sys, console.cli as c; c.COMMAND_MODULES = ('console.cli.sync',); "
    "sys.exit(c.main(sys.argv[1:]))"
)


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


async def _place(session: aiohttp.ClientSession, emu: Any, seller: str, sku: str) -> str:
    body = {"seller": seller, "channel": "MFN", "items": [{"sku": sku, "quantity": 1}]}
    async with session.post(emu.url + "/_emulator/orders", json=body) as resp:
        return str((await resp.json())["orderId"])


async def _latencies(emu: Any, seller: str, spacing_s: float, scale: float) -> list[float]:
    """Place ORDERS orders `spacing_s` apart; seconds (× scale) until each is in the database."""
    sku = next(a.sku for a in emu.state.articles if not a.sku.endswith("-FBA"))
    placed: dict[str, float] = {}
    seen: dict[str, float] = {}

    async def watch() -> None:
        while len(seen) < ORDERS:
            pending = [o for o in placed if o not in seen]
            if pending:
                now = time.monotonic()
                found = await OrderRow.filter(external_id__in=pending).values_list(
                    "external_id", flat=True
                )
                for order_id in found:
                    seen[str(order_id)] = now
            await asyncio.sleep(0.02)

    watcher = asyncio.create_task(watch())
    async with aiohttp.ClientSession() as session:
        for _ in range(ORDERS):
            order_id = await _place(session, emu, seller, sku)
            placed[order_id] = time.monotonic()
            await asyncio.sleep(spacing_s)
    await asyncio.wait_for(watcher, 600)
    return [(seen[o] - placed[o]) * scale for o in placed]


async def _worker(emu: Any, box: SecretBox, scale: float, poll_s: float) -> SyncWorker:
    await import_credentials(emu.credentials, box)
    conns = await amazon_connectors(box, time_scale=scale)
    return SyncWorker(
        box,
        conns,
        OutboxRunner(make_amazon_handlers(box, conns)),
        poll_interval_s=poll_s,
        listings_every_s=None,
        fba_report_every_s=None,
    )


async def notifications(tmp: Path, sqs_endpoint: str) -> list[float]:
    from aiobotocore.session import get_session

    scale = 4.0
    async with (
        run_emulator(
            seed=3, accounts=1, orders=10, time_scale=scale, sqs_endpoint=sqs_endpoint
        ) as emu,
        open_database(f"sqlite://{tmp / 'notify.sqlite3'}"),
        get_session().create_client(
            "sqs", endpoint_url=sqs_endpoint, region_name="eu-west-1"
        ) as sqs,
    ):
        url = (await sqs.create_queue(QueueName="bench"))["QueueUrl"]
        box = SecretBox(SecretBox.generate_key())
        worker = await _worker(emu, box, scale, 3600.0)
        connector = next(iter(worker.connectors.values()))
        await subscribe(connector, queue_arn(url, "eu-west-1"))
        aws = AwsSettings(queue_url=url, sqs_endpoint_url=sqs_endpoint)
        worker.notifications = NotificationConsumer(aws, worker.order_changed, wait_s=2)
        stop = asyncio.Event()
        running = asyncio.create_task(worker.run_forever(stop))
        # the first cycle and the first queue read happen in the worker's tasks: look shortly
        while not (worker.notifications.status.reading and await OrderRow.exists()):  # noqa: ASYNC110
            await asyncio.sleep(0.05)
        try:
            return await _latencies(emu, connector.account.seller_id, 0.6, 1.0)
        finally:
            stop.set()
            await running
            for c in worker.connectors.values():
                await c.close()


async def polling(tmp: Path) -> list[float]:
    scale = 600.0
    async with (
        run_emulator(seed=3, accounts=1, orders=10, time_scale=scale) as emu,
        open_database(f"sqlite://{tmp / 'poll.sqlite3'}"),
    ):
        box = SecretBox(SecretBox.generate_key())
        worker = await _worker(emu, box, scale, POLL_S / scale)
        stop = asyncio.Event()
        running = asyncio.create_task(worker.run_forever(stop))
        while not await OrderRow.exists():  # noqa: ASYNC110 — the worker's first cycle
            await asyncio.sleep(0.05)
        seller = next(iter(worker.connectors.values())).account.seller_id
        try:
            return await _latencies(emu, seller, 0.1, scale)
        finally:
            stop.set()
            await running
            for c in worker.connectors.values():
                await c.close()


async def processes(tmp: Path, count: int, seconds: float) -> tuple[float, float]:
    """searchOrders requests and 429s per account per emulated hour with `count` processes."""
    scale = 600.0
    db = tmp / f"procs-{count}.sqlite3"
    key = SecretBox.generate_key()
    async with run_emulator(seed=5, accounts=2, orders=40, time_scale=scale) as emu:
        async with open_database(f"sqlite://{db}"):
            await import_credentials(emu.credentials, SecretBox(key))
        env = {
            **os.environ,
            "PACKDESK_DATABASE_URL": f"sqlite://{db}",
            "PACKDESK_SECRET_KEY": key.decode(),
            "PACKDESK_DATA_DIR": str(tmp),
            "XDG_CONFIG_HOME": str(tmp),
            "PACKDESK_AMAZON_TIME_SCALE": str(scale),
            "PACKDESK_SYNC_POLL_INTERVAL_S": str(POLL_S / scale),
            "PACKDESK_SYNC_LEASE_S": "3",
            "PYTHONPATH": str(ROOT),
        }
        env.pop("PACKDESK_CONFIG", None)
        procs = [
            await asyncio.create_subprocess_exec(
                sys.executable,
                "-c",
                CLI,
                "sync",
                "--no-listings",
                env=env,
                cwd=ROOT,
                stdout=asyncio.subprocess.DEVNULL,
                stderr=asyncio.subprocess.PIPE,
            )
            for _ in range(count)
        ]
        lines: list[list[str]] = [[] for _ in procs]

        async def read(i: int, proc: asyncio.subprocess.Process) -> None:
            assert proc.stderr is not None
            while line := await proc.stderr.readline():
                lines[i].append(line.decode(errors="replace"))

        readers = [asyncio.create_task(read(i, p)) for i, p in enumerate(procs)]
        while not all(lines):  # noqa: ASYNC110 — every process is up (syncing or standing by)
            await asyncio.sleep(0.05)
        await asyncio.sleep(2)  # past the first cycles' bursts: measure the steady pace
        start = time.monotonic()
        await asyncio.sleep(seconds)  # the measured window: the processes run meanwhile
        end = time.monotonic()
        for p in procs:
            p.send_signal(signal.SIGTERM)
        for p in procs:
            try:
                await asyncio.wait_for(p.wait(), 30)
            except TimeoutError:
                p.kill()
        await asyncio.gather(*readers)
        takes = sum(1 for ls in lines for line in ls if "synced here by" in line)
        print(f"  {count} process(es): {takes} lease take(s) for 2 accounts")
        calls = [
            c for c in emu.runtime.calls if start <= c[0] <= end and c[2].endswith("searchOrders")
        ]
    hours = (end - start) * scale / 3600 * 2  # two accounts
    return len(calls) / hours, sum(1 for c in calls if c[4] == 429) / hours


async def main() -> int:
    exe = shutil.which("moto_server") or str(Path(sys.executable).parent / "moto_server")
    port = _port()
    moto = await asyncio.create_subprocess_exec(
        exe,
        "-H",
        "127.0.0.1",
        "-p",
        str(port),
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.DEVNULL,
    )
    os.environ.setdefault("AWS_ACCESS_KEY_ID", "bench")
    os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "bench")
    sqs_endpoint = f"http://127.0.0.1:{port}"
    try:
        async with aiohttp.ClientSession() as session:
            for _ in range(300):
                try:
                    async with session.get(sqs_endpoint + "/moto-api/"):
                        break
                except aiohttp.ClientError:
                    await asyncio.sleep(0.1)
        with tempfile.TemporaryDirectory() as name:
            tmp = Path(name)
            fast = await notifications(tmp, sqs_endpoint)
            p50, p95 = statistics.median(fast), _pct(fast, 0.95)
            print(f"notifications: placed → in the queue p50 {p50:.2f} s, p95 {p95:.2f} s "
                  f"over {len(fast)} orders; target p95 ≤ 5 s: ratio {5 / p95:.1f}")  # fmt: skip
            slow = await polling(tmp)
            bound = 120 + max(POLL_S, PLAN_PACE_S)
            print(f"polling: placed → in the queue p50 {statistics.median(slow):.0f} s, "
                  f"p95 {_pct(slow, 0.95):.0f} s (emulated) over {len(slow)} orders; bound "
                  f"2 min + poll pace {max(POLL_S, PLAN_PACE_S):.0f} s = {bound:.0f} s: ratio "
                  f"{bound / _pct(slow, 0.95):.2f}")  # fmt: skip
            one = await processes(tmp, 1, 15)
            ten = await processes(tmp, 10, 15)
            print(f"1 process: {one[0]:.1f} searchOrders/account/hour, {one[1]:.1f} answered 429")
            print(f"10 processes: {ten[0]:.1f} searchOrders/account/hour, {ten[1]:.1f} answered "
                  f"429; ratio one/ten {one[0] / ten[0] if ten[0] else 0:.2f} "
                  "(target ≥ 1.00: ten processes poll no more than one)")  # fmt: skip
    finally:
        moto.terminate()
        await moto.wait()
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
