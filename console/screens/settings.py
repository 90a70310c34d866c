"""Settings (supervisors): what this desk and the installation use. Read-only here on purpose.

Number ranges and printer routes change what documents say and where they go; editing them from a
desk while others pack would be unsafe, so they are shown, and changed in the config file.
"""

from __future__ import annotations

from rich.table import Table
from textual import work
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static

from console.i18n import _
from console.screens.base import SecondaryScreen
from console.widgets.desk_footer import DeskFooter
from console.widgets.plain import Plain, plain


class SettingsScreen(SecondaryScreen):
    """Stations, printers, profiles, number ranges."""

    CSS_PATH = "settings.tcss"

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            yield Plain(_("Loading …"), id="station")
            yield Plain("", id="profiles")
            yield Plain("", id="ranges")
            yield Plain(
                _("Change these in the config file (packdesk config show)."), classes="muted"
            )
        yield DeskFooter()

    def refresh_data(self) -> None:
        self.load()

    @work(group="settings", exclusive=True, exit_on_error=False)
    async def load(self) -> None:
        view = await self.backend.settings_view()
        routes = ", ".join(f"{k}→{v}" for k, v in view["routes"].items()) or _("none")
        printers = ", ".join(f"{k} ({v})" for k, v in view["printers"].items()) or _("none")
        self.query_one("#station", Static).update(
            "\n".join(
                [
                    _("Station: {s}  ·  language: {l}").format(
                        s=view["station"], l=view["language"]
                    ),
                    _("Printers: {p}").format(p=printers),
                    _("Routes: {r}").format(r=routes),
                    _("Sync in this console: {v}").format(
                        v=_("yes") if view["sync_in_console"] else _("no")
                    ),
                ]
            )
        )
        profiles = Table(title=_("Fulfilment profiles"), expand=True, box=None)
        for column in (_("Name"), _("Process"), _("Channel"), _("Carrier")):
            profiles.add_column(column)
        for row in view["profiles"]:
            profiles.add_row(*(plain(c) for c in row))
        self.query_one("#profiles", Static).update(profiles)
        ranges = Table(title=_("Number ranges"), expand=True, box=None)
        for column in (_("Company"), _("Range"), _("Pattern"), _("Next")):
            ranges.add_column(column)
        for company, name, pattern, seq in view["ranges"]:
            ranges.add_row(plain(company), plain(name), plain(pattern), str(seq))
        self.query_one("#ranges", Static).update(ranges)
