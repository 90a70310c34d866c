"""The command palette (ctrl+p): every screen and desk action by name, for keyboard or mouse."""

from __future__ import annotations

from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider

from console.i18n import _
from console.messages import OpenScreen


def _commands() -> list[tuple[str, str, str]]:
    return [
        (_("Packing"), "packing", _("Back to the packing desk")),
        (_("Queue"), "queue", _("Open orders, most urgent first (F2)")),
        (_("Holds"), "holds", _("Orders on hold; a supervisor releases them")),
        (_("Sync and outbox"), "outbox", _("Account health, failed jobs: retry or discard")),
        (_("Rejected listings"), "rejections", _("What Amazon refused, per SKU, and why")),
        (_("Articles and stock"), "articles", _("Search, adjust stock, assign barcodes")),
        (_("Print queue"), "printers", _("Printers and their jobs; reprint")),
        (_("Settings"), "settings", _("Stations, printers, profiles, number ranges (supervisor)")),
        (_("Shift dashboard"), "dashboard", _("Packed per hour, per packer, deadlines (F9)")),
    ]


class StationCommands(Provider):
    """Screens of the console."""

    def _run(self, name: str) -> None:
        self.app.post_message(OpenScreen(name))

    async def discover(self) -> Hits:
        for title, name, help_text in _commands():
            yield DiscoveryHit(title, partial(self._run, name), help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for title, name, help_text in _commands():
            score = matcher.match(title)
            if score > 0:
                yield Hit(score, matcher.highlight(title), partial(self._run, name), help=help_text)
