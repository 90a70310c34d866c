"""Packing through the real App and backend: sign in, scan, ship; errors answered at once."""

from __future__ import annotations

from console.screens.packing import PackingScreen
from console.screens.pin_prompt import PinPrompt
from console.screens.sign_in import SignInScreen
from console.widgets.scan_field import ScanField
from core.persistence.models import DocumentRow, OrderRow, OutboxJobRow
from tests.console.conftest import until
from tests.support.keys import burst


def _feedback(app) -> str:
    return str(app.screen.query_one("#feedback").render())


async def _signed_in(app, pilot) -> PackingScreen:
    await until(pilot, lambda: isinstance(app.screen, SignInScreen))
    burst(app, "P-ANNA\r")
    # The screen is on top before it is composed: wait for its scan field to have focus, not for
    # the push alone (querying a screen still composing failed this test on a busy machine).
    await until(pilot, lambda: isinstance(app.screen, PackingScreen) and app.screen.is_mounted)
    await until(pilot, lambda: isinstance(app.focused, ScanField))
    assert app.packer.name == "anna"
    return app.screen


async def test_pack_an_order_by_scanning_order_and_items(desk):
    app = desk.app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _signed_in(app, pilot)
        # The order id and all three items in one terminal read: nothing may get lost.
        burst(app, f"302-0000001-0000001\r{desk.mug}\r{desk.tea}\r{desk.mug}\r")
        await until(pilot, lambda: screen.last_shipped is not None)
        assert screen.last_shipped.status == "shipped"
        assert screen.session is None
        assert "302-0000001-0000001" in _feedback(app)
    row = await OrderRow.get(id=desk.orders["302-0000001-0000001"])
    assert row.status == "shipped"
    assert await DocumentRow.filter(order_id=row.id).count() == 2
    assert await OutboxJobRow.filter(kind="amazon.confirm_shipment").count() == 1


async def test_wrong_unknown_and_over_scans_are_answered_and_the_order_stays(desk):
    app = desk.app()
    bells: list[int] = []
    app.bell = lambda: bells.append(1)  # type: ignore[method-assign]
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _signed_in(app, pilot)
        burst(app, "302-0000002-0000002\r")
        await until(pilot, lambda: screen.session is not None)
        burst(app, f"{desk.mug}\r")
        await until(pilot, lambda: "not in this order" in _feedback(app))
        assert screen.feedback.state == "error" and bells
        burst(app, "NOPE-123\r")
        await until(pilot, lambda: "not a known article" in _feedback(app))
        burst(app, "4006381333932\r")
        await until(pilot, lambda: "check digit" in _feedback(app))
        assert screen.session.items_packed == 0


async def test_single_item_order_ships_with_one_article_scan(desk):
    app = desk.app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _signed_in(app, pilot)
        burst(app, f"{desk.tea}\r")  # TEA: order 2 is the only single-item order that wants it
        await until(pilot, lambda: screen.last_shipped is not None)
        assert screen.last_shipped.external_id == "302-0000002-0000002"
    assert (await OrderRow.get(external_id="302-0000002-0000002")).status == "shipped"


async def test_undo_new_package_and_hold(desk):
    app = desk.app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _signed_in(app, pilot)
        burst(app, "302-0000001-0000001\r")
        await until(pilot, lambda: screen.session is not None)
        burst(app, f"{desk.mug}\r")
        await until(pilot, lambda: screen.session.items_packed == 1)
        await pilot.press("f4")
        assert len(screen.session._state.packages) == 2
        await pilot.press("ctrl+z")
        await pilot.press("ctrl+z")
        assert screen.session.items_packed == 0
        await pilot.press("f7")
        await until(pilot, lambda: app.screen.__class__.__name__ == "HoldPrompt")
        await pilot.press(*"dented", "enter")
        await until(pilot, lambda: screen.session is None and "on hold" in _feedback(app))
    row = await OrderRow.get(external_id="302-0000001-0000001")
    assert (row.status, row.hold_reason) == ("on_hold", "dented")


async def test_another_desk_has_the_order(desk):
    await desk.backend.open_order("302-0000003-0000003", "bob")
    await OrderRow.filter(external_id="302-0000003-0000003").update(claimed_by="desk-2")
    app = desk.app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _signed_in(app, pilot)
        burst(app, "302-0000003-0000003\r")
        # where it is, and a supervisor's takeover offered (test_desk_takeover.py); Esc leaves it
        await until(pilot, lambda: isinstance(app.screen, PinPrompt) and app.screen.is_mounted)
        said = str(screen.query_one("#feedback").render())
        assert "302-0000003-0000003 is at desk-2 (bob is packing it, nothing scanned yet)" in said
        await pilot.press("escape")
        await until(pilot, lambda: app.screen is screen and "stays at desk-2" in _feedback(app))
        assert screen.session is None and screen.mode == "idle"
