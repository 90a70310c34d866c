"""Scan progress is stored with the claim: a crash or a dropped connection never resets the counts."""

from __future__ import annotations

from console.screens.packing import PackingScreen
from console.screens.sign_in import SignInScreen
from console.widgets.scan_field import ScanField
from core.persistence.models import AuditEventRow, OrderRow, PackageRow, PackerRow
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


async def _sign_out_and_in_as_ben(app, pilot) -> PackingScreen:
    await pilot.press("f12")  # anna signs out with the order half packed
    await until(pilot, lambda: isinstance(app.screen, SignInScreen))
    burst(app, "P-BEN\r")
    await until(
        pilot,
        lambda: isinstance(app.screen, PackingScreen) and app.screen.session is not None,
    )
    return app.screen


async def test_a_packer_switch_keeps_the_order_with_its_counts(desk):
    """Issue 11: anna packs 2 of 3, signs out, ben signs in at the same desk: 2/3, not 0/3."""
    await PackerRow.create(name="ben", badge="P-BEN", role="packer")
    order_id = desk.orders["302-0000001-0000001"]
    app = desk.app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _desk(app, pilot)
        burst(app, f"302-0000001-0000001\r{desk.mug}\r{desk.mug}\r")
        await until(pilot, lambda: screen.session is not None and screen.session.items_packed == 2)
        packed = screen.session.progress()
        screen = await _sign_out_and_in_as_ben(app, pilot)
        # kept on the desk while nobody was signed in: claimed by desk-1, not back in the queue
        row = await OrderRow.get(id=order_id)
        assert (row.status, row.claimed_by) == ("packing", "desk-1")
        assert (screen.session.items_packed, screen.session.items_expected) == (2, 3)
        assert screen.session.progress() == packed
        assert "2/3" in str(screen.query_one("#order-title").render())
        said = str(screen.query_one("#feedback").render())
        assert "Resumed 302-0000001-0000001 (anna had packed 2 of 3)" in said
        burst(app, f"{desk.tea}\r")  # ben's one scan completes the order
        await until(pilot, lambda: screen.last_shipped is not None)
    row = await OrderRow.get(id=order_id)
    assert (row.status, row.pack_progress) == ("shipped", None)
    kept = await AuditEventRow.filter(subject=f"order:{order_id}", action="order.resumed").first()
    assert kept is not None and kept.actor == "ben"
    assert kept.detail["from_packer"] == "anna" and kept.detail["items_packed"] == 2


async def test_a_weight_typed_at_the_desk_survives_the_packer_switch(desk):
    """F10's weight is stored with the progress: ben ships anna's box with what the scale said."""
    await PackerRow.create(name="ben", badge="P-BEN", role="packer")
    order_id = desk.orders["302-0000001-0000001"]
    app = desk.app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _desk(app, pilot)
        burst(app, f"302-0000001-0000001\r{desk.mug}\r{desk.mug}\r")
        await until(pilot, lambda: screen.session is not None and screen.session.items_packed == 2)
        await until(pilot, lambda: screen.parcels is not None)
        burst(app, "850")
        await until(pilot, lambda: screen.query_one("#scan", ScanField).value == "850")
        await pilot.press("f10")
        await until(pilot, lambda: "850 g (weighed)" in str(screen.query_one("#parcels").render()))
        screen = await _sign_out_and_in_as_ben(app, pilot)
        await until(pilot, lambda: screen.parcels is not None)
        assert screen.parcels.weighed == {0: 850}
        assert "Box 1: 850 g (weighed)" in str(screen.query_one("#parcels").render())
        burst(app, f"{desk.tea}\r")
        await until(pilot, lambda: screen.last_shipped is not None)
    weights = await PackageRow.filter(shipment__order_id=order_id).values_list(
        "weight_g", flat=True
    )
    assert weights == [850]


async def test_put_back_still_gives_the_order_back_and_forgets_it(desk):
    """Only F8 (or a supervisor) releases the order; the next claim starts at 0."""
    order_id = desk.orders["302-0000001-0000001"]
    app = desk.app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _desk(app, pilot)
        burst(app, f"302-0000001-0000001\r{desk.mug}\r")
        await until(pilot, lambda: screen.session is not None and screen.session.items_packed == 1)
        await pilot.press("f8")
        await until(pilot, lambda: screen.session is None)
        await until(
            pilot, lambda: "back in the queue" in str(screen.query_one("#feedback").render())
        )
    row = await OrderRow.get(id=order_id)
    assert (row.status, row.claimed_by, row.pack_progress) == ("open", "", None)
