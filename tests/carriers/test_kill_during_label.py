"""`kill -9` during a DHL label purchase, then a rerun: one parcel, one billed shipment.

Two windows. While DHL answers (the emulator has made the shipment and holds its answer): the
rerun cannot find that shipment — DHL's `GET /orders` takes shipment numbers only — so it buys a
new label when DHL bills the product on production data (domestic) and stops for a person when it
bills on the day's shipment data (international). After DHL named the shipment, while Packdesk
stores the label: the rerun fetches that shipment's label again and buys nothing.

"Billed" is DHL's rule as its spec states it (emulator `DhlShipment.billed`): the stored label's
parcel is handed over, DHL closes the day, and exactly one shipment is paid for."""

from __future__ import annotations

import asyncio
import signal
from dataclasses import replace
from pathlib import Path

import pytest

from core.carriers.closeout import close_day
from core.carriers.crash_guard import clear_pending
from core.carriers.directory import configured, import_file
from core.domain.orders import Address
from core.persistence.models import (
    ArticleRow,
    AuditEventRow,
    FulfilmentProfileRow,
    OrderRow,
    OutboxJobRow,
    PackageRow,
)
from core.security import SecretBox
from core.services.claim import claim_order
from core.services.completion import PackedBox
from core.services.intake import upsert_orders
from core.services.setup import ensure_basics
from tests.core.test_completion import _complete, _lines
from tests.support.factories import make_account, make_article, make_order
from tests.support.label_jobs import expire_leases, label_jobs, until
from tests.support.processes import finished

pytestmark = pytest.mark.network

ROOT = Path(__file__).resolve().parents[2]
CHILD = """
import asyncio, os, signal, sys
import core.carriers.labels
from console.wiring import outbox_handlers
from core.config import Settings
from core.persistence.database import open_database
from core.security import SecretBox
from core.services.outbox import OutboxRunner
from tests.core.test_completion import COMPANY

if sys.argv[3] == "die-storing":  # kill -9 inside the transaction that stores the label
    async def die(*args, **kwargs):
        os.kill(os.getpid(), signal.SIGKILL)
    core.carriers.labels.tracking_known = die

async def main(url, key):
    async with open_database(url, upgrade_first=False):
        box = SecretBox(key.encode())
        handlers = outbox_handlers(Settings(company=COMPANY), box, {}, None)
        await OutboxRunner({"label.buy": handlers["label.buy"]}, base_delay_s=0.01).drain()

asyncio.run(main(sys.argv[1], sys.argv[2]))
"""

ZURICH = Address(name="Heidi Meier", line1="Bahnhofstrasse 21", postcode="8001", city="Zürich",
                 country="CH", phone="+41 44 1234567")  # fmt: skip


async def _run_label_job(url: str, key: bytes, how: str = "") -> asyncio.subprocess.Process:
    return await label_jobs(CHILD, url, key, how or "-")


async def _rerun(url: str, key: bytes) -> None:
    await expire_leases()
    rerun = await _run_label_job(url, key)
    _, err = await finished(rerun, 120)
    assert rerun.returncode == 0, err.decode()[-2000:]


async def _packed(box: SecretBox, ship_to: Address | None = None) -> int:
    """An order packed in one parcel of 1.5 kg, its label to come from DHL."""
    await ensure_basics("desk-1")
    acc = await make_account()
    await FulfilmentProfileRow.filter(channel="MFN").update(carrier="dhl")
    for n, sku in enumerate(("MUG", "TEA"), start=1):
        await make_article(sku, n, account_id=acc, on_hand=10)
    await ArticleRow.all().update(hs_code="69120000", origin_country="DE")
    order = make_order("302-1", account_id=acc, lines=[("MUG", 2), ("TEA", 1)])
    await upsert_orders(acc, [replace(order, ship_to=ship_to or order.ship_to)], box)
    order_id = (await OrderRow.get(external_id="302-1")).id
    await claim_order(order_id, "desk-1", "anna")
    ids = await _lines(order_id)
    await _complete(box, order_id, PackedBox({ids["MUG"]: 2, ids["TEA"]: 1}, weight_g=1500))
    return order_id


async def _killed_while_dhl_answers(url: str, key: bytes, emu) -> None:  # type: ignore[no-untyped-def]
    emu.dhl.hold = asyncio.Event()
    child = await _run_label_job(url, key)
    await until(lambda: len(emu.dhl.shipments) == 1, "DHL to create the shipment")
    child.send_signal(signal.SIGKILL)
    await child.wait()
    emu.dhl.hold.set()
    emu.dhl.hold = None


def _paid_after_the_day(emu, package: PackageRow) -> list[str]:  # type: ignore[no-untyped-def]
    """The parcel with the stored label reaches DHL; DHL closes the day; what does it bill?"""
    emu.dhl.hand_over(package.tracking_number)
    emu.dhl.close_day()
    return [s.number for s in emu.dhl.billed()]


async def test_kill_9_while_dhl_answers_domestic_rerun_settles_by_itself(db, emu, contract):
    key = SecretBox.generate_key()
    box = SecretBox(key)
    await import_file(emu.credentials, box)
    order_id = await _packed(box)

    await _killed_while_dhl_answers(db, key, emu)
    [lost] = emu.dhl.shipments.values()
    await _rerun(db, key)

    [job] = await OutboxJobRow.filter(kind="label.buy")
    assert job.status == "done", job.last_error
    assert (await OrderRow.get(id=order_id)).status == "shipped"
    [package] = await PackageRow.filter(shipment__order_id=order_id)
    assert package.tracking_number in emu.dhl.shipments
    assert package.tracking_number != lost.number  # the lost answer's label was never printed
    emu.dhl.hand_over(package.tracking_number)  # the parcel reaches DHL
    [row] = await configured()
    day = await close_day(row, box)  # Packdesk closes the day: DHL names what it closed
    assert sorted(day.closed) == sorted([lost.number, package.tracking_number])
    assert day.not_ours == [lost.number] and lost.number in day.sentence()
    assert [s.number for s in emu.dhl.billed()] == [package.tracking_number]
    [event] = await AuditEventRow.filter(action="package.label_answer_lost")
    assert event.detail["reference"] == lost.body["refNo"] == "PD-302-1-1"
    for exchange in emu.dhl.exchanges:
        contract.check(exchange)


async def test_kill_9_after_dhl_named_the_shipment_rerun_fetches_its_label(db, emu, contract):
    key = SecretBox.generate_key()
    box = SecretBox(key)
    await import_file(emu.credentials, box)
    order_id = await _packed(box)

    child = await _run_label_job(db, key, "die-storing")
    await asyncio.wait_for(child.wait(), 120)
    assert child.returncode == -signal.SIGKILL
    [made] = emu.dhl.shipments
    [package] = await PackageRow.filter(shipment__order_id=order_id)
    assert package.label_ref.endswith("@" + made) and not package.tracking_number

    await _rerun(db, key)
    [package] = await PackageRow.filter(shipment__order_id=order_id)
    assert (package.tracking_number, package.label_ref) == (made, made)
    assert list(emu.dhl.shipments) == [made]  # nothing bought again
    assert [e.method for e in emu.dhl.exchanges if e.path.endswith("/orders")] == ["POST", "GET"]
    assert (await OrderRow.get(id=order_id)).status == "shipped"
    assert _paid_after_the_day(emu, package) == [made]
    for exchange in emu.dhl.exchanges:
        contract.check(exchange)


async def test_kill_9_while_dhl_answers_international_stops_for_a_person(db, emu, contract):
    key = SecretBox.generate_key()
    box = SecretBox(key)
    await import_file(emu.credentials, box)
    order_id = await _packed(box, ZURICH)

    await _killed_while_dhl_answers(db, key, emu)
    await _rerun(db, key)

    [job] = await OutboxJobRow.filter(kind="label.buy")
    assert job.status == "dead" and "may already exist at dhl" in job.last_error
    assert "PD-302-1-1" in job.last_error  # the reference to look up at DHL
    assert (await OrderRow.get(id=order_id)).status == "packed"  # nothing confirmed on a guess
    [lost] = emu.dhl.shipments.values()
    assert lost.body["product"] == "V53WPAK" and len(emu.dhl.shipments) == 1

    # DHL's portal shows the shipment: a person cancels it there, then frees the package
    lost.cancelled = True
    [package] = await PackageRow.filter(shipment__order_id=order_id)
    assert await clear_pending(package.id)
    await OutboxJobRow.filter(id=job.id).update(status="pending", attempts=0)
    await _rerun(db, key)
    [package] = await PackageRow.filter(shipment__order_id=order_id)
    assert (await OrderRow.get(id=order_id)).status == "shipped"
    assert _paid_after_the_day(emu, package) == [package.tracking_number]
    for exchange in emu.dhl.exchanges:
        contract.check(exchange)
