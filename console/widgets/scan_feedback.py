"""The answer to the last scan: one or two lines, coloured by what happened."""

from __future__ import annotations

from textual.reactive import var

from console.widgets.plain import Plain, shown

STATES = ("ok", "error", "warn", "info", "done")


class ScanFeedback(Plain):
    """Green for a good scan, red (and the bell) for a wrong one, yellow for a hint."""

    DEFAULT_CSS = """
    ScanFeedback { height: 3; padding: 0 1; content-align: left middle; text-style: bold; }
    ScanFeedback.-ok { background: $success 40%; }
    ScanFeedback.-done { background: $success; color: $text; }
    ScanFeedback.-error { background: $error; color: $text; }
    ScanFeedback.-warn { background: $warning 60%; }
    ScanFeedback.-info { background: $primary 30%; }
    """

    state: var[str] = var("info")

    def watch_state(self, old: str, new: str) -> None:
        self.remove_class(f"-{old}")
        self.add_class(f"-{new}")

    def say(self, text: str, state: str = "info") -> None:
        """Show `text` in the colour of `state` (one of STATES)."""
        self.state = state if state in STATES else "info"
        # Its height is fixed (three lines), so new text never moves anything else on the screen:
        # no layout pass after every scan.
        self.update("\n".join(shown(line, 300) for line in text.split("\n")), layout=False)

    @property
    def text(self) -> str:
        return str(self.render())
