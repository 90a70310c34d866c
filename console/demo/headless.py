"""`packdesk demo --headless --orders N`: pack N orders with simulated scans, then report.

The same services as the console: claim through the backend, every scan through the packing
session, completion, then the outbox (labels from the emulator's Buy Shipping, confirmations) and
the printers drained. The summary says what a person would check by hand.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from console.demo.setup import DemoOrder
from console.scanning import decode
from console.services import StationServices
from core.domain.packing import PackingSession
from core.services.demo_data import demo_outcome


@dataclass
class DemoSummary:
    packed: int = 0
    shipped: int = 0
    scans: int = 0
    confirmations: int = 0
    files: int = 0
    print_jobs: dict[str, int] = field(default_factory=dict)
    dead_jobs: list[str] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return (
            not self.failures and self.shipped == self.packed and self.confirmations >= self.packed
        )

    def lines(self) -> list[str]:
        out = [
            f"packed    {self.packed} order(s) with {self.scans} scans in {self.seconds:.1f}s",
            f"shipped   {self.shipped} (labels and tracking from the emulator)",
            f"Amazon    {self.confirmations} shipment confirmation(s) received by the emulator",
            f"printed   {self.files} file(s) in the demo printer folders; jobs: "
            + (", ".join(f"{k} {v}" for k, v in sorted(self.print_jobs.items())) or "none"),
        ]
        out += [f"dead job  {d}" for d in self.dead_jobs]
        out += [f"FAILED    {f}" for f in self.failures]
        out.append("OK" if self.ok else "NOT OK")
        return out


async def pack_headless(
    services: StationServices, orders: list[DemoOrder], emulator: Any, printouts: Path
) -> DemoSummary:
    """Pack `orders` as packer anna, then run the outbox and printers until they are done."""
    summary = DemoSummary()
    started = time.monotonic()
    backend = services.backend
    ids: list[int] = []
    for order in orders:
        try:
            target = await backend.open_order(order.external_id, "anna")
            session = PackingSession(target.external_id, target.lines)
            for code in order.codes:
                result = session.scan(decode(code).code)
                summary.scans += 1
                if not result.outcome.ok:
                    raise RuntimeError(result.message)
            await backend.complete(target.order_id, session.finish(), "anna")
        except Exception as exc:  # one bad order is reported, the rest still ship
            summary.failures.append(f"{order.external_id}: {exc}")
            continue
        summary.packed += 1
        ids.append(target.order_id)
    if services.runner is not None:
        await services.runner.drain(max_rounds=200)
    if services.spool is not None:
        for name in services.spool.station_printers():
            await services.spool.worker(name).drain()
    summary.seconds = time.monotonic() - started
    outcome = await demo_outcome(ids)
    summary.shipped = len(outcome.shipped)
    shipped_ids = outcome.packed
    summary.confirmations = len(
        {c["order_id"] for c in emulator.state.confirmations if c["order_id"] in shipped_ids}
    )
    summary.files = await asyncio.to_thread(
        lambda: sum(1 for p in printouts.rglob("*") if p.is_file())
    )
    summary.print_jobs = outcome.print_jobs
    summary.dead_jobs = outcome.dead_jobs
    return summary
