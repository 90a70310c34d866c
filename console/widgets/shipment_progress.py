"""What happens to the last completed order: papers, label, printing, confirmation to Amazon."""

from __future__ import annotations

from console.i18n import _
from console.widgets.plain import Plain, shown
from core.domain.outbox import JobKind
from core.services.desk.views import JobProgress

_NAMES: dict[str, str] = {  # JobKind is a StrEnum: its members are the kinds' strings
    JobKind.RENDER_DOCUMENT: "papers",
    JobKind.BUY_LABEL: "label",
    JobKind.CONFIRM_SHIPMENT: "Amazon",
    JobKind.MAIL_INVOICE: "mail",
    JobKind.UPLOAD_INVOICE: "upload",
}
_MARKS = {"done": "✓", "printed": "✓", "dead": "✗", "failed": "✗", "discarded": "–"}


def summarise(jobs: list[JobProgress]) -> tuple[str, bool]:
    """One line of progress, and whether everything has finished (well or not)."""
    groups: dict[str, list[str]] = {}
    for job in jobs:
        if job.kind == "order":
            continue
        name = _NAMES.get(job.kind) or ("print" if job.kind.startswith("print.") else job.kind)
        groups.setdefault(_(name), []).append(job.status)
    parts = []
    finished = bool(jobs)
    for name, states in groups.items():
        done = sum(1 for s in states if s in ("done", "printed"))
        bad = any(s in ("dead", "failed") for s in states)
        mark = "✗" if bad else ("✓" if done == len(states) else "…")
        finished = finished and all(s in _MARKS for s in states)
        parts.append(f"{name} {mark}" + (f" {done}/{len(states)}" if len(states) > 1 else ""))
    return "  ".join(parts), finished


class ShipmentProgress(Plain):
    """One or two lines under the packing table."""

    DEFAULT_CSS = "ShipmentProgress { height: 2; padding: 0 1; color: $text-muted; }"

    def show(self, external_id: str, status: str, jobs: list[JobProgress]) -> bool:
        line, finished = summarise(jobs)
        status = next((j.status for j in jobs if j.kind == "order"), status)
        self.update(
            _("Last: {order} {status}").format(order=shown(external_id, 40), status=_(status))
            + "  "
            + line
        )
        return finished
