"""The composition root of one console process: backend, print spool, and (optionally) the sync.

`station_services` builds what a desk needs from an open `Runtime` and yields it with the background
loops (printer workers, sync worker) to run beside the App in the same event loop.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from console.backend import StationBackend
from console.runtime import Runtime
from console.wiring import amazon_options, outbox_handlers, outbox_runner

log = logging.getLogger(__name__)
Loop = Callable[[asyncio.Event], Awaitable[None]]


@dataclass
class StationServices:
    backend: StationBackend
    loops: list[Loop] = field(default_factory=list)
    spool: Any = None  # printers.Spool when printers are configured
    connectors: dict[int, Any] = field(default_factory=dict)
    runner: Any = None  # core.services.outbox.OutboxRunner when the sync runs here
    sync_worker: Any = None  # core.sync.SyncWorker when the sync runs here

    @contextlib.asynccontextmanager
    async def running(self) -> AsyncIterator[asyncio.Event]:
        """Run the background loops for the block; they stop (and are awaited) at its end."""
        stop = asyncio.Event()
        tasks = [asyncio.create_task(_guarded(loop, stop)) for loop in self.loops]
        try:
            yield stop
        finally:
            stop.set()
            for task in tasks:
                with contextlib.suppress(asyncio.TimeoutError, asyncio.CancelledError):
                    await asyncio.wait_for(task, 5)


async def _guarded(loop: Loop, stop: asyncio.Event) -> None:
    try:
        await loop(stop)
    except Exception:  # a background loop must never take the desk down
        log.exception("background loop %s stopped", getattr(loop, "__qualname__", loop))


@contextlib.asynccontextmanager
async def station_services(
    rt: Runtime, *, sync: bool | None = None, time_scale: float = 1.0
) -> AsyncIterator[StationServices]:
    """The backend for `rt.settings.station`, plus printers and the sync when configured."""
    spool = None
    if rt.settings.printers:
        from printers import Spool

        spool = Spool(rt.settings, box=rt.box)  # payloads sealed at rest
    services = StationServices(StationBackend(rt.settings, rt.box, print_port=spool), spool=spool)
    if spool is not None:
        services.loops.append(spool.run)
    connectors: dict[int, Any] = {}
    if rt.settings.sync.in_console if sync is None else sync:
        from core.channels.amazon import connector_for
        from core.persistence.models import AccountRow
        from core.sync import SyncWorker
        from core.sync.lease import SyncLeases, holder_name
        from core.sync.notifications import consumer_from_settings

        rows = await AccountRow.filter(kind="amazon").order_by("id")
        options = amazon_options(rt.settings)
        connectors = {
            r.id: connector_for(r, rt.box, options=options, time_scale=time_scale) for r in rows
        }
        runner = outbox_runner(
            rt.settings, outbox_handlers(rt.settings, rt.box, connectors, spool), "console"
        )
        worker = SyncWorker(
            rt.box,
            connectors,
            runner,
            poll_interval_s=rt.settings.sync.poll_interval_s,
            leases=SyncLeases(
                holder_name("console", rt.settings.station), lease_s=rt.settings.sync.lease_s
            ),
        )
        worker.safety_poll_interval_s = rt.settings.sync.safety_poll_interval_s
        worker.notifications = consumer_from_settings(
            rt.settings, worker.order_changed, worker.feed_finished
        )
        services.connectors, services.runner, services.sync_worker = connectors, runner, worker
        services.loops.append(worker.run_forever)
        from core.sync.rates import keep_rates_fresh

        docs = rt.settings.documents
        services.loops.append(  # invoices in PLN/SEK find the ECB rate of their day
            lambda stop: keep_rates_fresh(
                docs.ecb_url, every_s=docs.ecb_refresh_s, stop=stop, timeout_s=docs.ecb_timeout_s
            )
        )
        # The sync drains each account's jobs once per poll; this runner picks up what a desk
        # just queued (papers, labels, confirmations) within a second. Claims are safe to share.
        services.loops.append(lambda stop: runner.run_forever(stop, idle_s=0.5))
    try:
        yield services
    finally:
        for connector in connectors.values():
            with contextlib.suppress(Exception):
                await connector.close()
