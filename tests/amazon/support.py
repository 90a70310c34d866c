"""Wiring for the Amazon tests: an emulator, its accounts imported, connectors and a sync worker."""

from __future__ import annotations

import asyncio
import os
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from core.channels.amazon import connector_for, make_amazon_handlers
from core.channels.amazon.accounts import import_credentials
from core.channels.amazon.client import RetryPolicy
from core.channels.amazon.connector import AmazonConnector, AmazonOptions
from core.channels.amazon.normalize import should_import
from core.domain.orders import Channel
from core.persistence.models import AccountRow
from core.ports import PrintRequest
from core.security import SecretBox
from core.services.outbox import OutboxRunner
from core.sync import SyncWorker
from tests.support.processes import finished

ROOT = Path(__file__).resolve().parents[2]
SCALE = 600.0  # emulated seconds per real second: usage plans stay real, tests stay short
FAST_RETRY = RetryPolicy(max_retries=5, base_s=0.5, max_s=5)


class SpoolFake:
    """A PrintPort that keeps what it was given, once per key."""

    def __init__(self) -> None:
        self.jobs: dict[str, PrintRequest] = {}

    async def submit(self, request: PrintRequest) -> int:
        self.jobs.setdefault(request.key, request)
        return len(self.jobs)


@dataclass
class Wired:
    accounts: list[AccountRow]
    connectors: dict[int, AmazonConnector]
    runner: OutboxRunner
    worker: SyncWorker
    spool: SpoolFake


@asynccontextmanager
async def wired(
    emu: Any,
    box: SecretBox,
    *,
    orders_api: str = "2026-01-01",
    page_size: int = 100,
    listings: bool = False,
    fba: bool = False,
) -> AsyncIterator[Wired]:
    saved = await import_credentials(emu.credentials, box)
    rows = list(await AccountRow.filter(name__in=[a.name for a in saved]).order_by("id"))
    options = AmazonOptions(orders_api=orders_api, page_size=page_size)
    connectors = {
        r.id: connector_for(r, box, options=options, time_scale=SCALE, retry=FAST_RETRY)
        for r in rows
    }
    spool = SpoolFake()
    ship_from = {
        "name": "Muster GmbH",
        "line1": "Hafenstraße 1",
        "postcode": "20457",
        "city": "Hamburg",
        "country": "DE",
        "email": "lager@example.com",
        "phone": "040 1",
    }
    runner = OutboxRunner(
        make_amazon_handlers(box, connectors, spool, ship_from=ship_from),
        base_delay_s=0.01,
        max_delay_s=0.05,
    )
    worker = SyncWorker(
        box,
        connectors,
        runner,
        listings_every_s=3600 if listings else None,
        fba_report_every_s=3600 if fba else None,
    )
    try:
        yield Wired(rows, connectors, runner, worker, spool)
    finally:
        for c in connectors.values():
            await c.close()


def importable(emu: Any, seller_id: str | None = None) -> set[str]:
    """Order ids the emulator holds that Packdesk should have imported by now."""
    return {
        o.order_id
        for o in emu.state.orders.values()
        if (seller_id is None or o.seller_id == seller_id)
        and should_import(Channel(o.channel), o.status)
    }


async def run_cli(db: str, key: bytes, tmp, *args: str) -> str:  # type: ignore[no-untyped-def]
    """`packdesk ARGS` in a process of its own against `db`; its stdout (exit code 0 asserted)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PACKDESK_")}
    env.update(
        PACKDESK_DATABASE_URL=db,
        PACKDESK_SECRET_KEY=key.decode(),
        PACKDESK_DATA_DIR=str(tmp),
        PACKDESK_CONFIG=str(tmp / "config.toml"),
        PACKDESK_AMAZON_TIME_SCALE=str(SCALE),
        PYTHONPATH=str(ROOT),
    )
    (tmp / "config.toml").touch()
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "console.cli",
        *args,
        env=env,
        cwd=ROOT,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await finished(proc, 90)
    assert proc.returncode == 0, err.decode()[-2000:]
    return out.decode()
