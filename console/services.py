"""The composition root of one console process: backend, print spool, and (optionally) the sync.

`station_services` builds what a desk needs from an open `Runtime` and yields it with the background
loops (printer workers, sync worker) to run beside the App in the same event loop. A console defers
the sync (`defer_sync`): it is built once the sign-in screen is drawn, so the Amazon client, the
carriers and the document renderers do not stand between starting a desk and scanning a badge.
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from console.backend import StationBackend
from console.runtime import Runtime
from console.wiring import amazon_options, outbox_handlers, outbox_runner

log = logging.getLogger(__name__)
Loop = Callable[[asyncio.Event], Awaitable[None]]
# What the deferred sync and its jobs load (HTTP, PDF, images, fonts): imported in a thread while
# the desk is already on screen, so the first sync or print job does not stall the event loop.
WARM_UP = ("aiohttp", "pypdf", "PIL.Image", "fpdf", "barcode", "segno")


@dataclass
class StationServices:
    backend: StationBackend
    loops: list[Loop] = field(default_factory=list)
    spool: Any = None  # printers.Spool when printers are configured
    connectors: dict[int, Any] = field(default_factory=dict)
    runner: Any = None  # core.services.outbox.OutboxRunner when the sync runs here
    sync_worker: Any = None  # core.sync.SyncWorker when the sync runs here
    late_loops: list[Loop] = field(default_factory=list)  # started once `after` is set

    @contextlib.asynccontextmanager
    async def running(self, after: asyncio.Event | None = None) -> AsyncIterator[asyncio.Event]:
        """Run the background loops for the block; they stop (and are awaited) at its end.

        `late_loops` start once `after` is set (the console: its first screen is drawn).
        """
        stop = asyncio.Event()
        tasks = [asyncio.create_task(_guarded(loop, stop)) for loop in self.loops]
        tasks += [
            asyncio.create_task(_guarded(_once_set(after, loop), stop)) for loop in self.late_loops
        ]
        try:
            yield stop
        finally:
            stop.set()
            for task in tasks:
                with contextlib.suppress(asyncio.TimeoutError, asyncio.CancelledError):
                    await asyncio.wait_for(task, 5)


def _once_set(after: asyncio.Event | None, loop: Loop) -> Loop:
    async def later(stop: asyncio.Event) -> None:
        if after is not None:
            waits = [asyncio.ensure_future(after.wait()), asyncio.ensure_future(stop.wait())]
            await asyncio.wait(waits, return_when=asyncio.FIRST_COMPLETED)
            for waiting in waits:
                waiting.cancel()
        if not stop.is_set():
            await loop(stop)

    return later


def _warm_up() -> None:
    for name in WARM_UP:
        with contextlib.suppress(ImportError):  # an optional one missing is the job's to report
            importlib.import_module(name)


async def _guarded(loop: Loop, stop: asyncio.Event) -> None:
    try:
        await loop(stop)
    except Exception:  # a background loop must never take the desk down
        log.exception("background loop %s stopped", getattr(loop, "__qualname__", loop))


@contextlib.asynccontextmanager
async def station_services(
    rt: Runtime, *, sync: bool | None = None, time_scale: float = 1.0, defer_sync: bool = False
) -> AsyncIterator[StationServices]:
    """The backend for `rt.settings.station`, plus printers and the sync when configured.

    With `defer_sync`, the sync is a late loop of `running()`: built and started once its `after`
    event is set, and `connectors`, `runner` and `sync_worker` stay empty until then.
    """
    spool = None
    if rt.settings.printers:
        from printers import Spool

        spool = Spool(rt.settings, box=rt.box)  # payloads sealed at rest
    services = StationServices(StationBackend(rt.settings, rt.box, print_port=spool), spool=spool)
    if spool is not None:
        services.loops.append(spool.run)
    syncing = rt.settings.sync.in_console if sync is None else sync
    if defer_sync:

        async def deferred(stop: asyncio.Event) -> None:
            await asyncio.to_thread(_warm_up)
            if syncing and not stop.is_set():
                loops = await _add_sync(rt, services, time_scale)
                await asyncio.gather(*(_guarded(loop, stop) for loop in loops))

        services.late_loops.append(deferred)
    elif syncing:
        services.loops += await _add_sync(rt, services, time_scale)
    try:
        yield services
    finally:
        for connector in services.connectors.values():
            with contextlib.suppress(Exception):
                await connector.close()


async def _add_sync(rt: Runtime, services: StationServices, time_scale: float) -> list[Loop]:
    """Connectors for every Amazon account, the outbox runner and the sync worker; their loops."""
    from core.channels.amazon import amazon_connectors
    from core.sync import SyncWorker
    from core.sync.lease import SyncLeases, holder_name
    from core.sync.notifications import consumer_from_settings

    connectors = await amazon_connectors(
        rt.box, options=amazon_options(rt.settings), time_scale=time_scale
    )
    runner = outbox_runner(
        rt.settings, outbox_handlers(rt.settings, rt.box, connectors, services.spool), "console"
    )
    worker = SyncWorker(
        rt.box,
        connectors,
        runner,
        poll_interval_s=rt.settings.sync.poll_interval_s,
        fba_report_every_s=rt.settings.sync.fba_report_interval_s,
        vat_report_every_s=rt.settings.sync.vat_report_interval_s,
        leases=SyncLeases(
            holder_name("console", rt.settings.station), lease_s=rt.settings.sync.lease_s
        ),
    )
    worker.safety_poll_interval_s = rt.settings.sync.safety_poll_interval_s
    worker.notifications = consumer_from_settings(
        rt.settings, worker.order_changed, worker.feed_finished
    )
    services.connectors, services.runner, services.sync_worker = connectors, runner, worker
    from core.sync.rates import keep_rates_fresh

    docs = rt.settings.documents
    return [
        worker.run_forever,
        lambda stop: keep_rates_fresh(  # invoices in PLN/SEK find the ECB rate of their day
            docs.ecb_url, every_s=docs.ecb_refresh_s, stop=stop, timeout_s=docs.ecb_timeout_s
        ),
        # The sync drains each account's jobs once per poll; this runner picks up what a desk
        # just queued (papers, labels, confirmations) within a second. Claims are safe to share.
        lambda stop: runner.run_forever(stop, idle_s=0.5),
    ]
