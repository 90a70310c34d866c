"""Screens ask the App by message (console/messages.py); the PIN dialog is the asking screen's own.

Each flow runs through the real App on the fake backend with a message hook, and checks both what
the packer sees and that the screen posted the message instead of calling the App.
"""

from __future__ import annotations

import pytest
from textual.message import Message

from console.app import PackdeskApp
from console.messages import ScanForDesk, ShowOrder, SupervisorEntered
from console.screens.holds import HoldsScreen
from console.screens.order_detail import OrderDetailScreen
from console.screens.packing import PackingScreen
from console.screens.partial_prompt import PartialPrompt
from console.screens.pin_prompt import PinPrompt
from console.screens.queue import QueueScreen
from console.widgets.scan_field import ScanField
from tests.console.conftest import until
from tests.console.fakes import ANNA, FakeBackend
from tests.support.keys import burst

ORDER = "302-0000001-0000001"  # the fake's order: 2 MUG + 1 TEA
MUG, TEA = "4000000000013", "4000000000020"
F5, F6 = "\x1b[15~", "\x1b[17~"


def make_app(backend: FakeBackend | None = None) -> PackdeskApp:
    return PackdeskApp(backend or FakeBackend(), poll_interval=None, cursor_blink=False)  # type: ignore[arg-type]


def posted(seen: list[Message], kind: type[Message]) -> list[Message]:
    return [m for m in seen if isinstance(m, kind)]


async def _desk(app: PackdeskApp, pilot) -> PackingScreen:
    app.signed_in(ANNA)
    await until(pilot, lambda: isinstance(app.screen, PackingScreen) and app.focused is not None)
    assert isinstance(app.screen, PackingScreen)
    return app.screen


async def test_an_order_scanned_in_the_queue_goes_to_the_desk_with_the_scans_after_it():
    seen: list[Message] = []
    app = make_app()
    async with app.run_test(size=(80, 24), message_hook=seen.append) as pilot:
        desk = await _desk(app, pilot)
        app.action_open("queue")
        await until(pilot, lambda: isinstance(app.screen, QueueScreen) and app.focused is not None)
        queue = app.screen
        # One terminal read: the order, then two items meant for the desk, not for the search.
        burst(app, f"{ORDER}\r{MUG}\r{TEA}\r")
        await until(
            pilot,
            lambda: (
                app.screen is desk and desk.session is not None and desk.session.items_packed == 2
            ),
        )
        assert [m.scan.code for m in posted(seen, ScanForDesk)][:1] == [ORDER]
        assert queue.filters.search == ""  # the items were never searched for
        assert desk.query_one("#scan", ScanField).value == ""
        assert app.keys.kept == ""
        # The queue still searches what is not an order, and keeps the keys after it for itself.
        app.action_open("queue")
        await until(pilot, lambda: isinstance(app.screen, QueueScreen) and app.focused is not None)
        queue = app.screen
        burst(app, "mug\rte")
        await until(pilot, lambda: queue.filters.search == "mug")
        await until(pilot, lambda: queue.query_one("#search", ScanField).value == "te")
        assert len(posted(seen, ScanForDesk)) == 1


async def test_ctrl_o_at_the_desk_asks_the_app_for_the_order_detail():
    seen: list[Message] = []
    app = make_app()
    async with app.run_test(size=(80, 24), message_hook=seen.append) as pilot:
        desk = await _desk(app, pilot)
        burst(app, f"{ORDER}\r")
        await until(pilot, lambda: desk.session is not None)
        await pilot.press("ctrl+o")
        await until(pilot, lambda: isinstance(app.screen, OrderDetailScreen))
        assert [m.order_id for m in posted(seen, ShowOrder)][:1] == [1]


class Releasing(FakeBackend):
    def __init__(self) -> None:
        super().__init__()
        self.released: list[tuple[int, str]] = []

    async def release_hold(self, order_id: int, supervisor: str) -> None:
        self.released.append((order_id, supervisor))


async def test_a_screen_asks_for_the_pin_itself_and_tells_the_app_who_entered_it():
    seen: list[Message] = []
    backend = Releasing()
    app = make_app(backend)
    async with app.run_test(size=(80, 24), message_hook=seen.append) as pilot:
        await _desk(app, pilot)
        app.action_open("holds")
        await until(pilot, lambda: isinstance(app.screen, HoldsScreen))
        holds = app.screen
        await app.workers.wait_for_complete()
        await pilot.press("f5")
        await until(pilot, lambda: isinstance(app.screen, PinPrompt))
        await pilot.press(*"1234", "enter")
        await until(pilot, lambda: app.screen is holds and app.supervisor is not None)
        assert [m.supervisor.name for m in posted(seen, SupervisorEntered)][:1] == ["sam"]
        await until(pilot, lambda: backend.released == [(7, "sam")])
        # Known for the rest of this sign-in: the next release asks no PIN.
        await pilot.press("f5")
        assert app.screen is holds
        await until(pilot, lambda: backend.released == [(7, "sam"), (7, "sam")])
        # Signing out forgets the supervisor; a PIN confirmed by nobody signed in counts for nobody.
        app.action_sign_out()
        assert app.supervisor is None
        app.post_message(SupervisorEntered(app.packer or ANNA))
        await pilot.pause()
        assert app.supervisor is None


async def test_a_pin_typed_in_the_same_read_as_f6_goes_into_the_dialog():
    """F6 opens the PIN dialog from the desk itself; what follows in the same read is the PIN."""
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        desk = await _desk(app, pilot)
        burst(app, f"{ORDER}\r{MUG}\r")
        await until(pilot, lambda: desk.session is not None and desk.session.items_packed == 1)
        burst(app, f"{F6}1234\r")
        await until(pilot, lambda: isinstance(app.screen, PartialPrompt))
        await until(pilot, lambda: app.supervisor is not None)  # the desk's message reached it
        assert app.supervisor is not None and app.supervisor.name == "sam"
        assert desk.query_one("#scan", ScanField).value == ""
        assert "1234" not in str(desk.query_one("#feedback").render())


@pytest.mark.parametrize("scan", [ORDER, "mug"])
async def test_keys_held_after_a_search_never_outlive_the_queue(scan):
    """Enter in the queue's search holds the keys after it until the queue answers; a sign-out in
    the same read ends the queue first, and the next badge must still reach the sign-in field."""
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await _desk(app, pilot)
        app.action_open("queue")
        await until(pilot, lambda: isinstance(app.screen, QueueScreen) and app.focused is not None)
        burst(app, f"{scan}\r\x1b[24~")  # F12 before the queue answered the scan
        await until(pilot, lambda: app.packer is None and app.focused is not None)
        burst(app, "P-ANNA\r")
        await until(pilot, lambda: isinstance(app.screen, PackingScreen) and app.packer is not None)
        assert app.keys.kept == ""
