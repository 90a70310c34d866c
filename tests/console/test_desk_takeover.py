"""A supervisor takes over an order left at another desk (real App, real scan field, real backend on
SQLite and PostgreSQL). An order with scanned progress never expires for another desk; the packer
at desk-1 who scans it used to hear only "being packed at desk-2 — take the next order"."""

from __future__ import annotations

from console.backend import StationBackend
from console.screens.pin_prompt import PinPrompt
from core.config import Settings
from core.persistence.models import AuditEventRow, OrderLineRow, OrderRow
from core.services.desk import decode_progress
from tests.console.conftest import until
from tests.console.test_packing_flow import _feedback, _signed_in
from tests.support.keys import burst

THREE = "302-0000001-0000001"  # 2 MUG + 1 TEA


async def _left_at_desk_2(desk, box) -> int:
    """anna scanned both mugs at desk-2 and signed out: the order stays claimed there, 2 of 3."""
    desk_2 = StationBackend(Settings(station="desk-2", company=desk.settings.company), box)
    target = await desk_2.open_order(THREE, "anna")
    mug = await OrderLineRow.get(order_id=target.order_id, sku="MUG")
    assert await desk_2.leave_on_desk(target.order_id, "anna", [{mug.id: 2}])
    return target.order_id


async def test_a_supervisor_takes_over_an_order_left_at_another_desk(desk, box):
    order_id = await _left_at_desk_2(desk, box)
    app = desk.app()
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await _signed_in(app, pilot)
        burst(app, f"{THREE}\r")
        # a pushed screen composes after the push: wait for its question, not for the push alone
        await until(pilot, lambda: isinstance(app.screen, PinPrompt) and app.screen.is_mounted)
        await until(pilot, lambda: bool(app.screen.query("#question")))
        said = str(screen.query_one("#feedback").render())
        assert f"{THREE} is at desk-2 (anna had packed 2 of 3)" in said, said
        assert "Supervisor PIN to take it over" in said
        question = str(app.screen.query_one("#question").render())  # the dialog covers the desk
        assert f"{THREE} is at desk-2 (anna had packed 2 of 3)" in question, question
        await pilot.press(*"1234", "enter")
        await until(pilot, lambda: screen.target is not None and app.screen is screen)
        # The goods lie at desk-2: nothing of anna's counts travels; every item is scanned again.
        assert (screen.session.items_packed, screen.session.items_expected) == (0, 3)
        said = _feedback(app)
        assert f"Took over {THREE} from desk-2" in said, said
        assert "anna's 2 packed item(s) are at desk-2" in said and "scan all 3 here" in said
        burst(app, f"{desk.mug}\r{desk.mug}\r{desk.tea}\r")
        await until(pilot, lambda: screen.last_shipped is not None)
    row = await OrderRow.get(id=order_id)
    assert row.status == "shipped"
    taken = await AuditEventRow.get(subject=f"order:{order_id}", action="order.taken_over")
    assert taken.actor == "sam" and taken.station == "desk-1"
    assert taken.detail == {
        "from_station": "desk-2", "from_packer": "anna", "packer": "anna", "items_left": 2,
    }  # fmt: skip


async def test_escape_leaves_the_order_at_its_desk_with_its_counts(desk, box):
    order_id = await _left_at_desk_2(desk, box)
    app = desk.app()
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await _signed_in(app, pilot)
        burst(app, f"{THREE}\r")
        await until(pilot, lambda: isinstance(app.screen, PinPrompt))
        await pilot.press("escape")
        await until(pilot, lambda: app.screen is screen and "stays at desk-2" in _feedback(app))
        assert screen.target is None
    row = await OrderRow.get(id=order_id)
    assert (row.status, row.claimed_by) == ("packing", "desk-2")
    assert decode_progress(row.pack_progress).items_packed == 2  # anna's counts wait there
    assert not await AuditEventRow.filter(action="order.taken_over").exists()
