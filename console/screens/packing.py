"""Packing: the heart of the desk. Scan an order (or just the article), scan its items, ship.

The flow is a small state machine (`mode`, declared with the desk's state in desk_base.py), never
driven by focus: the scan field keeps focus and every scan is answered at once from the in-memory
`PackingSession`. Only opening and completing an order reach the database, in workers; scans that
arrive meanwhile wait in `_pending` and are replayed in order, so none is lost.
"""

from __future__ import annotations

from collections.abc import Awaitable
from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.widgets import Static

from console.i18n import _
from console.messages import ShowOrder
from console.scanning import DecodedScan, ScanKind, too_long_answer
from console.screens.desk_holds import HoldsAtDesk
from console.screens.desk_opening import OpeningAtDesk
from console.screens.desk_parcels import ParcelsAtDesk
from console.screens.desk_reprint import ReprintAtDesk
from console.screens.desk_shipping import ShippingAtDesk
from console.screens.desk_takeover import TakeoverAtDesk
from console.screens.desk_window import UndoWindowAtDesk
from console.widgets.desk_footer import DeskFooter
from console.widgets.order_lines import OrderLines
from console.widgets.plain import Plain, shown
from console.widgets.scan_feedback import ScanFeedback
from console.widgets.scan_field import ScanField
from console.widgets.ship_countdown import ShipCountdown
from console.widgets.shipment_progress import ShipmentProgress
from core.domain.desk import FirstScanGuard
from core.domain.errors import DomainError
from core.domain.packing import PackingSession, ScanOutcome
from core.domain.parcels import DeskParcels
from core.services.desk.views import ClaimGone, CompletionReport, PackTarget

LAYOUT_HINT = _(
    "Your scanner types as a US keyboard on this German one — I corrected it. "
    "Scan the 'German keyboard' setup code in the scanner's manual."
)


class PackingScreen(
    UndoWindowAtDesk,
    ParcelsAtDesk,
    HoldsAtDesk,
    ReprintAtDesk,
    TakeoverAtDesk,
    OpeningAtDesk,
    ShippingAtDesk,
):
    """Scan, check, pack, ship; then straight on to the next order."""

    CSS_PATH = "packing.tcss"
    AUTO_FOCUS = "#scan"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f3", "quantity", _("Qty"), id="packing.quantity"),
        Binding("f4", "new_package", _("Box+"), id="packing.new_package"),
        Binding("f5", "complete", _("Ship"), id="packing.complete"),
        Binding("f6", "partial", _("Partial"), id="packing.partial"),
        Binding("f7", "hold", _("Hold"), id="packing.hold"),
        Binding("f8", "put_back", _("Put back"), id="packing.put_back"),
        Binding("f10", "weight", _("Weight"), id="packing.weight"),
        Binding("ctrl+z", "undo", _("Undo"), id="packing.undo"),
        Binding("ctrl+o", "detail", _("Detail"), id="packing.detail", show=False),
        # Only while a shipment waits in its undo window (check_action); otherwise the keys go on.
        Binding("escape", "stop_shipment", _("Stop"), id="packing.stop", priority=True),
        Binding("backspace", "stop_shipment", _("Stop"), show=False, priority=True),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.session: PackingSession | None = None
        self.target: PackTarget | None = None
        self.known: set[str] = set()
        self.quantity = 1
        self.last_shipped: CompletionReport | None = None
        self.parcels: DeskParcels | None = None  # the boxes' weights (desk_parcels.py)
        self._pending: list[DecodedScan] = []
        self._progress_done = True
        self.first_scan = FirstScanGuard()
        self._progress_dirty = False  # scans not yet stored with the claim
        self._saving = False
        self._first_scan_claims = False  # the scan being packed is the one that claimed the order

    def compose(self) -> ComposeResult:
        with Horizontal(id="order-bar"):
            yield Plain(_("No order on the desk"), id="order-title")
            yield Plain("", id="who")
        yield ScanField(_("Scan an order, a delivery note or an article"), id="scan")
        yield ScanFeedback(id="feedback")
        yield ShipCountdown(id="countdown")
        yield OrderLines(id="lines")
        yield Plain("", id="parcels")
        yield ShipmentProgress(id="progress")
        yield DeskFooter()

    def on_mount(self) -> None:
        packer = self.station.packer
        self.query_one("#who", Static).update(
            f"{packer.name if packer else ''} · {self.backend.station}"
        )
        self.say(_("Scan an order number, a delivery note or an article to start."), "info")
        self.load_known_codes()
        self.resume_claim()

    # -- helpers ------------------------------------------------------------------------------
    @property
    def feedback(self) -> ScanFeedback:
        return self.query_one("#feedback", ScanFeedback)

    def say(self, text: str, state: str = "info") -> None:
        if state == "error":
            self.app.bell()
        self.feedback.say(text, state)

    def show_failure(self, text: str) -> None:
        self.say(text, "error")

    def watch_mode(self, mode: str) -> None:
        self.set_class(mode != "idle", "-busy")
        if mode == "idle" and self._pending:
            self.call_after_refresh(self._replay)

    def _replay(self) -> None:
        pending, self._pending = self._pending, []
        for scan in pending:
            self.handle(scan)

    def _show_order(self) -> None:
        title = self.query_one("#order-title", Static)
        lines = self.query_one("#lines", OrderLines)
        self.show_parcels()
        if self.target is None or self.session is None:
            title.update(_("No order on the desk"))
            lines.show(None)
            return
        t, s = self.target, self.session
        due = t.latest_ship_at.strftime("%d.%m. %H:%M") if t.latest_ship_at else "—"
        boxes = len([p for p in s.packages() if p]) or 1
        title.update(
            Text.assemble(
                (shown(t.external_id, 40), "bold"),
                f" {s.items_packed}/{s.items_expected} "
                + _("box {n}").format(n=boxes)
                + f" · {'★ ' if t.is_prime else ''}"
                + _("by {due}").format(due=due)
                + f" · {shown(t.account, 30)}",
            ),
            layout=False,  # one line, always (packing.tcss): the count changes on every scan
        )

    # -- scans --------------------------------------------------------------------------------
    @on(ScanField.Scanned, "#scan")
    def on_scanned(self, message: ScanField.Scanned) -> None:
        message.stop()
        self.handle(message.scan)

    def handle(self, scan: DecodedScan) -> None:
        """Answer one scan now (or queue it while an order is being opened or closed)."""
        if self.mode not in ("opening", "closing") and self.scanned_hold(scan.code):
            return
        if self.mode == "confirming":
            self.scan_in_window(scan)
            return
        if self.mode in ("opening", "closing"):
            self._pending.append(scan)
            return
        if scan.kind is ScanKind.TOO_LONG:
            self.say(too_long_answer(scan), "error")
            return
        if scan.kind is ScanKind.BAD_CHECK_DIGIT:
            self.say(
                _(
                    "{code}: the check digit is wrong — the label may be damaged; scan again or type it."
                ).format(code=shown(scan.code, 40)),
                "error",
            )
            return
        if self.session is None:
            left = self.first_scan.left
            if not self.first_scan.may_open(scan.code, names_an_order=scan.kind is ScanKind.ORDER):
                if left:
                    text = _(
                        "{code} was not packed: {suspect} is no longer on this desk. To take "
                        "the most urgent order for this article, scan the article once more."
                    )
                else:
                    text = _(
                        "{suspect} looked like an order number and is not known — scan the "
                        "order again. To take the most urgent order for this article instead, "
                        "scan the article once more."
                    )
                self.say(
                    text.format(
                        suspect=shown(self.first_scan.suspect, 40), code=shown(scan.code, 40)
                    ),
                    "error",
                )
                return
            self.mode = "opening"
            self.say(_("Looking up {code} …").format(code=shown(scan.code, 40)), "info")
            self.open_order(scan)
            return
        self.pack(scan)

    def pack(self, scan: DecodedScan) -> None:
        assert self.session is not None and self.target is not None
        if scan.kind is ScanKind.ORDER:
            if scan.code == self.target.external_id:
                self.say(_("This order is already on the desk — scan its items."), "warn")
            else:
                self.look_beside(scan)  # a shipped order (reprint) or another one to pack
            return
        qty, self.quantity = self.quantity, 1
        result = self.session.scan(scan.code, qty)
        layout_fixed = scan.layout_fixed
        if result.outcome is ScanOutcome.UNKNOWN_CODE:
            for other in scan.alternates:
                retry = self.session.scan(other, qty)
                if retry.outcome is not ScanOutcome.UNKNOWN_CODE:
                    result, layout_fixed = retry, True
                    break
        if result.outcome is ScanOutcome.UNKNOWN_CODE and scan.code not in self.known:
            self.look_beside(scan)  # a paper or tracking number, another order — or nothing
            return
        if result.outcome is ScanOutcome.WRONG_ITEM or (
            result.outcome is ScanOutcome.UNKNOWN_CODE and scan.code in self.known
        ):
            text, state = (
                _(
                    "Scanned {code} is not in this order — put it aside and scan the next item."
                ).format(code=shown(scan.code, 24)),
                "error",
            )
        elif result.outcome is ScanOutcome.OVER_SCAN:
            line = self.session.lines.get(result.line_id or -1)
            text, state = (
                _("Too many: {title} is complete — take the extra one out.").format(
                    title=shown(line.title if line else scan.code, 60)
                ),
                "error",
            )
        else:
            line = self.session.lines[result.line_id or 0]
            text, state = (
                f"✓ {shown(line.title, 60)}: {self.session.packed(line.line_id)}/{line.quantity}",
                "ok",
            )
        if layout_fixed:
            text += "\n" + LAYOUT_HINT
            state = "warn" if state == "ok" else state
        self.say(text, state)
        self.query_one("#lines", OrderLines).show(
            self.session, result.line_id if result.outcome.ok else None
        )
        self._show_order()
        if result.outcome.ok:
            self.progress_changed()
        if result.outcome is ScanOutcome.COMPLETE:
            self.finish(partial=False, after_last_scan=True)

    def progress_changed(self) -> None:
        """Store the boxes with the claim; saves never overlap and the newest state wins."""
        self._progress_dirty = True
        if not self._saving:
            self._saving = True
            self.save_progress()

    @work(group="save-progress", exit_on_error=False)
    async def save_progress(self) -> None:
        try:
            while self._progress_dirty and self.session is not None and self.target is not None:
                self._progress_dirty = False
                await self.backend.save_progress(
                    self.target.order_id, self.session.progress(), self.weighed()
                )
        except ClaimGone as gone:  # taken over at another desk: this one stops packing it
            self._progress_dirty = False
            self.claim_gone(gone)
        finally:
            self._saving = False

    def weighed(self) -> dict[int, int]:
        """The boxes' weighed grams; until the parcels are loaded, those the claim brought back."""
        if self.parcels is not None:
            return dict(self.parcels.weighed)
        return dict(self.target.weighed) if self.target is not None else {}

    def leave_on_desk(self) -> Awaitable[bool] | None:
        """Signing out: keep the order claimed here with everything packed (the App awaits it)."""
        if self.target is None or self.session is None:
            return None
        if self.mode == "confirming":  # nothing has shipped: it waits, fully packed, on the desk
            self.query_one("#countdown", ShipCountdown).close()
            self.mode = "idle"
        return self.backend.leave_on_desk(
            self.target.order_id,
            self.station.packer_name,
            self.session.progress(),
            self.weighed(),
        )

    # -- workers ------------------------------------------------------------------------------
    @work(group="codes", exclusive=True, exit_on_error=False)
    async def load_known_codes(self) -> None:
        self.known = await self.backend.known_codes()

    # -- actions ------------------------------------------------------------------------------
    def _need_order(self) -> bool:
        if self.session is None:
            self.say(_("No order on the desk — scan one first."), "warn")
            return False
        return True

    def action_undo(self) -> None:
        if self.mode == "confirming":
            self.action_stop_shipment()
            return
        if self._need_order() and self.session is not None:
            if self.session.undo():
                self.query_one("#lines", OrderLines).show(self.session)
                self._show_order()
                self.say(_("Last step taken back."), "info")
                self.progress_changed()
            else:
                self.say(_("Nothing to take back."), "warn")

    def action_quantity(self) -> None:
        if self._in_window():
            return
        field = self.query_one("#scan", ScanField)
        text = field.value.strip()
        if text.isdigit() and 0 < int(text) <= 999:
            self.quantity = int(text)
            field.value = ""
            self.say(_("Next scan counts {n} pieces.").format(n=self.quantity), "info")
        else:
            self.say(_("Type the number of pieces, press F3, then scan the article."), "warn")

    def action_new_package(self) -> None:
        if not self._in_window() and self._need_order() and self.session is not None:
            try:
                n = self.session.new_package()
            except DomainError as exc:
                self.say(str(exc), "warn")
                return
            self._show_order()
            self.progress_changed()
            self.say(_("Box {n} started — scan what goes into it.").format(n=n), "info")

    def action_put_back(self) -> None:
        if self.mode == "confirming":
            self.query_one("#countdown", ShipCountdown).close()
            self.mode = "idle"
        if self._need_order() and self.target is not None:
            self.put_back(self.target)

    @work(group="order", exit_on_error=False)
    async def put_back(self, target: PackTarget, stopped: bool = False) -> None:
        try:
            await self.backend.release(target.order_id, self.station.packer_name)
        except ClaimGone as gone:
            self.claim_gone(gone)
            if stopped:
                self.mode = "idle"
            return
        finally:
            if self.target is target:
                self.session, self.target = None, None
                self._show_order()
            if stopped:
                self.mode = "idle"  # scans that came meanwhile are answered now
        text = _("{order} is back in the queue.")
        if stopped:
            text = _("Stopped — nothing was shipped. {order} is back in the queue.")
        self.say(text.format(order=shown(target.external_id, 40)), "warn" if stopped else "info")

    def action_detail(self) -> None:
        order_id = (
            self.target.order_id
            if self.target
            else (self.last_shipped.order_id if self.last_shipped else None)
        )
        if order_id is not None:
            self.post_message(ShowOrder(order_id))
