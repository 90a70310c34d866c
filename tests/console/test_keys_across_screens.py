"""No keystroke is lost or misplaced when the screen changes under a scanner burst.

Keys that arrive while a screen is being pushed (nothing focused yet) or right after a key that opens
a screen must reach the field that takes focus next, in order. `burst` posts a whole terminal read
at once, as the driver thread does on a busy machine, so these tests see the race `pilot.press` hides.
"""

from __future__ import annotations

from console.screens.packing import PackingScreen
from console.screens.sign_in import SignInScreen
from core.persistence.models import OrderRow
from tests.console.conftest import until
from tests.support.keys import burst

F7 = "\x1b[18~"


def _feedback(app) -> str:
    found = app.screen.query("#feedback")  # empty while the screen is still composing
    return str(found.first().render()) if found else ""


async def test_scans_in_the_same_read_as_the_badge_reach_the_packing_desk(desk):
    app = desk.app()
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: isinstance(app.screen, SignInScreen))
        burst(app, f"P-ANNA\r302-0000001-0000001\r{desk.mug}\r{desk.tea}\r{desk.mug}\r")
        await until(pilot, lambda: isinstance(app.screen, PackingScreen))
        screen = app.screen
        await until(pilot, lambda: screen.last_shipped is not None)
        assert screen.last_shipped.external_id == "302-0000001-0000001"
    assert (await OrderRow.get(external_id="302-0000001-0000001")).status == "shipped"
    assert (await OrderRow.get(external_id="302-0000003-0000003")).status == "open"


async def test_keys_typed_while_the_desk_is_being_pushed_are_kept(desk):
    app = desk.app()
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: isinstance(app.screen, SignInScreen))
        push = app.push_screen

        def push_then_scan(screen, *args, **kwargs):
            result = push(screen, *args, **kwargs)
            if isinstance(screen, PackingScreen):
                # The same moment the desk is pushed: nothing on it can have focus yet.
                burst(app, "302-0000002-0000002\r")
            return result

        app.push_screen = push_then_scan  # type: ignore[method-assign]
        burst(app, "P-ANNA\r")
        await until(pilot, lambda: isinstance(app.screen, PackingScreen))
        screen = app.screen
        await until(pilot, lambda: screen.session is not None)
        assert screen.target.external_id == "302-0000002-0000002"


async def test_a_reason_typed_right_after_f7_goes_into_the_dialog(desk):
    app = desk.app()
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: isinstance(app.screen, SignInScreen))
        burst(app, "P-ANNA\r")
        await until(pilot, lambda: isinstance(app.screen, PackingScreen))
        screen = app.screen
        burst(app, "302-0000001-0000001\r")
        await until(pilot, lambda: screen.session is not None)
        burst(app, f"{F7}dented\r")
        await until(pilot, lambda: screen.session is None and "on hold" in _feedback(app))
        assert screen.query_one("#scan").value == ""
    row = await OrderRow.get(external_id="302-0000001-0000001")
    assert (row.status, row.hold_reason) == ("on_hold", "dented")


async def test_an_article_right_after_an_unknown_order_number_claims_nothing(desk):
    """`302-…` arrived as `02-…`: the next article scan must not ship some other order."""
    app = desk.app()
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: isinstance(app.screen, SignInScreen))
        burst(app, "P-ANNA\r")
        await until(pilot, lambda: isinstance(app.screen, PackingScreen))
        screen = app.screen
        burst(app, "02-0000002-0000002\r")
        await until(pilot, lambda: "Nothing is known" in _feedback(app))
        burst(app, f"{desk.tea}\r")
        await until(pilot, lambda: "once more" in _feedback(app) and screen.mode == "idle")
        assert screen.session is None and screen.last_shipped is None
        # Scanning the article again on purpose does take the most urgent single-item order.
        burst(app, f"{desk.tea}\r")
        await until(pilot, lambda: screen.last_shipped is not None)
    assert (await OrderRow.get(external_id="302-0000002-0000002")).status == "shipped"


async def test_the_scan_field_has_focus_even_before_the_browser_tab_has(desk):
    """A browser station: the page loaded, nobody clicked; the first scan must still land."""
    app = desk.app()
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: isinstance(app.screen, SignInScreen))
        app.app_focus = False  # what textual-serve reports for a tab that has not been clicked
        app.screen.set_focus(None)
        app.screen._update_auto_focus()
        assert app.focused is not None and app.focused.id == "badge"
        burst(app, "P-ANNA\r302-0000002-0000002\r")
        await until(pilot, lambda: isinstance(app.screen, PackingScreen))
        screen = app.screen
        await until(pilot, lambda: screen.session is not None)
        assert screen.target.external_id == "302-0000002-0000002"
