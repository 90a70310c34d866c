"""Scan → feedback, timed to the frame that shows the answer: the real desk and a minimal app.

Both apps get their keys as one terminal read (the events are parsed before the clock starts, as
the driver thread parses them beside the app) and are timed until the compositor hands the first
frame that carries the answer to the driver (`App._display`). Headless, the driver then writes
nothing; the bytes to a real terminal are the same for both apps.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import Any

from textual._xterm_parser import XTermParser
from textual.app import App, ComposeResult
from textual.widgets import Input, Static


class Frames:
    """Notices the first frame drawn once `want()` holds, and when it was drawn."""

    def __init__(self, app: App[Any]) -> None:
        self.want: Callable[[], bool] | None = None
        self.seen = asyncio.Event()
        self.at = 0.0
        draw = app._display

        def display(screen: Any, renderable: Any) -> None:
            draw(screen, renderable)
            if renderable is not None and self.want is not None and self.want():
                self.at, self.want = time.perf_counter(), None
                self.seen.set()

        app._display = display  # type: ignore[method-assign]

    async def answer(self, app: App[Any], raw: str, want: Callable[[], bool]) -> float:
        """Milliseconds from one terminal read of `raw` to the frame where `want()` holds."""
        events = list(XTermParser().feed(raw))
        self.want, self.seen = want, asyncio.Event()
        start = time.perf_counter()
        for event in events:
            app.post_message(event)
        await asyncio.wait_for(self.seen.wait(), 60)
        return (self.at - start) * 1000


class MinimalDesk(App[None]):
    """The floor: a stock Input, a dict lookup, one line of feedback."""

    def __init__(self, titles: dict[str, str], expected: int) -> None:
        super().__init__()
        self.titles, self.expected, self.packed = titles, expected, 0

    def compose(self) -> ComposeResult:
        yield Input(id="scan")
        yield Static(id="feedback")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        title = self.titles.get(event.value)
        event.input.value = ""
        if title is None:
            self.query_one("#feedback", Static).update(f"{event.value} is not known")
            return
        self.packed += 1
        self.query_one("#feedback", Static).update(f"✓ {title}: {self.packed}/{self.expected}")


def shows(widget: Static, text: str) -> Callable[[], bool]:
    return lambda: text in str(widget.render())


async def minimal_latencies(code: str, scans: int) -> list[float]:
    """`scans` scans of `code` into the minimal app, each answered before the next."""
    app = MinimalDesk({code: "Article MUG"}, scans)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        frames = Frames(app)
        feedback = app.query_one("#feedback", Static)
        return [
            await frames.answer(app, code + "\r", shows(feedback, f": {n}/{scans}"))
            for n in range(1, scans + 1)
        ]
