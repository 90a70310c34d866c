"""Hold reasons at the desk: picked by number in the F7 prompt, or by scanning a reason barcode from
the desk sheet; the reason stays in the order's history after a supervisor releases it."""

from __future__ import annotations

from console.screens.hold_prompt import HoldPrompt
from core.persistence.models import OrderRow
from core.services import holds
from tests.console.conftest import DeskClock, until
from tests.console.test_packing_flow import _feedback, _signed_in
from tests.support.keys import burst

THREE = "302-0000001-0000001"
SINGLE = "302-0000002-0000002"
HOLD_ACTIONS = ("order.held", "order.hold_released")


def _prompt_ready(app) -> bool:
    screen = app.screen
    return (
        isinstance(screen, HoldPrompt)
        and bool(screen.query("#answer"))
        and (app.focused is screen.query_one("#answer"))
    )


async def test_f7_and_a_number_holds_with_the_coded_reason_kept_after_release(desk):
    app = desk.app()
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await _signed_in(app, pilot)
        burst(app, f"{THREE}\r")
        await until(pilot, lambda: screen.session is not None)
        await pilot.press("f7")
        await until(pilot, lambda: _prompt_ready(app))
        assert "3  Address problem" in str(app.screen.query_one("#reasons").render())
        burst(app, "9\r")  # not on the list: the prompt stays and says so
        await until(
            pilot, lambda: "not on the list" in str(app.screen.query_one("#hold-error").render())
        )
        burst(app, "3\r")
        await until(pilot, lambda: screen.session is None and "on hold" in _feedback(app))
        assert "Address problem" in _feedback(app)
    row = await OrderRow.get(external_id=THREE)
    assert (row.status, row.hold_reason) == ("on_hold", "Address problem (address)")
    await desk.backend.release_hold(row.id, "sam")
    detail = await desk.backend.order_detail(row.id)
    reasons = [e.detail.get("code") for e in detail["audit"] if e.action in HOLD_ACTIONS]
    assert reasons == ["address", "address"]  # the release, newest first, then the hold


async def test_a_scanned_reason_barcode_holds_the_order_on_the_desk_and_stops_its_shipment(desk):
    clock = DeskClock()
    desk.settings.desk.undo_seconds = 3
    app = desk.app(clock=clock)
    damaged = holds.reasons(desk.settings.desk.hold_reasons, "PD-HOLD-")[0]
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await _signed_in(app, pilot)
        burst(app, f"{damaged.barcode}\r")  # nothing on the desk yet
        await until(pilot, lambda: "Scan the order first" in _feedback(app))
        burst(app, f"{desk.tea}\r")  # claims the single-item order; its undo window opens
        await until(pilot, lambda: screen.mode == "confirming")
        burst(app, f"{damaged.barcode.lower()}\r")
        await until(pilot, lambda: screen.session is None and "on hold" in _feedback(app))
        clock.advance(10)
        assert screen.mode == "idle" and screen.last_shipped is None
    row = await OrderRow.get(external_id=SINGLE)
    assert (row.status, row.hold_reason) == ("on_hold", "Item damaged (damaged)")
    assert [(e.action, e.code) for e in await holds.history(row.id)] == [("order.held", "damaged")]
