"""Scan progress is stored with the claim: a crash or a dropped connection never resets the counts."""

from __future__ import annotations

from console.screens.packing import PackingScreen
from console.screens.sign_in import SignInScreen
from console.widgets.scan_field import ScanField
from core.persistence.models import OrderRow
from tests.console.conftest import until
from tests.support.keys import burst


async def _desk(app, pilot) -> PackingScreen:
    await until(pilot, lambda: isinstance(app.screen, SignInScreen))
    burst(app, "P-ANNA\r")
    await until(
        pilot,
        lambda: isinstance(app.screen, PackingScreen) and isinstance(app.focused, ScanField),
    )
    return app.screen


async def test_counts_and_boxes_come_back_after_the_console_died(desk):
    order_id = desk.orders["302-0000001-0000001"]
    first = desk.app()
    async with first.run_test(size=(80, 24)) as pilot:
        screen = await _desk(first, pilot)
        burst(first, f"302-0000001-0000001\r{desk.mug}\r")
        await until(pilot, lambda: screen.session is not None and screen.session.items_packed == 1)
        await pilot.press("f4")  # a second box
        burst(first, f"{desk.tea}\r")
        await until(pilot, lambda: screen.session.items_packed == 2)
        packed = screen.session.progress()

        async def stored() -> object:
            return (await OrderRow.get(id=order_id)).pack_progress

        tries = 0  # wait (bounded) until the second box is stored
        while tries < 1000 and not (
            (s := await stored()) and len(s["packages"]) == 2 and s["packages"][1]
        ):
            await pilot.pause(0.01)
            tries += 1
    # The process ends here without putting the order back: a crash, a dropped SSH link.
    assert (await OrderRow.get(id=order_id)).status == "packing"
    second = desk.app()
    async with second.run_test(size=(80, 24)) as pilot:
        screen = await _desk(second, pilot)
        await until(pilot, lambda: screen.session is not None)
        assert screen.session.items_packed == 2
        assert screen.session.progress() == packed
        assert "already scanned" in str(screen.query_one("#feedback").render())
        burst(second, f"{desk.mug}\r")  # the last mug completes the order
        await until(pilot, lambda: screen.last_shipped is not None)
    row = await OrderRow.get(id=order_id)
    assert row.status == "shipped" and row.pack_progress is None
