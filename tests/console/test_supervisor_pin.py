"""A wrong supervisor PIN keeps the dialog open for the retry; the PIN is never shown or logged."""

from __future__ import annotations

import logging

from textual.screen import ModalScreen

from console.screens.packing import PackingScreen
from console.screens.sign_in import SignInScreen
from console.widgets.scan_field import ScanField
from tests.console.conftest import until
from tests.support.keys import burst


def _everything_shown(app) -> str:
    return "\n".join(str(w.render()) for w in app.screen.query("*") if hasattr(w, "render"))


async def test_a_wrong_pin_keeps_the_dialog_and_never_reaches_the_scan_field(desk, caplog):
    caplog.set_level(logging.DEBUG)
    app = desk.app()
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: isinstance(app.screen, SignInScreen))
        burst(app, "P-ANNA\r")
        await until(
            pilot,
            lambda: isinstance(app.screen, PackingScreen) and isinstance(app.focused, ScanField),
        )
        desk_screen = app.screen
        assert isinstance(desk_screen, PackingScreen)
        burst(app, "302-0000001-0000001\r")
        await until(pilot, lambda: desk_screen.session is not None)
        await pilot.press("f6")  # partial shipment: a supervisor's decision
        await until(pilot, lambda: isinstance(app.screen, ModalScreen))
        await pilot.press(*"9876", "enter")
        await until(pilot, lambda: "not a supervisor" in _everything_shown(app))
        assert isinstance(app.screen, ModalScreen), "the dialog must stay for the retry"
        assert app.supervisor is None
        assert desk_screen.query_one(ScanField).value == ""
        assert "9876" not in _everything_shown(app)
        await pilot.press(*"1234", "enter")  # the retry goes into the dialog, not the desk
        await until(pilot, lambda: app.screen is desk_screen and app.supervisor is not None)
        assert "9876" not in str(desk_screen.query_one("#feedback").render())
    assert "9876" not in caplog.text and "1234" not in caplog.text
