"""`kill -9` of `packdesk sync --once` midway, then a rerun: every order once, every package
confirmed exactly once, and the account healthy again."""

from __future__ import annotations

import asyncio
import os
import sys
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from core.config import CompanySettings
from core.persistence.models import (
    AccountRow,
    OrderLineRow,
    OrderRow,
    OutboxJobRow,
    SyncLeaseRow,
)
from core.security import SecretBox
from core.services.claim import claim_order
from core.services.completion import PackedBox, complete_packing
from core.services.setup import ensure_basics
from tests.amazon.support import SCALE, importable, wired
from tests.support.processes import finished

pytestmark = pytest.mark.network
# `packdesk` with only the sync command group registered, so that other command groups being
# worked on in the same tree cannot break this test.
CLI = (
    "import sys, console.cli as c; c.COMMAND_MODULES = ('console.cli.sync',); "
    "sys.exit(c.main(sys.argv[1:]))"
)
COMPANY = CompanySettings(
    name="Muster GmbH", street="Hafenstraße 1", postcode="20457", city="Hamburg", vat_id="DE1"
)
ROOT = Path(__file__).resolve().parents[2]


async def _sync(db: str, key: bytes, tmp: Path) -> asyncio.subprocess.Process:
    env = {
        **os.environ,
        "PACKDESK_DATABASE_URL": db,
        "PACKDESK_SECRET_KEY": key.decode(),
        "PACKDESK_DATA_DIR": str(tmp),
        "XDG_CONFIG_HOME": str(tmp),
        "PACKDESK_AMAZON_TIME_SCALE": str(SCALE),
        "PYTHONPATH": str(ROOT),
    }
    env.pop("PACKDESK_CONFIG", None)
    return await asyncio.create_subprocess_exec(
        sys.executable,
        "-c",
        CLI,
        "sync",
        "--once",
        "--json",
        "--no-listings",
        env=env,
        cwd=ROOT,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )


async def test_kill_minus_nine_midway_then_rerun(db, emu, tmp_path):
    key = SecretBox.generate_key()
    box = SecretBox(key)
    await ensure_basics("desk-1")
    async with wired(emu, box) as w:
        await w.worker.run_once()
    orders = await OrderRow.filter(channel="MFN", channel_status="Unshipped").limit(4)
    for order in orders:
        lines = {ln.id: ln.quantity for ln in await OrderLineRow.filter(order_id=order.id)}
        await claim_order(order.id, "desk-1", "anna")
        await complete_packing(
            order.id,
            [PackedBox(lines, tracking_number=f"T-{order.id}", carrier_code="DHL")],
            station="desk-1",
            packer="anna",
            company=COMPANY,
            box=box,
        )
    emu.advance(600)  # new orders arrive, so the poll has work too
    emu.set_faults("slow:seconds=0.4")
    first = await _sync(db, key, tmp_path)
    deadline = time.monotonic() + 20
    # The condition is met by another process: look at it every few ms until the deadline.
    while not emu.state.confirmations and time.monotonic() < deadline:  # noqa: ASYNC110
        await asyncio.sleep(0.02)
    if not emu.state.confirmations:
        if first.returncode is None:
            first.kill()
        _, err = await first.communicate()
        raise AssertionError("the first run never reached Amazon: " + err.decode()[-2000:])
    first.kill()  # SIGKILL: no cleanup, no goodbye
    await first.wait()
    emu.set_faults(None)
    # The killed run's leases must run out before a new runner may take its jobs, and before
    # another process may sync its accounts.
    await OutboxJobRow.filter(status="running").update(
        locked_until=datetime.now(UTC) - timedelta(seconds=1)
    )
    await SyncLeaseRow.all().update(expires_at=datetime.now(UTC) - timedelta(seconds=1))
    second = await _sync(db, key, tmp_path)
    _, err = await finished(second, 60)
    assert second.returncode == 0, err.decode()
    ids = list(await OrderRow.all().values_list("external_id", flat=True))
    assert len(ids) == len(set(ids))
    assert set(ids) == importable(emu)
    sent = Counter((c["order_id"], c["package_reference_id"]) for c in emu.state.confirmations)
    assert sent == {(o.external_id, "1"): 1 for o in orders}
    assert await OutboxJobRow.filter(kind="amazon.confirm_shipment", status="done").count() == len(
        orders
    )
    assert {a.health for a in await AccountRow.all()} == {"ok"}
