"""At 80×24 (a desk PC's terminal, an SSH window) the footer shows every key a packer needs.

It used to end in "f10 Wei▏^p palette" on the desk and "f4 Mark▏" on the queue: F10, Undo, the
queue's F6 and F10 and every App key were cut off. The keys are read off the rendered last row.
"""

from __future__ import annotations

import re

from tests.console.fakes import ANNA
from tests.console.test_snapshots import _settle, make_app
from tests.support.screen import screen_lines

# The key captions a packer must see on each screen, left to right.
DESK = ["F3 Qty", "F4 Box+", "F5 Ship", "F6 Partial", "F7 Hold", "F8 Put back", "F10 Weight",
        "^z Undo", "F1 Keys"]  # fmt: skip
QUEUE = ["F5 Pack", "F3 Account", "F4 Market", "F6 Status", "F10 Prime", "F7 Prev", "F8 Next",
         "F1 Keys"]  # fmt: skip


def _footer(app) -> str:
    return screen_lines(app)[-1]


def _in_order(row: str, captions: list[str]) -> bool:
    pattern = r".*".join(rf"(?<!\S){re.escape(c)}(?!\S)" for c in captions)
    return re.search(pattern, row) is not None


async def test_the_desk_footer_shows_its_keys_at_80_columns():
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        app.signed_in(ANNA)
        await _settle(pilot)
        row = _footer(app)
        assert _in_order(row, DESK), f"the desk's footer at 80 columns: {row!r}"


async def test_the_queue_footer_shows_its_filters_at_80_columns():
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        app.signed_in(ANNA)
        await _settle(pilot)
        await pilot.press("f2")
        await _settle(pilot)
        row = _footer(app)
        assert _in_order(row, QUEUE), f"the queue's footer at 80 columns: {row!r}"
