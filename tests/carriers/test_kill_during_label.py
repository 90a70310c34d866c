"""`kill -9` while DHL makes the label, then a rerun: labels created and not cancelled = parcels.

The emulator creates the shipment and holds its answer; the label job's process is killed right
then, so DHL has a paid label Packdesk never heard of. The rerun must not buy a second one."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import time
from pathlib import Path

import pytest

from core.carriers.directory import import_file
from core.persistence.models import OrderRow, OutboxJobRow, PackageRow
from core.security import SecretBox
from core.services.completion import PackedBox
from tests.core.test_completion import _claimed, _complete, _lines

pytestmark = pytest.mark.network

ROOT = Path(__file__).resolve().parents[2]
CHILD = """
import asyncio, sys
from console.wiring import outbox_handlers
from core.config import Settings
from core.persistence.database import open_database
from core.security import SecretBox
from core.services.outbox import OutboxRunner
from tests.core.test_completion import COMPANY

async def main(url, key):
    async with open_database(url, upgrade_first=False):
        box = SecretBox(key.encode())
        handlers = outbox_handlers(Settings(company=COMPANY), box, {}, None)
        await OutboxRunner({"label.buy": handlers["label.buy"]}, base_delay_s=0.01).drain()

asyncio.run(main(sys.argv[1], sys.argv[2]))
"""


async def _run_label_job(url: str, key: bytes) -> asyncio.subprocess.Process:
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


async def test_kill_9_while_dhl_answers_then_rerun_never_pays_twice(db, emu, contract):
    key = SecretBox.generate_key()
    box = SecretBox(key)
    await import_file(emu.credentials, box)
    order_id = await _claimed(box, carrier="dhl")
    ids = await _lines(order_id)
    await _complete(box, order_id, PackedBox({ids["MUG"]: 2, ids["TEA"]: 1}, weight_g=1500))

    emu.dhl.hold = asyncio.Event()
    child = await _run_label_job(db, key)
    await _until(lambda: len(emu.dhl.shipments) == 1, "DHL to create the shipment")
    child.send_signal(signal.SIGKILL)
    await child.wait()
    emu.dhl.hold.set()
    emu.dhl.hold = None
    # the dead process's lease on the job runs out (as it would after locked_until)
    from datetime import UTC, datetime, timedelta

    await OutboxJobRow.filter(kind="label.buy", status="running").update(
        locked_until=datetime.now(UTC) - timedelta(seconds=1)
    )

    rerun = await _run_label_job(db, key)
    _, err = await asyncio.wait_for(rerun.communicate(), 120)
    assert rerun.returncode == 0, err.decode()[-2000:]

    parcels = await PackageRow.filter(shipment__order_id=order_id).count()
    paid = [s for s in emu.dhl.shipments.values() if not s.cancelled]
    assert len(paid) == parcels == 1
    [job] = await OutboxJobRow.filter(kind="label.buy")
    assert job.status == "dead" and "may already exist at dhl" in job.last_error
    assert "PD-302-1-1" in job.last_error  # the reference to look up at DHL
    assert (await OrderRow.get(id=order_id)).status == "packed"  # nothing confirmed on a guess

    from core.carriers.crash_guard import clear_pending

    # DHL's portal shows the shipment: a person cancels it there, then frees the package
    [shipment] = paid
    shipment.cancelled = True
    [package] = await PackageRow.filter(shipment__order_id=order_id)
    assert await clear_pending(package.id)
    await OutboxJobRow.filter(id=job.id).update(status="pending", attempts=0)
    again = await _run_label_job(db, key)
    _, err = await asyncio.wait_for(again.communicate(), 120)
    assert again.returncode == 0, err.decode()[-2000:]
    paid = [s for s in emu.dhl.shipments.values() if not s.cancelled]
    assert len(paid) == 1 and (await OrderRow.get(id=order_id)).status == "shipped"
