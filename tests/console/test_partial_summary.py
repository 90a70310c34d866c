"""Before a partial shipment the desk shows what ships now and what stays; only F5 ships it
(real App, real scan field, real backend on SQLite and PostgreSQL)."""

from __future__ import annotations

from console.screens.partial_prompt import PartialPrompt
from console.screens.pin_prompt import PinPrompt
from core.persistence.models import OrderLineRow, OrderRow, PackageLineRow, ShipmentRow
from tests.console.conftest import until
from tests.console.test_packing_flow import _feedback, _signed_in
from tests.support.keys import burst

THREE = "302-0000001-0000001"  # 2 MUG + 1 TEA


def _summary(app) -> str:
    screen = app.screen
    if not isinstance(screen, PartialPrompt) or not screen.query("#summary"):
        return ""
    return str(screen.query_one("#summary").render())


async def test_partial_shipment_shows_what_ships_and_what_stays_before_it_ships(desk):
    app = desk.app()
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await _signed_in(app, pilot)
        burst(app, f"{THREE}\r{desk.mug}\r{desk.mug}\r")
        await until(pilot, lambda: screen.session is not None and screen.session.items_packed == 2)
        await pilot.press("f6")
        await until(pilot, lambda: isinstance(app.screen, PinPrompt))
        await pilot.press(*"1234", "enter")
        await until(pilot, lambda: "Stays for a later shipment" in _summary(app))
        text = _summary(app)
        ships, stays = text.split("Stays for a later shipment")
        assert "2× MUG" in ships and "TEA" not in ships
        assert "(1 item(s))" in stays and "1× TEA" in stays
        await pilot.press("enter")  # a scanner's Enter does not confirm
        assert isinstance(app.screen, PartialPrompt)
        await pilot.press("escape")
        await until(pilot, lambda: app.screen is screen and "Nothing shipped" in _feedback(app))
        assert not await ShipmentRow.all().exists()
        await pilot.press("f6")  # the supervisor is known now: straight to the summary
        await until(pilot, lambda: "Stays for a later shipment" in _summary(app))
        await pilot.press("f5")
        await until(pilot, lambda: screen.last_shipped is not None)
        assert screen.last_shipped.status == "partially_shipped"
    order = await OrderRow.get(external_id=THREE)
    assert order.status == "partially_shipped"
    shipped = {
        (await OrderLineRow.get(id=pl.order_line_id)).sku: pl.quantity
        for pl in await PackageLineRow.filter(package__shipment__order_id=order.id)
    }
    assert shipped == {"MUG": 2}
