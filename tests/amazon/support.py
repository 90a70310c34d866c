"""Wiring for the Amazon tests: an emulator, its accounts imported, connectors and a sync worker."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
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
