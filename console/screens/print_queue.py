"""Print queue: each printer's state and this desk's jobs; reprint the highlighted one."""

from __future__ import annotations

from typing import ClassVar

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import DataTable

from console.i18n import _
from console.screens.base import SecondaryScreen
from console.widgets.desk_footer import DeskFooter
from console.widgets.plain import PlainTable


class PrintQueueScreen(SecondaryScreen):
    """F5 reprints the highlighted job (as a marked copy)."""

    CSS_PATH = "print_queue.tcss"
    AUTO_FOCUS = "#jobs"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f5", "reprint", _("Reprint"), id="printers.reprint")
    ]

    def __init__(self) -> None:
        super().__init__()
        self.job_ids: list[int] = []

    def compose(self) -> ComposeResult:
        yield PlainTable(id="printers", cursor_type="none", show_cursor=False)
        yield PlainTable(id="jobs", cursor_type="row", zebra_stripes=True)
        yield DeskFooter()

    def on_mount(self) -> None:
        printers = self.query_one("#printers", DataTable)
        for label, width in ((_("Printer"), 16), (_("State"), 10), (_("Detail"), 40)):
            printers.add_column(label, width=width)
        jobs = self.query_one("#jobs", DataTable)
        # Jobs are named by Amazon order id and document number (their titles), not by row ids.
        for label, width in (
            (_("Printer"), 12),
            (_("Kind"), 13),
            (_("Title"), 34),
            (_("Status"), 8),
        ):
            jobs.add_column(label, width=width)

    def refresh_data(self) -> None:
        self.load()

    @work(group="printers", exclusive=True, exit_on_error=False)
    async def load(self) -> None:
        states = await self.backend.printer_states()
        jobs = await self.backend.print_jobs()
        printers = self.query_one("#printers", DataTable)
        printers.clear()
        configured = set(self.backend.settings.printers)
        seen = set()
        for p in states:
            seen.add(p.name)
            printers.add_row(p.name[:16], _(p.state), p.detail[:40])
        for name in sorted(configured - seen):
            printers.add_row(name[:16], _("unknown"), "")
        table = self.query_one("#jobs", DataTable)
        cursor = table.cursor_row
        table.clear()
        self.job_ids = [j.id for j in jobs]
        for j in jobs:
            title = ("⎘ " if j.copy_of_id else "") + j.title
            table.add_row(j.printer[:12], _(j.kind)[:13], title[:34], _(j.status), key=str(j.id))
        if jobs:
            table.move_cursor(row=min(cursor, len(jobs) - 1))

    def action_reprint(self) -> None:
        table = self.query_one("#jobs", DataTable)
        if self.job_ids and table.cursor_row < len(self.job_ids):
            self.reprint(self.job_ids[table.cursor_row])

    @work(group="reprint", exit_on_error=False)
    async def reprint(self, job_id: int) -> None:
        new_id = await self.backend.reprint(job_id, self.station.packer_name)
        self.notify(_("Reprint queued as job {id}.").format(id=new_id))
        self.load()
