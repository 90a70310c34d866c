"""The shift at a glance: packed per hour, per packer, open orders against their deadline, health."""

from __future__ import annotations

from textual import work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Footer, Sparkline, Static

from console.i18n import _
from console.readmodels import Dashboard
from console.screens.base import SecondaryScreen

_HEALTH = {
    "ok": "●",
    "online": "●",
    "throttled": "◐",
    "failing": "✗",
    "offline": "✗",
    "paper_out": "✗",
}


def _bar(n: int, total: int, width: int = 24) -> str:
    filled = round(width * n / total) if total else 0
    return "█" * filled + "░" * (width - filled)


class DashboardScreen(SecondaryScreen):
    """What people would rather look at than read."""

    CSS_PATH = "dashboard.tcss"

    def compose(self) -> ComposeResult:
        yield Static(_("Orders packed per hour today"), classes="title")
        yield Sparkline([0] * 24, id="per-hour")
        yield Static("", id="hours", classes="muted")
        with Horizontal():
            with Vertical(id="left"):
                yield Static(_("Per packer"), classes="title")
                yield Static("", id="packers")
            with Vertical(id="right"):
                yield Static(_("Open orders by deadline"), classes="title")
                yield Static("", id="deadlines")
                yield Static(_("Health"), classes="title")
                yield Static("", id="health")
        yield Footer()

    def refresh_data(self) -> None:
        self.load()

    @work(group="dashboard", exclusive=True, exit_on_error=False)
    async def load(self) -> None:
        self.show(await self.backend.dashboard())

    def show(self, d: Dashboard) -> None:
        self.query_one("#per-hour", Sparkline).data = d.packed_per_hour
        self.query_one("#hours", Static).update(
            "0h"
            + " " * 20
            + "12h"
            + " " * 19
            + "23h   "
            + _("total {n}").format(n=sum(d.packed_per_hour))
        )
        top = max((n for _n, n in d.per_packer), default=0)
        self.query_one("#packers", Static).update(
            "\n".join(f"{name[:10]:<10} {_bar(n, top, 12)} {n}" for name, n in d.per_packer[:8])
            or _("Nobody has packed yet today.")
        )
        self.query_one("#deadlines", Static).update(
            "\n".join(
                [
                    f"[red]{_('overdue'):<9}[/red] {_bar(d.overdue, d.open_total, 14)} {d.overdue}",
                    f"[yellow]{_('today'):<9}[/yellow] {_bar(d.due_today, d.open_total, 14)} {d.due_today}",
                    f"{_('later'):<9} {_bar(d.later, d.open_total, 14)} {d.later}",
                ]
            )
        )
        parts = [f"{_HEALTH.get(h, '?')} {name}" for name, h in d.accounts + d.printers]
        if d.dead_jobs:
            parts.append(f"[red]✗ {_('{n} failed jobs').format(n=d.dead_jobs)}[/red]")
        self.query_one("#health", Static).update("  ".join(parts) or _("nothing to report"))
