"""A supervisor takes over an order left at another desk (real App, real scan field, real backend on
SQLite and PostgreSQL). An order with scanned progress never expires for another desk; the packer
at desk-1 who scans it used to hear only "being packed at desk-2 — take the next order"."""

from __future__ import annotations

import pytest

from console.backend import StationBackend
from console.screens.pin_prompt import PinPrompt
from console.screens.queue import QueueScreen
from core.config import Settings
from core.persistence.models import AuditEventRow, OrderLineRow, OrderRow
from core.services.desk import decode_progress
from core.services.desk.views import ClaimGone
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


# -- desk-1 still has the order open when a supervisor at desk-2 takes it over ---------------------


async def _open_here_then_taken_over(app, pilot, desk, box, scans: str):
    """anna opens THREE at desk-1 and scans `scans`; then sam's PIN takes it over at desk-2."""
    screen = await _signed_in(app, pilot)
    burst(app, f"{THREE}\r{scans}")
    await until(pilot, lambda: screen.session is not None and screen.mode == "idle")
    await until(pilot, lambda: not screen._saving)
    desk_2 = StationBackend(Settings(station="desk-2", company=desk.settings.company), box)
    taken = await desk_2.take_over(screen.target.order_id, "ben", "sam")
    return screen, taken.order_id


async def test_a_scan_at_the_desk_that_lost_its_order_clears_it_and_says_where_it_went(desk, box):
    app = desk.app()
    async with app.run_test(size=(100, 30)) as pilot:
        screen, order_id = await _open_here_then_taken_over(app, pilot, desk, box, f"{desk.mug}\r")
        burst(app, f"{desk.mug}\r")  # anna scans on: her save finds the claim gone
        await until(pilot, lambda: screen.target is None)
        said = _feedback(app)
        assert f"{THREE} was taken over by desk-2" in said, said
        assert "put the 2 item(s) you packed aside for desk-2" in said, said
        assert screen.mode == "idle" and screen.session is None
        # The tea in her hand was meant for THREE. By the one-scan rule it claimed (and, with no
        # undo window, shipped) order 2, the single-item tea order: now it claims nothing
        # until it is scanned again, as after a damaged order number.
        burst(app, f"{desk.tea}\r")
        await until(pilot, lambda: "taken over" not in _feedback(app))
        said = _feedback(app)
        assert f"{THREE} is no longer on this desk" in said and "once more" in said, said
        assert screen.session is None
        burst(app, f"{desk.tea}\r")  # on purpose, a second time: the most urgent tea order
        await until(pilot, lambda: screen.target is not None or screen.last_shipped is not None)
    row = await OrderRow.get(id=order_id)
    assert (row.status, row.claimed_by, row.pack_progress) == ("packing", "desk-2", None)


async def test_the_last_item_at_the_desk_that_lost_its_order_ships_nothing(desk, box):
    app = desk.app()
    async with app.run_test(size=(100, 30)) as pilot:
        screen, order_id = await _open_here_then_taken_over(
            app, pilot, desk, box, f"{desk.mug}\r{desk.mug}\r"
        )
        burst(app, f"{desk.tea}\r")  # complete: the undo window is 0 here, it ships at once
        await until(pilot, lambda: screen.target is None and screen.mode == "idle")
        said = _feedback(app)
        assert f"{THREE} was taken over by desk-2" in said, said
        assert screen.last_shipped is None
    row = await OrderRow.get(id=order_id)
    assert (row.status, row.claimed_by) == ("packing", "desk-2")


async def test_put_back_at_the_desk_that_lost_its_order_leaves_it_at_the_new_desk(desk, box):
    app = desk.app()
    async with app.run_test(size=(100, 30)) as pilot:
        screen, order_id = await _open_here_then_taken_over(app, pilot, desk, box, "")
        await pilot.press("f8")
        await until(pilot, lambda: screen.target is None and "desk-2" in _feedback(app))
        said = _feedback(app)
        assert f"{THREE} was taken over by desk-2" in said and "back in the queue" not in said
    row = await OrderRow.get(id=order_id)
    assert (row.status, row.claimed_by) == ("packing", "desk-2")


async def test_completion_refuses_an_order_this_desk_no_longer_claims(desk, box):
    desk_1 = StationBackend(desk.settings, box)
    target = await desk_1.open_order(THREE, "anna")
    mug = await OrderLineRow.get(order_id=target.order_id, sku="MUG")
    tea = await OrderLineRow.get(order_id=target.order_id, sku="TEA")
    desk_2 = StationBackend(Settings(station="desk-2", company=desk.settings.company), box)
    await desk_2.take_over(target.order_id, "ben", "sam")
    with pytest.raises(ClaimGone) as gone:
        await desk_1.complete(target.order_id, [{mug.id: 2, tea.id: 1}], "anna")
    assert (gone.value.external_id, gone.value.now_at) == (THREE, "desk-2")
    with pytest.raises(ClaimGone):
        await desk_1.save_progress(target.order_id, [{mug.id: 1}])
    row = await OrderRow.get(id=target.order_id)
    assert (row.status, row.claimed_by, row.pack_progress) == ("packing", "desk-2", None)


async def test_f5_in_the_queue_on_an_order_left_at_another_desk_offers_the_takeover(desk, box):
    order_id = await _left_at_desk_2(desk, box)
    app = desk.app()
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await _signed_in(app, pilot)
        app.action_open("queue")
        await until(pilot, lambda: isinstance(app.screen, QueueScreen) and app.screen.is_mounted)
        queue = app.screen
        for _ in range(4):  # the status filter (F6) to "packing": orders claimed at a desk
            if queue.filters.status == "packing":
                break
            await pilot.press("f6")
        await until(pilot, lambda: any(o.id == order_id for o in queue.rows))
        row = next(i for i, o in enumerate(queue.rows) if o.id == order_id)
        queue.query_one("#orders").move_cursor(row=row)
        await pilot.press("f5")
        # the desk's own takeover: the same question as scanning it at the desk
        await until(pilot, lambda: isinstance(app.screen, PinPrompt) and app.screen.is_mounted)
        await until(pilot, lambda: bool(app.screen.query("#question")))
        question = str(app.screen.query_one("#question").render())
        assert f"{THREE} is at desk-2 (anna had packed 2 of 3)" in question, question
        await pilot.press(*"1234", "enter")
        await until(pilot, lambda: screen.target is not None and app.screen is screen)
        assert screen.session.items_packed == 0
        assert f"Took over {THREE} from desk-2" in _feedback(app)
    row = await OrderRow.get(id=order_id)
    assert (row.status, row.claimed_by) == ("packing", "desk-1")
