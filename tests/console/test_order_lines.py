"""The order lines at the desk follow every scan and every undo, row by row."""

from __future__ import annotations

from textual.geometry import Region

from console.screens.packing import PackingScreen
from console.widgets.order_lines import OrderLines
from tests.console.conftest import until
from tests.support.keys import burst


def _rows(table: OrderLines) -> list[str]:
    """The table's lines as drawn now (header first)."""
    strips = table.render_lines(Region(0, 0, table.size.width, table.size.height))
    return [strip.text for strip in strips if strip.text.strip()]


async def test_each_scan_and_undo_redraws_the_count_of_its_line(desk):
    app = desk.app()
    async with app.run_test(size=(80, 24)) as pilot:
        burst(app, "P-ANNA\r")
        await until(pilot, lambda: isinstance(app.screen, PackingScreen))
        screen = app.screen
        assert isinstance(screen, PackingScreen)
        burst(app, "302-0000001-0000001\r")  # MUG ×2, TEA ×1
        await until(pilot, lambda: screen.session is not None)
        table = screen.query_one(OrderLines)
        await until(pilot, lambda: any("0/2" in r and "MUG" in r for r in _rows(table)))
        burst(app, desk.mug + "\r")
        await until(pilot, lambda: any("1/2" in r and "MUG" in r for r in _rows(table)))
        assert any("0/1" in r and "TEA" in r for r in _rows(table))
        mug = next(line.line_id for line in screen.session.lines.values() if line.sku == "MUG")
        assert table.cursor_row == table.get_row_index(str(mug))  # the row of the last scan
        await pilot.press("ctrl+z")
        await until(pilot, lambda: any("0/2" in r and "MUG" in r for r in _rows(table)))
        burst(app, desk.tea + "\r")
        await until(pilot, lambda: any("1/1" in r and "TEA" in r for r in _rows(table)))
        assert any("0/2" in r and "MUG" in r for r in _rows(table))
