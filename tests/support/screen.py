"""What a terminal would show: the App's screen as lines of text, as Textual composed them."""

from __future__ import annotations

from textual.app import App


def screen_lines(app: App[object]) -> list[str]:
    """Every row of the screen, as characters (the compositor's strips; private but stable)."""
    return ["".join(seg.text for seg in strip) for strip in app.screen._compositor.render_strips()]
