"""Repeated `kill -9` while Amazon Buy Shipping sells labels, then reruns: labels bought and not
cancelled = parcels. Amazon carries out each purchase and holds its answer; the label job's
process dies right then, so Amazon has charged for a label Packdesk never heard of. The rerun
repeats the stored purchase under its idempotency key and gets that very label: every parcel
ends with exactly one paid label, and nobody has to look anything up."""

from __future__ import annotations

import signal
from collections import Counter

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
from tests.emulator.conftest import models_path
from tests.emulator.contract import validate, validate_request
from tests.support.label_jobs import expire_leases, label_jobs, until
from tests.support.processes import finished

pytestmark = pytest.mark.network
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
    emu.set_faults("late:op=purchaseShipment:seconds=3")
    kills = 0
    for _ in range(6):  # kill each run as soon as Amazon has sold a label it holds the answer to
        open_jobs = OutboxJobRow.filter(kind=JobKind.BUY_LABEL, status__in=["pending", "running"])
        if not await open_jobs.exists():
            break
        emu.advance(30)  # the emulator's clock is frozen: usage plans refill only when moved
        bought = len(emu.state.shipments)
        child = await label_jobs(CHILD, db, key)
        await until(
            lambda: len(emu.state.shipments) > bought or child.returncode is not None,  # noqa: B023
            "a purchase or the end of the run",
        )
        if child.returncode is None:
            child.send_signal(signal.SIGKILL)  # Amazon has charged; the answer never arrives
            kills += 1
        await child.wait()
        await expire_leases()
    emu.set_faults(None)
    rerun = await label_jobs(CHILD, db, key)
    _, err = await finished(rerun, 120)
    assert rerun.returncode == 0, err.decode()[-2000:]
    assert kills >= 1

    ids = [o.id for o in orders]
    packages = await PackageRow.filter(shipment__order_id__in=ids)
    paid = Counter(s.order_id for s in emu.state.shipments.values() if s.status == "Purchased")
    # exactly one paid label per parcel, and it is the one stored on the package
    assert sorted(paid.values()) == [1] * len(orders) == [1] * len(packages)
    assert {p.label_ref for p in packages} == {
        s.shipment_id for s in emu.state.shipments.values() if s.status == "Purchased"
    }
    assert all(p.tracking_number and p.label and not p.label_purchase for p in packages)
    assert not await OutboxJobRow.filter(kind=JobKind.BUY_LABEL, status="dead").exists()
    assert {o.status for o in await OrderRow.filter(id__in=ids)} == {"shipped"}
    # the lost answers were found again by repeating the purchase under its key
    purchases = [
        x for x in emu.runtime.shipping_v2.exchanges if x["route"] == "/shipping/v2/shipments"
    ]
    assert len(purchases) >= len(orders) + kills
    keys = Counter(x["headers"]["x-amzn-IdempotencyKey"] for x in purchases)
    assert len(keys) == len(orders) and max(keys.values()) >= 2
    for x in emu.runtime.shipping_v2.exchanges:  # both sides follow Amazon's model
        validate_request(models_path(), "shippingV2.json", x["method"], x["route"], x["body"],
                         x["headers"])  # fmt: skip
        validate(
            models_path(), "shippingV2.json", x["method"], x["route"], x["status"], x["answer"]
        )
