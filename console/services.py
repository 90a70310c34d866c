"""The composition root of one console process: backend, print spool, and (optionally) the sync.

`station_services` builds what a desk needs from an open `Runtime` and yields it with the background
loops (printer workers, sync worker) to run beside the App in the same event loop.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from console.backend import StationBackend
from console.runtime import Runtime

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


def ship_from(rt: Runtime) -> dict[str, str]:
    c = rt.settings.company
    return {
        "name": c.name, "line1": c.street, "postcode": c.postcode, "city": c.city,
        "country": c.country, "email": c.email, "phone": c.phone,
    }  # fmt: skip


def outbox_handlers(rt: Runtime, connectors: dict[int, Any], print_port: Any) -> dict[str, Any]:
    """Every outbox handler that exists in this installation."""
    from core.channels.amazon import make_amazon_handlers

    handlers: dict[str, Any] = dict(
        make_amazon_handlers(rt.box, connectors, print_port, ship_from=ship_from(rt))
    )
    try:  # documents: render, print and mail the papers (core/documents)
        from core.documents import make_document_handlers  # type: ignore[attr-defined]
    except ImportError:
        log.warning("documents handlers are not available: papers will not be rendered")
    else:
        handlers.update(make_document_handlers(rt.settings, rt.box, print_port))
    return handlers


@contextlib.asynccontextmanager
async def station_services(
    rt: Runtime, *, sync: bool | None = None, time_scale: float = 1.0
) -> AsyncIterator[StationServices]:
    """The backend for `rt.settings.station`, plus printers and the sync when configured."""
    spool = None
    if rt.settings.printers:
        from printers import Spool

        spool = Spool(rt.settings)
    services = StationServices(StationBackend(rt.settings, rt.box, print_port=spool), spool=spool)
    if spool is not None:
        services.loops.append(spool.run)
    connectors: dict[int, Any] = {}
    if rt.settings.sync.in_console if sync is None else sync:
        from core.channels.amazon import connector_for
        from core.persistence.models import AccountRow
        from core.services.outbox import OutboxRunner
        from core.sync import SyncWorker

        rows = await AccountRow.filter(kind="amazon").order_by("id")
        connectors = {r.id: connector_for(r, rt.box, time_scale=time_scale) for r in rows}
        runner = OutboxRunner(
            outbox_handlers(rt, connectors, spool),
            worker=f"console-{rt.settings.station}-{os.getpid()}",
            max_attempts=rt.settings.outbox.max_attempts,
            base_delay_s=rt.settings.outbox.base_delay_s,
            max_delay_s=rt.settings.outbox.max_delay_s,
        )
        worker = SyncWorker(
            rt.box, connectors, runner, poll_interval_s=rt.settings.sync.poll_interval_s
        )
        services.connectors, services.runner, services.sync_worker = connectors, runner, worker
        services.loops.append(worker.run_forever)
        # The sync drains each account's jobs once per poll; this runner picks up what a desk
        # just queued (papers, labels, confirmations) within a second. Claims are safe to share.
        services.loops.append(lambda stop: runner.run_forever(stop, idle_s=0.5))
    try:
        yield services
    finally:
        for connector in connectors.values():
            with contextlib.suppress(Exception):
                await connector.close()
