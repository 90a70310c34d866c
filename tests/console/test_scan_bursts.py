"""Absurd key runs are folded as they are posted (console/bursts.py): the desk answers them at
once, and no key meant for a field, nor the next scan, is lost or reordered."""

from __future__ import annotations

from textual import events
from textual.app import App, ComposeResult
from textual.widgets import Input

from console.app import PackdeskApp
from console.bursts import FOLD_AFTER, FoldedKeys, KeyRuns
from console.screens.packing import PackingScreen
from console.screens.pin_prompt import PinPrompt
from console.widgets.scan_field import ScanField
from core.domain.desk import MAX_SCAN_LENGTH
from tests.console.conftest import until
from tests.support.keys import burst


def counting_keys(app: PackdeskApp) -> list[events.Key]:
    """The keys the App takes off its queue and routes one by one, from now on."""
    routed: list[events.Key] = []
    route = app.on_event

    async def on_event(event: events.Event) -> None:
        if isinstance(event, events.Key) and not event.is_forwarded:
            routed.append(event)
        await route(event)

    app.on_event = on_event  # type: ignore[method-assign]
    return routed


def _feedback(app: PackdeskApp) -> str:
    found = app.screen.query("#feedback")
    return str(found.first().render()) if found else ""


async def _at_desk(app: PackdeskApp, pilot) -> PackingScreen:
    burst(app, "P-ANNA\r")
    await until(pilot, lambda: isinstance(app.screen, PackingScreen))
    await until(pilot, lambda: isinstance(app.focused, ScanField))
    assert isinstance(app.screen, PackingScreen)
    return app.screen


async def test_a_20000_character_scan_is_not_routed_key_by_key(desk):
    # Each key the App routes costs tens of microseconds: routed one by one, 20,000 keys kept the
    # desk from answering for 0.4 s (2 s under load). Past the longest barcode they are one fold.
    app = desk.app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _at_desk(app, pilot)
        routed = counting_keys(app)
        burst(app, "7" * 20_000 + "\r" + "302-0000002-0000002\r")
        await until(pilot, lambda: screen.session is not None, 60)
        assert len(routed) <= FOLD_AFTER + len("\r302-0000002-0000002\r"), len(routed)
        assert screen.target is not None and screen.target.external_id == "302-0000002-0000002"
        assert screen.query_one(ScanField).value == ""


async def test_a_long_code_and_the_next_arrive_whole_and_in_order(desk):
    # Past FOLD_AFTER keys a scan's keys go straight to the field: every one of them, in order.
    app = desk.app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _at_desk(app, pilot)
        scans: dict[int, str] = {}  # a scan that waited while an order opened is handled again
        real_handle = screen.handle

        def handle(scan) -> None:  # type: ignore[no-untyped-def]
            scans.setdefault(id(scan), scan.raw)
            real_handle(scan)

        screen.handle = handle  # type: ignore[method-assign]
        long_code = "".join(chr(ord("A") + i % 26) for i in range(FOLD_AFTER * 3 + 5))
        burst(app, long_code + "\r" + long_code[: FOLD_AFTER + 1] + "\r" + desk.mug + "\r")
        await until(pilot, lambda: screen.session is not None)  # the mug opened its order
        assert list(scans.values()) == [long_code, long_code[: FOLD_AFTER + 1], desk.mug]


async def test_the_answer_names_every_character_of_a_folded_scan(desk):
    app = desk.app()
    async with app.run_test(size=(80, 24)) as pilot:
        await _at_desk(app, pilot)
        burst(app, "7" * 20_000 + "\r")
        await until(pilot, lambda: "no barcode is that long" in _feedback(app), 60)
        assert "20,000 characters" in _feedback(app)
        burst(app, "7" * (MAX_SCAN_LENGTH + 1) + "\r")  # a new fold after the first was routed
        await until(pilot, lambda: f"{MAX_SCAN_LENGTH + 1:,} characters" in _feedback(app))


async def test_a_long_scan_right_after_the_badge_is_kept_and_answered_whole(desk):
    # The keys after the badge are kept while the desk opens (console/keys.py), folded or not.
    app = desk.app()
    async with app.run_test(size=(80, 24)) as pilot:
        burst(app, "P-ANNA\r" + "7" * 300 + "\r")
        await until(pilot, lambda: "300 characters" in _feedback(app), 30)
        assert app.keys.kept == ""


async def test_a_long_run_into_a_plain_field_keeps_every_key(desk):
    # Only a scan field counts instead of typing; any other field gets every folded key.
    app = desk.app()
    async with app.run_test(size=(80, 24)) as pilot:
        await _at_desk(app, pilot)
        app.action_open("settings")  # a supervisor screen: the PIN dialog opens first
        await until(pilot, lambda: isinstance(app.screen, PinPrompt))
        await until(pilot, lambda: isinstance(app.focused, Input))
        burst(app, "9" * (MAX_SCAN_LENGTH + 50))
        answer = app.screen.query_one("#answer", Input)
        await until(pilot, lambda: len(answer.value) == MAX_SCAN_LENGTH + 50)


def _keys(text: str) -> list[events.Key]:
    return [events.Key(c, c) for c in text]


def test_keys_past_the_limit_in_a_row_become_one_fold():
    runs = KeyRuns(limit=3)
    posted = [runs.fold(k) for k in _keys("abcdef")]
    assert [type(p) for p in posted[:4]] == [events.Key] * 3 + [FoldedKeys]
    assert posted[4:] == [None, None]
    fold = posted[3]
    assert isinstance(fold, FoldedKeys) and "".join(k.key for k in fold.keys) == "def"


def test_a_key_that_is_not_text_ends_the_run_and_a_taken_fold_is_never_extended():
    runs = KeyRuns(limit=2)
    for key in _keys("abc"):
        runs.fold(key)
    enter = events.Key("enter", "\r")
    assert runs.fold(enter) is enter
    assert all(isinstance(runs.fold(k), events.Key) for k in _keys("xy"))
    fold = runs.fold(events.Key("z", "z"))
    assert isinstance(fold, FoldedKeys)
    fold.taken = True  # the App is routing it: what comes now must not join it unseen
    later = runs.fold(events.Key("q", "q"))
    assert isinstance(later, FoldedKeys) and later is not fold


class FieldApp(App[None]):
    """One scan field, and what it said."""

    def __init__(self) -> None:
        super().__init__()
        self.scanned: list[str] = []
        self.edits = 0

    def compose(self) -> ComposeResult:
        yield ScanField()

    def on_input_changed(self, message: Input.Changed) -> None:
        self.edits += 1

    def on_scan_field_scanned(self, message: ScanField.Scanned) -> None:
        self.scanned.append(message.scan.raw)


async def test_a_scans_keys_are_typed_as_one_edit():
    # Input moves the cursor, scrolls and redraws for every character it inserts: per scan, most
    # of the desk's time. Keys already waiting for the field go in as one insertion.
    app = FieldApp()
    async with app.run_test(size=(80, 24)) as pilot:
        burst(app, "4006381333931\r")
        for _ in range(20):
            if app.scanned:
                break
            await pilot.pause()
        assert app.scanned == ["4006381333931"]
        assert app.edits <= 2, app.edits  # the code typed, the field cleared


async def test_keys_that_are_not_text_see_every_character_before_them():
    # The GS1 separator is inserted by the field itself, between the typed runs around it.
    app = FieldApp()
    async with app.run_test(size=(80, 24)) as pilot:
        burst(app, "0104006381333931\x1d10AB\r" + "X\x1dY\r")
        for _ in range(20):
            if len(app.scanned) == 2:
                break
            await pilot.pause()
        assert app.scanned == ["0104006381333931\x1d10AB", "X\x1dY"]


async def test_keys_typed_one_by_one_show_as_they_come():
    app = FieldApp()
    async with app.run_test(size=(80, 24)) as pilot:
        field = app.query_one(ScanField)
        for typed in ("4", "40", "400"):
            await pilot.press(typed[-1])
            assert field.value == typed


async def test_a_code_longer_than_the_columns_is_answered_as_unknown(desk):
    # 77 characters fit a scan (MAX_SCAN_LENGTH) but no order id, document number or badge:
    # the lookup raised, and the packer read "Something went wrong".
    app = desk.app()
    async with app.run_test(size=(80, 24)) as pilot:
        await _at_desk(app, pilot)
        code = "".join(chr(ord("A") + i % 26) for i in range(77))
        burst(app, code + "\r")
        await until(pilot, lambda: "Nothing is known as" in _feedback(app))
        assert code[:30] in _feedback(app)
