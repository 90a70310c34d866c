"""Parcels at the desk: each box shows its weight (articles + packaging); a weight typed from the
scale (F10) goes to the carrier request and onto the label (real App, DHL emulator checked against
DHL's spec, SQLite and PostgreSQL)."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from console.wiring import outbox_handlers
from core.config import PackagingSettings
from core.documents.sealing import open_blob
from core.persistence.models import ArticleRow, FulfilmentProfileRow, OrderRow, PackageRow
from core.services.outbox import OutboxRunner
from tests.amazon.support import SpoolFake
from tests.carriers.conftest import contract, dhl, emu  # noqa: F401  (fixtures)
from tests.console.conftest import until
from tests.console.test_packing_flow import _feedback, _signed_in
from tests.support.keys import burst

pytestmark = pytest.mark.network

THREE = "302-0000001-0000001"  # 2 MUG + 1 TEA


def _parcels(app) -> str:
    return str(app.screen.query_one("#parcels").render())


async def test_a_weighed_box_goes_to_dhl_and_onto_the_label(desk, box, dhl, emu):  # noqa: F811
    await FulfilmentProfileRow.filter(channel="MFN").update(carrier="dhl")
    await ArticleRow.filter(sku="MUG").update(weight_g=350)
    await ArticleRow.filter(sku="TEA").update(weight_g=110)
    desk.settings.packaging = PackagingSettings(boxes={"S": 120}, default_box="S")
    app = desk.app()
    async with app.run_test(size=(120, 30)) as pilot:
        screen = await _signed_in(app, pilot)
        burst(app, f"{THREE}\r{desk.mug}\r{desk.mug}\r")
        await until(pilot, lambda: "Box 1: 820 g (700 g goods + 120 g box)" in _parcels(app))
        burst(app, "1,25 kg")
        await pilot.press("f10")
        await until(pilot, lambda: "Box 1: 1250 g (weighed)" in _parcels(app))
        assert "1250 g" in _feedback(app) and screen.query_one("#scan").value == ""
        await pilot.press("f4")
        burst(app, f"{desk.tea}\r")  # the last item: ships at once (undo window off here)
        await until(pilot, lambda: screen.last_shipped is not None)
    order = await OrderRow.get(external_id=THREE)
    packages = await PackageRow.filter(shipment__order_id=order.id).order_by("reference")
    assert [p.weight_g for p in packages] == [1250, 0]  # box 2: articles + box, at label time

    spool = SpoolFake()
    handlers = outbox_handlers(desk.settings, box, {}, spool)
    await OutboxRunner({"label.buy": handlers["label.buy"]}, base_delay_s=0.01).drain()
    packages = await PackageRow.filter(shipment__order_id=order.id).order_by("reference")
    assert all(p.tracking_number for p in packages)
    weights = [emu.dhl.shipments[p.tracking_number].body["details"]["weight"] for p in packages]
    assert weights == [{"uom": "g", "value": 1250}, {"uom": "g", "value": 110 + 120}]
    label = PdfReader(io.BytesIO(open_blob(bytes(packages[0].label), box)))
    assert "1250 g" in label.pages[0].extract_text()
    titles = sorted(r.title for r in spool.jobs.values() if r.kind == "label")
    assert titles == [f"Label {THREE} parcel 1", f"Label {THREE} parcel 2"]
