"""The footer every station screen shows: compact, so a desk's keys fit 80 columns.

At 80 columns Textual's roomy footer cut the desk after "F10 Wei" and the queue after "F4 Mark".
Compact spacing and no "^p palette" caption win the room back; ctrl+p still opens the palette and
F1 lists every key, including those a screen hides from the footer.
"""

from __future__ import annotations

from textual.widgets import Footer


class DeskFooter(Footer):
    """Footer(compact=True, show_command_palette=False), the one every screen yields."""

    def __init__(self) -> None:
        super().__init__(compact=True, show_command_palette=False)
