"""A wrong supervisor PIN keeps the dialog open for the retry; the PIN is never shown or logged."""

from __future__ import annotations

import logging

from textual.screen import ModalScreen

from console.screens.packing import PackingScreen
from console.screens.sign_in import SignInScreen
from console.widgets.scan_field import ScanField
from core.persistence.models import PinAttemptRow
from tests.console.conftest import until
from tests.support.keys import burst
from tests.support.logs import names_number


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
    assert not names_number(caplog.text, "9876", "1234")  # a run under load logged …18.987639


async def test_a_scan_into_the_pin_dialog_is_no_pin_try_and_is_never_shown(desk, caplog):
    """A scanner burst (the keys of one read, ending in Enter) into the PIN field is a scan: it
    books no wrong try (five lock the prompt, core/services/pins.py), and is said to be a scan."""
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
        burst(app, "302-0000001-0000001\r")
        await until(pilot, lambda: desk_screen.session is not None)
        await pilot.press("f6")
        await until(pilot, lambda: isinstance(app.screen, ModalScreen) and app.screen.is_mounted)
        dialog = app.screen
        for _ in range(6):  # more than the lockout's five tries
            burst(app, f"{desk.mug}\r")
            await until(pilot, lambda: "That was a scan, not a PIN" in _everything_shown(app))
            assert app.screen is dialog and app.supervisor is None
            assert desk.mug not in _everything_shown(app)
            dialog.query_one("#pin-error").update("")
        assert not await PinAttemptRow.filter(failures__gt=0).exists()
        assert desk_screen.session.items_packed == 0  # nor was it packed behind the dialog
        assert desk_screen.query_one(ScanField).value == ""
        await pilot.press(*"1234", "enter")  # the supervisor's PIN, typed, still counts
        await until(pilot, lambda: app.screen is not dialog and app.supervisor is not None)
    assert desk.mug not in caplog.text and not names_number(caplog.text, "1234")
