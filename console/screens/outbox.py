"""Sync and outbox monitor: account health and last import; jobs, with retry and discard."""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import DataTable, Select, Static

from console.i18n import _
from console.screens.base import SecondaryScreen
from console.widgets.desk_footer import DeskFooter
from console.widgets.plain import Plain, PlainTable
from core.services.desk.views import PackerInfo


def _when(value: object) -> str:
    return value.strftime("%d.%m %H:%M") if isinstance(value, datetime) else "—"


class OutboxScreen(SecondaryScreen):
    """What the sync and the outbox are doing; F5 retry, F6 discard a dead job (supervisor)."""

    CSS_PATH = "outbox.tcss"
    AUTO_FOCUS = "#jobs"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f5", "retry", _("Retry"), id="outbox.retry"),
        Binding("f6", "discard", _("Discard"), id="outbox.discard"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.status = "dead"
        self.job_ids: list[int] = []

    def compose(self) -> ComposeResult:
        yield PlainTable(id="accounts", cursor_type="none", show_cursor=False)
        yield Select[str](
            [(_(s), s) for s in ("dead", "needs_config", "pending", "running", "done", "all")],
            value="dead",
            allow_blank=False,
            id="status",
            compact=True,
            type_to_search=False,
        )
        yield Plain("", id="counts")
        yield PlainTable(id="jobs", cursor_type="row", zebra_stripes=True)
        yield Plain("", id="error")
        yield DeskFooter()

    def on_mount(self) -> None:
        accounts = self.query_one("#accounts", DataTable)
        for label, width in (
            (_("Account"), 14),
            (_("Health"), 9),
            (_("Last import"), 11),
            (_("Dead"), 4),
            (_("Note"), 30),
        ):
            accounts.add_column(label, width=width)
        jobs = self.query_one("#jobs", DataTable)
        for label, width in (
            ("#", 6),
            (_("Kind"), 24),
            (_("Status"), 8),
            (_("Tries"), 5),
            (_("Due"), 11),
        ):
            jobs.add_column(label, width=width)

    def refresh_data(self) -> None:
        self.load()

    @work(group="outbox", exclusive=True, exit_on_error=False)
    async def load(self) -> None:
        accounts = await self.backend.accounts()
        jobs = await self.backend.jobs(self.status)
        counts = await self.backend.job_counts()
        table = self.query_one("#accounts", DataTable)
        table.clear()
        for a in accounts:
            table.add_row(
                a["name"][:14],
                _(a["health"]),
                _when(a["last_import"]),
                str(a["dead_jobs"]),
                # who syncs the account (one process per account, core/sync/lease.py)
                (f"{a['synced_by']}: " if a.get("synced_by") else "") + a["reason"],
            )
        self.query_one("#counts", Static).update(
            "  ".join(f"{_(k)}: {v}" for k, v in sorted(counts.items())) or _("No jobs yet.")
        )
        jobs_table = self.query_one("#jobs", DataTable)
        cursor = jobs_table.cursor_row
        jobs_table.clear()
        self.job_ids = [j.id for j in jobs]
        self._errors = {j.id: j.last_error for j in jobs}
        for j in jobs:
            jobs_table.add_row(
                str(j.id), j.kind[:24], _(j.status), str(j.attempts), _when(j.due_at), key=str(j.id)
            )
        if jobs:
            jobs_table.move_cursor(row=min(cursor, len(jobs) - 1))

    @on(DataTable.RowHighlighted, "#jobs")
    def show_error(self, event: DataTable.RowHighlighted) -> None:
        job_id = int(event.row_key.value or 0)
        self.query_one("#error", Static).update(getattr(self, "_errors", {}).get(job_id, "")[:300])

    @on(Select.Changed, "#status")
    def status_changed(self, event: Select.Changed) -> None:
        self.status = str(event.value)
        self.load()

    def _selected(self) -> int | None:
        table = self.query_one("#jobs", DataTable)
        return (
            self.job_ids[table.cursor_row]
            if self.job_ids and table.cursor_row < len(self.job_ids)
            else None
        )

    def action_retry(self) -> None:
        job = self._selected()
        if job is not None:
            self.with_supervisor(lambda sup: self.act(job, "retry", sup))

    def action_discard(self) -> None:
        job = self._selected()
        if job is not None:
            self.with_supervisor(lambda sup: self.act(job, "discard", sup))

    @work(group="act", exit_on_error=False)
    async def act(self, job_id: int, what: str, supervisor: PackerInfo) -> None:
        if what == "retry":
            await self.backend.retry_job(job_id, supervisor.name)
            self.notify(_("Job {id} runs again now.").format(id=job_id))
        else:
            await self.backend.discard_job(job_id, supervisor.name)
            self.notify(_("Job {id} discarded.").format(id=job_id))
        self.load()
