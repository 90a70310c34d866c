"""The shift at a glance: packed per hour, per packer, open orders against their deadline, health."""

from __future__ import annotations

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Sparkline, Static

from console.i18n import _
from console.screens.base import SecondaryScreen
from console.widgets.desk_footer import DeskFooter
from console.widgets.plain import Plain, shown
from core.services.queries.dashboard import Dashboard

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
        yield Plain(_("Orders packed per hour today"), classes="title")
        yield Sparkline([0] * 24, id="per-hour")
        yield Plain("", id="hours", classes="muted")
        with Horizontal():
            with Vertical(id="left"):
                yield Plain(_("Per packer"), classes="title")
                yield Plain("", id="packers")
            with Vertical(id="right"):
                yield Plain(_("Open orders by deadline"), classes="title")
                yield Plain("", id="deadlines")
                yield Plain(_("Health"), classes="title")
                yield Plain("", id="health")
        yield DeskFooter()

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
            "\n".join(
                f"{shown(name, 10):<10} {_bar(n, top, 12)} {n}" for name, n in d.per_packer[:8]
            )
            or _("Nobody has packed yet today.")
        )
        self.query_one("#deadlines", Static).update(
            Text.assemble(
                (f"{_('overdue'):<9}", "red"),
                f" {_bar(d.overdue, d.open_total, 14)} {d.overdue}\n",
                (f"{_('today'):<9}", "yellow"),
                f" {_bar(d.due_today, d.open_total, 14)} {d.due_today}\n",
                f"{_('later'):<9} {_bar(d.later, d.open_total, 14)} {d.later}",
            )
        )
        parts = [f"{_HEALTH.get(h, '?')} {shown(name, 30)}" for name, h in d.accounts + d.printers]
        health = Text("  ".join(parts) or ("" if d.failed_jobs else _("nothing to report")))
        if d.failed_jobs:
            health.append(
                ("  " if parts else "") + "✗ " + _("{n} failed jobs").format(n=d.failed_jobs), "red"
            )
        self.query_one("#health", Static).update(health)
