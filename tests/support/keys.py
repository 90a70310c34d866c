"""Feeding raw terminal bytes to an app the way the driver thread does (see console-input.md).

`pilot.press` waits for idle after every key and so hides what happens when a scanner's codes
arrive in one read. `burst` posts every parsed event back-to-back, with no await in between.
`XTermParser` is private to Textual; textual is pinned in pyproject.toml for this reason.
"""

from __future__ import annotations

from textual._xterm_parser import XTermParser
from textual.app import App


def burst(app: App, raw: str) -> None:
    """Post all events from one terminal read back-to-back, like the driver thread does."""
    for event in list(XTermParser().feed(raw)):
        app.post_message(event)


def paste(app: App, text: str) -> None:
    """A bracketed paste, as a terminal sends it."""
    burst(app, f"\x1b[200~{text}\x1b[201~")
