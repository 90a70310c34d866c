"""The scan field under bursts, paste and odd scanner settings: every code arrives, in order."""

from __future__ import annotations

from textual.app import App, ComposeResult

from console.scanning import ScanKind, decode, parse_gs1
from console.widgets.scan_field import ScanField
from tests.support.keys import burst, paste


class ScanApp(App[None]):
    def __init__(self) -> None:
        super().__init__()
        self.scanned: list[str] = []
        self.codes: list[str] = []

    def compose(self) -> ComposeResult:
        yield ScanField()

    def on_scan_field_scanned(self, message: ScanField.Scanned) -> None:
        self.scanned.append(message.scan.raw)
        self.codes.append(message.scan.code)


async def _settle(pilot, app: ScanApp, count: int) -> None:
    for _ in range(50):
        if len(app.scanned) >= count:
            break
        await pilot.pause()


async def test_two_scans_in_one_read_with_cr_lf_and_gs1():
    app = ScanApp()
    async with app.run_test(size=(80, 24)) as pilot:
        burst(app, "111\r222\n01\x1d10AB\r")
        await _settle(pilot, app, 3)
        for _ in range(5):
            await pilot.pause()
        assert app.scanned == ["111", "222", "01\x1d10AB"]


async def test_tab_suffix_does_not_move_focus():
    app = ScanApp()
    async with app.run_test(size=(80, 24)) as pilot:
        burst(app, "4006381333931\t9780201379624\t")
        await _settle(pilot, app, 2)
        assert app.codes == ["4006381333931", "9780201379624"]
        assert isinstance(app.focused, ScanField)


async def test_a_hundred_scans_in_one_read_keep_their_order():
    app = ScanApp()
    codes = [f"X00{n:07d}" for n in range(100)]
    async with app.run_test(size=(80, 24)) as pilot:
        burst(app, "".join(c + "\r" for c in codes))
        await _settle(pilot, app, 100)
        assert app.codes == codes


async def test_repeated_digits_are_not_debounced():
    app = ScanApp()
    async with app.run_test(size=(80, 24)) as pilot:
        burst(app, "1000000\r1000000\r")
        await _settle(pilot, app, 2)
        assert app.scanned == ["1000000", "1000000"]


async def test_pasted_list_becomes_one_scan_per_line():
    app = ScanApp()
    async with app.run_test(size=(80, 24)) as pilot:
        paste(app, "4006381333931\r\nX001ABCDEF\n\n302-1234567-1234567\n")
        await _settle(pilot, app, 3)
        assert app.codes == ["4006381333931", "X001ABCDEF", "302-1234567-1234567"]


async def test_us_scanner_on_german_keyboard_is_recognised():
    app = ScanApp()
    async with app.run_test(size=(80, 24)) as pilot:
        burst(app, "302ß1234567ß1234567\r")
        await _settle(pilot, app, 1)
        assert app.codes == ["302-1234567-1234567"]


def test_gs1_element_string_gives_the_gtin_of_ai_01():
    scan = decode("]C10104006381333931" + "17261231" + "10LOT7\x1d21SER9")
    assert scan.kind is ScanKind.GS1
    assert scan.code == "4006381333931"
    assert scan.elements == {"01": "04006381333931", "17": "261231", "10": "LOT7", "21": "SER9"}
    assert parse_gs1("3103000250") == {"3103": "000250"}


def test_check_digits_upc_and_fnsku():
    assert decode("4006381333932").kind is ScanKind.BAD_CHECK_DIGIT
    assert not decode("4006381333932").ok
    assert decode("036000291452").code == "0036000291452"  # UPC-A compares as GTIN-13
    assert decode("x001abcdef").kind is ScanKind.FNSKU
    assert decode("x001abcdef").code == "X001ABCDEF"
    layout = decode("SKUßZELLOW")
    assert layout.layout_fixed and layout.code == "SKU-YELLOW"
    assert decode("YELLOW-MUG").alternates == ("ZELLOW-MUG",)
