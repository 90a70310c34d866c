"""End to end against the Amazon emulator over HTTP: 3PL export, tracking files (multi-package and
partial), confirmations that pass the emulator's confirmShipment validation, the order shipped,
and the invoice mail with the tracking numbers delivered to a real SMTP server."""

from __future__ import annotations

from collections import Counter
from collections.abc import AsyncIterator, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from console.wiring import outbox_handlers
from core.config import MailSettings
from core.documents.store import get_document, original_pdf
from core.persistence.models import (
    DocumentRow,
    FulfilmentProfileRow,
    OrderLineRow,
    OrderRow,
    OutboxJobRow,
)
from core.services.outbox import OutboxRunner
from core.thirdparty.cycle import run_thirdparty_cycle
from tests.amazon.support import SCALE, wired
from tests.documents.test_mail import Inbox, free_port
from tests.thirdparty.conftest import (
    DHL_1,
    DHL_2,
    SHIPPED,
    UPS_1,
    inbox,
    settings_for,
    tracking_xml,
)

pytestmark = pytest.mark.network


@pytest.fixture
async def emu() -> AsyncIterator[Any]:
    from core.channels.amazon.emulator import run_emulator

    async with run_emulator(seed=7, accounts=1, orders=30, time_scale=SCALE, frozen=True) as e:
        yield e


async def test_3pl_order_confirmed_at_amazon_package_by_package(db, box, emu, tmp_path: Path):
    settings = settings_for(tmp_path / "acme")
    await FulfilmentProfileRow.create(
        name="ACME",
        process="third_party",
        channel="MFN",
        email_invoice=True,
        options={"provider": "acme"},
    )
    async with wired(emu, box) as w:
        await w.worker.run_once()  # import: MFN orders route to the 3PL profile
        summary = await run_thirdparty_cycle(settings, box, imports=False)
        exported = summary.export.exported["acme"] if summary.export else []
        orders = [
            r
            for r in await OrderRow.filter(external_id__in=exported, channel_status="Unshipped")
            if sum(ln.quantity for ln in await OrderLineRow.filter(order_id=r.id)) >= 2
        ]
        order = orders[0]
        lines = list(await OrderLineRow.filter(order_id=order.id).order_by("id"))
        first, rest = lines[0], [(ln, ln.quantity - (1 if ln is lines[0] else 0)) for ln in lines]
        inbox = tmp_path / "acme" / "tracking"
        inbox.mkdir(parents=True, exist_ok=True)
        (inbox / "1.xml").write_bytes(
            tracking_xml((order.external_id, [("DHL", DHL_1, [(first.external_id, 1)])]))
        )
        await run_thirdparty_cycle(settings, box, export=False)
        assert (await OrderRow.get(id=order.id)).status == "partially_shipped"
        await w.worker.run_once()
        assert emu.state.orders[order.external_id].status == "PartiallyShipped"
        remaining = [(ln.external_id, q) for ln, q in rest if q]
        (inbox / "2.xml").write_bytes(
            tracking_xml(
                (
                    order.external_id,
                    [("DHL", DHL_2, remaining[:1]), ("UPS", UPS_1, remaining[1:])]
                    if len(remaining) > 1
                    else [("DHL", DHL_2, remaining)],
                )
            )
        )
        await run_thirdparty_cycle(settings, box, export=False)
        await w.worker.run_once()
    sent = [c for c in emu.state.confirmations if c["order_id"] == order.external_id]
    assert [c["package_reference_id"] for c in sent] == [str(n) for n in range(1, len(sent) + 1)]
    assert sent[0]["tracking_number"] == DHL_1
    assert sent[0]["items"] == [{"order_item_id": first.external_id, "quantity": 1}]
    shipped: Counter[str] = Counter()
    for c in sent:
        for item in c["items"]:
            shipped[item["order_item_id"]] += item["quantity"]
    assert shipped == {ln.external_id: ln.quantity for ln in lines}
    assert emu.state.orders[order.external_id].status == "Shipped"
    assert (await OrderRow.get(id=order.id)).status == "shipped"
    assert await OutboxJobRow.filter(kind="amazon.confirm_shipment", status="done").count() >= len(
        sent
    )
    mails = await OutboxJobRow.filter(kind="mail.invoice")
    assert {t["tracking_number"] for m in mails for t in m.payload["tracking"]} >= {DHL_1, DHL_2}


@pytest.fixture
def smtp() -> Iterator[tuple[Inbox, int]]:
    """A real SMTP server (aiosmtpd) on 127.0.0.1 that keeps what it receives."""
    inbox, port = Inbox(), free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield inbox, port
    finally:
        controller.stop()


async def test_tracking_file_to_confirmation_and_invoice_mail_over_smtp(
    db, box, emu, smtp, tmp_path: Path
):
    sink, port = smtp
    mail = MailSettings(
        host="127.0.0.1", port=port, security="none", sender="Muster <shop@muster.de>"
    )
    settings = settings_for(tmp_path / "acme").model_copy(update={"mail": mail})
    await FulfilmentProfileRow.create(
        name="ACME",
        process="third_party",
        channel="MFN",
        email_invoice=True,
        options={"provider": "acme"},
    )
    async with wired(emu, box) as w:
        await w.worker.run_once()  # import: MFN orders route to the 3PL profile
        summary = await run_thirdparty_cycle(settings, box, imports=False)
        exported = summary.export.exported["acme"] if summary.export else []
        candidates = [
            r
            for r in await OrderRow.filter(external_id__in=exported, channel_status="Unshipped")
            if await OrderLineRow.filter(order_id=r.id).count() >= 2
        ]
        assert candidates, "the emulator's seed should give a handed-over order with two lines"
        order = candidates[0]
        lines = list(await OrderLineRow.filter(order_id=order.id).order_by("id"))
        packages = [
            ("DHL", DHL_1, [(lines[0].external_id, lines[0].quantity)]),
            ("UPS", UPS_1, [(ln.external_id, ln.quantity) for ln in lines[1:]]),
        ]
        (inbox(settings) / "track.xml").write_bytes(tracking_xml((order.external_id, packages)))
        applied = await run_thirdparty_cycle(settings, box, export=False)
        assert [f.status for f in applied.files["acme"]] == ["applied"]

        # Everything the outbox holds, run by the handlers every Packdesk process composes.
        runner = OutboxRunner(
            outbox_handlers(settings, box, w.connectors, w.spool),
            base_delay_s=0.01,
            max_delay_s=0.05,
        )
        await runner.drain()
        assert not await OutboxJobRow.exclude(status="done").values_list("key", flat=True)

    sent = [c for c in emu.state.confirmations if c["order_id"] == order.external_id]
    assert sorted(c["tracking_number"] for c in sent) == sorted([DHL_1, UPS_1])
    # the ship date Amazon hears is when the goods left the provider, as its file says
    assert {datetime.fromisoformat(c["ship_date"].replace("Z", "+00:00")) for c in sent} == {
        SHIPPED
    }
    assert emu.state.orders[order.external_id].status == "Shipped"
    assert (await OrderRow.get(id=order.id)).status == "shipped"

    [msg] = sink.messages
    [invoice] = await DocumentRow.filter(order_id=order.id, kind="invoice")
    assert msg["To"] == emu.state.orders[order.external_id].buyer_email
    assert invoice.number in msg["Subject"]
    body = msg.get_body(("plain",)).get_content()
    assert DHL_1 in body and UPS_1 in body
    [pdf] = list(msg.iter_attachments())
    assert pdf.get_content_type() == "application/pdf"
    assert pdf.get_content() == await original_pdf(await get_document(invoice.id), box)
