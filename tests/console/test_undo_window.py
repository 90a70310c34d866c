"""The undo window: after the last item the desk shows what ships and waits a moment (real App,
real scan field, real backend on SQLite and PostgreSQL; the clock is moved by the test, never slept).
"""

from __future__ import annotations

from console.screens.packing import PackingScreen
from core.persistence.models import (
    DocumentRow,
    NumberRangeRow,
    OrderRow,
    OutboxJobRow,
    ShipmentRow,
)
from tests.console.conftest import DeskClock, until
from tests.console.test_packing_flow import _feedback, _signed_in
from tests.support.keys import burst

SINGLE = "302-0000002-0000002"  # one TEA: a TEA scan claims it (the one-scan rule)
THREE = "302-0000001-0000001"  # 2 MUG + 1 TEA


def _countdown(app) -> str:
    return str(app.screen.query_one("#countdown").render())


async def _nothing_left_the_building(external_id: str) -> None:
    row = await OrderRow.get(external_id=external_id)
    assert not await ShipmentRow.filter(order_id=row.id).exists()
    assert not await DocumentRow.filter(order_id=row.id).exists()
    assert await OutboxJobRow.all().count() == 0  # no label bought, no confirmation queued
    assert all(r.next_seq == 1 for r in await NumberRangeRow.all())  # no number used


def _app(desk, clock: DeskClock, seconds: float = 3.0):
    desk.settings.desk.undo_seconds = seconds
    return desk.app(clock=clock)


async def test_a_stray_article_scan_is_stopped_with_esc_and_the_order_goes_back(desk):
    clock = DeskClock()
    app = _app(desk, clock)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await _signed_in(app, pilot)
        burst(app, f"{desk.tea}\r")
        await until(pilot, lambda: screen.mode == "confirming")
        assert f"About to ship {SINGLE}: 1× Article TEA in 1 box" in _countdown(app)
        assert "Ships in 3 s" in _countdown(app)
        assert (await OrderRow.get(external_id=SINGLE)).status == "packing"
        await _nothing_left_the_building(SINGLE)
        await pilot.press("escape")
        await until(pilot, lambda: screen.mode == "idle" and "Stopped" in _feedback(app))
        assert screen.session is None
        await until(pilot, lambda: "back in the queue" in _feedback(app))
    row = await OrderRow.get(external_id=SINGLE)
    assert (row.status, row.claimed_by) == ("open", "")
    await _nothing_left_the_building(SINGLE)


async def test_the_window_passes_on_the_clock_while_the_desk_keeps_answering(desk):
    clock = DeskClock()
    app = _app(desk, clock)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await _signed_in(app, pilot)
        burst(app, f"{desk.tea}\r")
        await until(pilot, lambda: screen.mode == "confirming")
        clock.advance(1.5)
        await until(pilot, lambda: "Ships in 2 s" in _countdown(app))
        await pilot.press(*"12")  # the screen is not frozen: typing still reaches the field
        assert screen.query_one("#scan").value == "12"
        assert screen.mode == "confirming" and screen.last_shipped is None
        clock.advance(1.6)
        await until(pilot, lambda: screen.last_shipped is not None)
        assert screen.last_shipped.external_id == SINGLE
        assert not screen.query_one("#countdown").has_class("-open")
    assert (await OrderRow.get(external_id=SINGLE)).status == "shipped"


async def test_the_next_scan_ships_at_once_and_is_answered_after(desk):
    clock = DeskClock()
    app = _app(desk, clock)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await _signed_in(app, pilot)
        burst(app, f"{desk.tea}\r{THREE}\r")  # the clock never moves: the scan ends the window
        await until(pilot, lambda: screen.last_shipped is not None)
        await until(pilot, lambda: screen.target is not None and screen.target.external_id == THREE)
    assert (await OrderRow.get(external_id=SINGLE)).status == "shipped"
    assert (await OrderRow.get(external_id=THREE)).status == "packing"


async def test_the_cancel_code_takes_back_the_last_scan_of_an_order_on_the_desk(desk):
    clock = DeskClock()
    app = _app(desk, clock)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await _signed_in(app, pilot)
        burst(app, f"{THREE}\r{desk.mug}\r{desk.tea}\r{desk.mug}\r")
        await until(pilot, lambda: screen.mode == "confirming")
        assert "2× Article MUG, 1× Article TEA" in _countdown(app)
        burst(app, "pd-cancel\r")  # the default code, as a scanner may send it
        await until(pilot, lambda: screen.mode == "idle" and "Stopped" in _feedback(app))
        assert screen.target.external_id == THREE and screen.session.items_packed == 2
        clock.advance(60)  # nothing is waiting any more
        burst(app, f"{desk.mug}\r")  # the real last item: a new window
        await until(pilot, lambda: screen.mode == "confirming")
        await pilot.press("backspace")
        await until(pilot, lambda: screen.mode == "idle")
        assert screen.session.items_packed == 2
    await _nothing_left_the_building(THREE)
    assert (await OrderRow.get(external_id=THREE)).status == "packing"


async def test_zero_seconds_ships_at_once(desk):
    clock = DeskClock()
    app = _app(desk, clock, seconds=0)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await _signed_in(app, pilot)
        burst(app, f"{desk.tea}\r")
        await until(pilot, lambda: screen.last_shipped is not None)
        assert isinstance(app.screen, PackingScreen)


async def test_a_configured_cancel_code_stops_and_a_configured_hold_code_holds(desk):
    """`desk.cancel_code` / `desk.hold_code_prefix`: the desk understands what its sheet prints."""
    desk.settings.desk.cancel_code = "STOP-NOW"
    desk.settings.desk.hold_code_prefix = "H-"
    clock = DeskClock()
    app = _app(desk, clock)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await _signed_in(app, pilot)
        burst(app, f"{THREE}\r{desk.mug}\r{desk.tea}\r{desk.mug}\r")
        await until(pilot, lambda: screen.mode == "confirming")
        burst(app, "stop-now\r")
        await until(pilot, lambda: screen.mode == "idle" and "Stopped" in _feedback(app))
        assert screen.session.items_packed == 2
        burst(app, "H-DAMAGED\r")
        await until(pilot, lambda: screen.session is None and "on hold" in _feedback(app))
    await _nothing_left_the_building(THREE)
    assert (await OrderRow.get(external_id=THREE)).status == "on_hold"
