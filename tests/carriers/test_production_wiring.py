"""Issue 16, end to end through production's composition: a profile switched to DHL, an order
packed at a desk (the console's StationBackend), the DHL label at a Zebra on TCP 9100 carrying the
DHL tracking number in its barcode, and Amazon (the emulator) holding a confirmation with DHL."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from console.backend import StationBackend
from console.wiring import outbox_handlers
from core.carriers.directory import import_file, set_profile_carrier
from core.carriers.tracking import validate_tracking
from core.config import FolderPrinter, MailSettings, Settings, StationSettings, ZplPrinter
from core.persistence.models import (
    ArticleRow,
    FulfilmentProfileRow,
    OrderLineRow,
    OrderRow,
    OutboxJobRow,
    PackageRow,
)
from core.services.outbox import OutboxRunner
from core.services.setup import ensure_basics
from printers.spool import Spool
from tests.amazon.support import SCALE, wired
from tests.core.test_completion import COMPANY
from tests.documents.test_mail import Inbox, free_port
from tests.printers.sink import Sink

pytestmark = pytest.mark.network


@pytest.fixture
async def emu() -> AsyncIterator[Any]:
    from core.channels.amazon.emulator import run_emulator

    async with run_emulator(seed=11, accounts=1, orders=20, time_scale=SCALE, frozen=True) as e:
        yield e


@pytest.fixture
async def zebra() -> AsyncIterator[Sink]:
    sink = await Sink().start()
    try:
        yield sink
    finally:
        await sink.stop()


@pytest.fixture
def smtp() -> Iterator[tuple[Inbox, int]]:
    inbox, port = Inbox(), free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield inbox, port
    finally:
        controller.stop()


def settings_for(zebra: Sink, papers: Path, smtp_port: int) -> Settings:
    return Settings(
        company=COMPANY,
        mail=MailSettings(
            host="127.0.0.1", port=smtp_port, security="none", sender="Muster <shop@muster.de>"
        ),
        station="desk-1",
        printers={
            "zebra": ZplPrinter(kind="zpl", host=zebra.host, port=zebra.port, timeout_s=5),
            "papers": FolderPrinter(kind="folder", path=papers),
        },
        stations={
            "desk-1": StationSettings(
                routes={"label": "zebra", "invoice": "papers", "delivery_note": "papers"}
            )
        },
    )


async def test_dhl_label_at_the_zebra_and_amazon_told_dhl(db, box, emu, zebra, smtp, tmp_path):
    mails, port = smtp
    settings = settings_for(zebra, tmp_path / "papers", port)
    await ensure_basics("desk-1")
    await FulfilmentProfileRow.filter(name="Merchant fulfilled").update(email_invoice=True)
    await import_file(emu.credentials, box)
    await set_profile_carrier("Merchant fulfilled", "dhl", [])
    async with wired(emu, box) as w:
        await w.worker.run_once()  # import the seller's orders
        for sku in set(await OrderLineRow.all().values_list("sku", flat=True)):
            # the seller's article master knows what each article weighs
            await ArticleRow.update_or_create(sku=sku, defaults={"title": sku, "weight_g": 400})
        candidates = [
            o
            for o in await OrderRow.filter(channel="MFN", status="open", ship_country="DE")
            if emu.state.orders[o.external_id].status == "Unshipped"
        ]
        assert candidates, "the emulator's seed should give an open German MFN order"
        order = candidates[0]
        desk = StationBackend(settings, box)
        target = await desk.open_by_id(order.id, "anna")
        lines = {ln.id: ln.quantity for ln in await OrderLineRow.filter(order_id=order.id)}
        assert {ln.line_id for ln in target.lines} == set(lines)
        report = await desk.complete(order.id, [lines], "anna")
        assert report.status == "packed"  # the label follows in the outbox

        spool = Spool(settings)
        runner = OutboxRunner(outbox_handlers(settings, box, w.connectors, spool),
                              base_delay_s=0.01, max_delay_s=0.05)  # fmt: skip
        await runner.drain()
        await spool.worker("zebra").drain()
        dead = await OutboxJobRow.filter(status="dead").values_list("kind", "last_error")
        assert not dead

    [package] = await PackageRow.filter(shipment__order_id=order.id)
    number = package.tracking_number
    assert validate_tracking("dhl", number) == number and number in emu.dhl.shipments
    [printed] = zebra.jobs
    assert re.findall(rb"\^BC[^\^]*\^FD([^\^]+)\^FS", printed) == [number.encode()]
    sent = [c for c in emu.state.confirmations if c["order_id"] == order.external_id]
    assert [(c["carrier_code"], c["tracking_number"]) for c in sent] == [("DHL", number)]
    assert (await OrderRow.get(id=order.id)).status == "shipped"
    assert emu.state.orders[order.external_id].status == "Shipped"
    [mail] = mails.messages  # the buyer's invoice mail names the carrier and the number
    body = mail.get_body(("plain",)).get_content()
    assert "DHL" in body and number in body


def test_dhl_print_format_follows_the_labels_in_the_zebra() -> None:
    from console.wiring import dhl_print_format

    settings = Settings.model_validate({
        "printers": {"long": {"kind": "zpl", "host": "z", "label_size": "103x199mm"},
                     "short": {"kind": "zpl", "host": "z", "label_size": "4x6in"},
                     "laser": {"kind": "cups", "queue": "office"}},
        "stations": {"a": {"routes": {"label": "long"}}, "b": {"routes": {"label": "short"}},
                     "c": {"routes": {"label": "laser"}}},
    })  # fmt: skip
    medium = dhl_print_format(settings)
    assert [medium(s) for s in "abcd"] == ["910-300-600", "910-300-400", "", ""]
