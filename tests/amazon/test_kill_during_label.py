"""Repeated `kill -9` while Amazon Buy Shipping sells labels, then reruns: labels bought and not
cancelled = parcels. Amazon carries out each purchase and holds its answer; the label job's
process dies right then, so Amazon has charged for a label Packdesk never heard of."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from core.config import CompanySettings
from core.domain.outbox import JobKind
from core.persistence.models import (
    FulfilmentProfileRow,
    OrderLineRow,
    OrderRow,
    OutboxJobRow,
    PackageRow,
)
from core.security import SecretBox
from core.services.claim import claim_order
from core.services.completion import PackedBox, complete_packing
from core.services.setup import ensure_basics
from tests.amazon.support import SCALE, wired

pytestmark = pytest.mark.network
ROOT = Path(__file__).resolve().parents[2]
COMPANY = CompanySettings(
    name="Muster GmbH", street="Hafenstraße 1", postcode="20457", city="Hamburg", vat_id="DE1"
)
SHIP_FROM = {"name": "Muster GmbH", "line1": "Hafenstraße 1", "postcode": "20457",
             "city": "Hamburg", "country": "DE", "email": "lager@example.com", "phone": "040 1"}  # fmt: skip
CHILD = f"""
import asyncio, sys
from core.channels.amazon import connector_for, make_amazon_handlers
from core.persistence.database import open_database
from core.persistence.models import AccountRow
from core.security import SecretBox
from core.services.outbox import OutboxRunner

async def main(url, key):
    async with open_database(url, upgrade_first=False):
        box = SecretBox(key.encode())
        connectors = {{r.id: connector_for(r, box, time_scale={SCALE}) for r in await AccountRow.all()}}
        handlers = make_amazon_handlers(box, connectors, ship_from={SHIP_FROM!r})
        await OutboxRunner({{"label.buy": handlers["label.buy"]}}, base_delay_s=0.01).drain()
        for c in connectors.values():
            await c.close()

asyncio.run(main(sys.argv[1], sys.argv[2]))
"""


async def _label_jobs(url: str, key: bytes) -> asyncio.subprocess.Process:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return await asyncio.create_subprocess_exec(
        sys.executable, "-c", CHILD, url, key.decode(), cwd=ROOT, env=env,
        stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip


async def _until(check, what: str, deadline_s: float = 60) -> None:  # type: ignore[no-untyped-def]
    end = time.monotonic() + deadline_s
    while not check():
        if time.monotonic() > end:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.01)


async def test_repeated_kill_9_during_label_purchase_never_pays_twice(db, emu):
    key = SecretBox.generate_key()
    box = SecretBox(key)
    await ensure_basics("desk-1")
    await FulfilmentProfileRow.filter(channel="MFN").update(carrier="amazon_buy_shipping")
    async with wired(emu, box) as w:
        await w.worker.run_once()
    orders = await OrderRow.filter(channel="MFN", channel_status="Unshipped", process="ship").limit(
        3
    )
    for order in orders:
        lines = {ln.id: ln.quantity for ln in await OrderLineRow.filter(order_id=order.id)}
        await claim_order(order.id, "desk-1", "anna")
        await complete_packing(order.id, [PackedBox(lines, weight_g=800)], station="desk-1",
                               packer="anna", company=COMPANY, box=box)  # fmt: skip
    emu.set_faults("late:op=createShipment:seconds=3")
    kills = 0
    for _ in range(6):  # kill each run as soon as Amazon has sold a label it holds the answer to
        open_jobs = OutboxJobRow.filter(kind=JobKind.BUY_LABEL, status__in=["pending", "running"])
        if not await open_jobs.exists():
            break
        emu.advance(60)  # the emulator's clock is frozen: usage plans refill only when moved
        bought = len(emu.state.shipments)
        child = await _label_jobs(db, key)
        await _until(
            lambda: len(emu.state.shipments) > bought or child.returncode is not None,  # noqa: B023
            "a purchase or the end of the run",
        )
        if child.returncode is None:
            child.send_signal(signal.SIGKILL)  # Amazon has charged; the answer never arrives
            kills += 1
        await child.wait()
        # the dead process's lease on its jobs runs out, as it would after locked_until
        await OutboxJobRow.filter(kind=JobKind.BUY_LABEL, status="running").update(
            locked_until=datetime.now(UTC) - timedelta(seconds=1)
        )
    emu.set_faults(None)
    emu.advance(60)
    rerun = await _label_jobs(db, key)
    _, err = await asyncio.wait_for(rerun.communicate(), 120)
    assert rerun.returncode == 0, err.decode()[-2000:]
    assert kills >= 1

    parcels = await PackageRow.filter(shipment__order_id__in=[o.id for o in orders]).count()
    paid = Counter(s.order_id for s in emu.state.shipments.values() if s.status == "Purchased")
    assert all(n == 1 for n in paid.values())  # never a second label for a parcel
    labelled = await PackageRow.filter(
        shipment__order_id__in=[o.id for o in orders], tracking_number__not=""
    ).count()
    stopped = await OutboxJobRow.filter(kind=JobKind.BUY_LABEL, status="dead")
    for job in stopped:  # a lost answer stops the job with what to look up, never buys again
        assert "may already exist at amazon_buy_shipping" in job.last_error
    # Every parcel has its label stored or its job stopped naming what to look up in Seller
    # Central; nothing was paid beyond one label a parcel. (A run killed before its request left
    # stops too: the guard cannot tell, and a person clears it after looking.)
    assert labelled + len(stopped) == parcels == len(orders)
    assert labelled <= sum(paid.values()) <= parcels
