"""The Packdesk console: one App per desk (or per SSH connection, or per browser tab).

The composition root (`console/cli/console_cmd.py`) builds the `StationBackend` and hands it in;
tests hand in the same backend on a test database, or a fake. The App knows who is signed in,
which screens exist, and polls for changes so every desk sees the others within a second.
"""

from __future__ import annotations

import asyncio
import re
import threading
import time
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any, ClassVar

from textual import events, work
from textual.app import App, ScreenStackError
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.notifications import SeverityLevel
from textual.screen import Screen
from textual.worker import Worker

from console.backend import Backend
from console.bursts import FoldedKeys, KeyRuns
from console.commands.station import StationCommands
from console.i18n import _
from console.keys import CommandKeyDone, KeyKeeper
from console.messages import (
    DataChanged,
    OpenScreen,
    PackOrder,
    ScanForDesk,
    ShowOrder,
    SignedIn,
    SupervisorEntered,
)
from console.screens.base import describe
from console.station import Station
from console.widgets.plain import shown
from console.widgets.scan_field import ScanField
from core.services.desk.views import ClaimedElsewhere, PackerInfo

SUPERVISOR_SCREENS = {"settings"}


def _screens() -> dict[str, Callable[[], Screen[Any]]]:
    from console.screens.articles import ArticlesScreen
    from console.screens.dashboard import DashboardScreen
    from console.screens.holds import HoldsScreen
    from console.screens.outbox import OutboxScreen
    from console.screens.print_queue import PrintQueueScreen
    from console.screens.queue import QueueScreen
    from console.screens.rejections import RejectionsScreen
    from console.screens.settings import SettingsScreen

    return {
        "queue": QueueScreen,
        "holds": HoldsScreen,
        "outbox": OutboxScreen,
        "rejections": RejectionsScreen,
        "articles": ArticlesScreen,
        "printers": PrintQueueScreen,
        "settings": SettingsScreen,
        "dashboard": DashboardScreen,
    }


class PackdeskApp(App[None]):
    """The warehouse console."""

    CSS_PATH = "app.tcss"
    TITLE = "Packdesk"
    COMMANDS = App.COMMANDS | {StationCommands}
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f1", "toggle_keys", _("Keys"), id="app.keys"),
        Binding("f2", "open('queue')", _("Queue"), id="app.queue"),
        Binding("f9", "open('dashboard')", _("Shift"), id="app.dashboard"),
        Binding("f12", "sign_out", _("Sign out"), id="app.sign_out"),
    ]

    def __init__(
        self,
        backend: Backend,
        *,
        poll_interval: float | None = 1.0,
        fixed_packer: str | None = None,
        hint: str = "",
        cursor_blink: bool = True,
        clock: Callable[[], float] = time.monotonic,
        wall_clock: Callable[[], datetime] = lambda: datetime.now().astimezone(),
    ) -> None:
        super().__init__()
        self.cursor_blink = cursor_blink
        self.clock = clock  # the undo window's countdown reads it; tests hand in one they move
        # The station's date and time (local zone): what is overdue or due today in the queue.
        self.wall_clock = wall_clock
        self.backend = backend
        self.poll_interval = poll_interval
        self.fixed_packer = fixed_packer
        self.hint = hint
        self.packer: PackerInfo | None = None
        self.leaving: Worker[None] | None = None  # a sign-out storing the order it left here
        self.supervisor: PackerInfo | None = None
        self._token: tuple[int, ...] | None = None
        self.keys = KeyKeeper(self._focused_widget)
        self.key_runs = KeyRuns()
        # Set once the first screen is drawn: the station's deferred services start then.
        self.shown = asyncio.Event()

    def _focused_widget(self) -> Any:
        """The focused widget, or None while no screen is on the stack (start-up, shutdown)."""
        try:
            return self.focused
        except ScreenStackError:
            return None

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = False,
    ) -> None:
        # Messages carry scans, order ids and error texts: never markup (console/widgets/plain.py).
        super().notify(
            shown(message, 400), title=title, severity=severity, timeout=timeout, markup=markup
        )

    # -- keys --------------------------------------------------------------------------------
    def post_message(self, message: Message) -> bool:
        # The driver posts every key here, on the App's loop: fold absurd runs before they queue.
        if isinstance(message, events.Key) and threading.get_ident() == self._thread_id:
            folded = self.key_runs.fold(message)
            if folded is None:
                return True  # it joined the fold already waiting on the queue
            message = folded
        return super().post_message(message)

    async def on_folded_keys(self, message: FoldedKeys) -> None:
        """Route folded keys as each would have been routed (console/bursts.py)."""
        message.taken = True
        target = self._focused_widget()
        if isinstance(target, ScanField) and not self.keys.holding:
            self.keys.flush()
            # Printable keys bind nothing here (commands are F-keys and ctrl combos): they go
            # straight to the field, and those past the longest barcode are only counted.
            for key in message.keys[: target.take_run(len(message.keys))]:
                target._forward_event(key)
            return
        for key in message.keys:
            await self.on_event(key)

    async def on_event(self, event: events.Event) -> None:
        # Every key from the terminal passes here once, in arrival order: the one place where
        # keys can be kept across a screen change without reordering them (console/keys.py).
        if not isinstance(event, events.Key) or event.is_forwarded or not self.screen_stack:
            await super().on_event(event)
            return
        if self.keys.keep(event):
            return
        target = self.focused or self.screen
        if isinstance(target, ScanField) and target.arriving(event):
            return  # beyond any barcode: counted on arrival, never typed (scan_field.py)
        await super().on_event(event)
        self.keys.routed(event, target)

    def on_key(self, event: events.Key) -> None:
        # This handler runs before App._on_key checks the bindings: release the kept keys only
        # once the binding ran (and maybe pushed a screen).
        self.call_next(self.keys.command_done, event)

    def on_command_key_done(self, message: CommandKeyDone) -> None:
        self.keys.command_done(message.key)

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        self.keys.flush()

    def get_key_display(self, binding: Binding) -> str:
        """F-keys as their keycaps say (F5, not f5); everything else as Textual shows it."""
        shown_key = super().get_key_display(binding)
        return shown_key.upper() if re.fullmatch(r"f\d{1,2}", shown_key) else shown_key

    @property
    def packer_name(self) -> str:
        return self.packer.name if self.packer else ""

    def get_default_screen(self) -> Screen[Any]:
        from console.screens.sign_in import SignInScreen

        return SignInScreen()

    def on_mount(self) -> None:
        self.sub_title = self.backend.station
        if self.poll_interval:
            self.set_interval(self.poll_interval, self.poll_changes)

    def on_ready(self) -> None:
        self.shown.set()

    # -- people ------------------------------------------------------------------------------
    def signed_in(self, packer: PackerInfo) -> None:
        from console.screens.packing import PackingScreen

        self.packer = packer
        # Supervisor rights come only from a PIN (entered once per sign-in), never from a badge.
        self.supervisor = None
        self.sub_title = f"{self.backend.station} · {packer.name}"
        self.push_screen(PackingScreen())
        self.keys.release()  # what was scanned after the badge goes to the desk's scan field

    def action_sign_out(self) -> None:
        if self.packer is None:
            return
        packing = self.packing_screen
        left = packing.leave_on_desk() if packing is not None else None
        self.packer = self.supervisor = None
        # The order stays claimed here with its progress: the next packer at this desk resumes it
        # (the screen's own save may die with the screen, so this worker stores the last state).
        self.leaving = self.run_worker(self._sign_out(left), group="session", exit_on_error=False)
        self.sub_title = self.backend.station
        while len(self.screen_stack) > 2:
            self.pop_screen()
        if len(self.screen_stack) == 2:
            self.pop_screen()

    async def _sign_out(self, left: Awaitable[object] | None) -> None:
        try:
            if left is not None:
                await left
        finally:
            await self.backend.end_session()

    # -- navigation --------------------------------------------------------------------------
    @property
    def packing_screen(self) -> Any:
        from console.screens.packing import PackingScreen

        return next((s for s in self.screen_stack if isinstance(s, PackingScreen)), None)

    def _back_to_packing(self) -> None:
        while len(self.screen_stack) > 2 and self.packing_screen is not self.screen:
            self.pop_screen()

    def action_open(self, name: str) -> None:
        """Show one of the screens on top of the packing screen."""
        if self.packer is None:
            self.notify(_("Sign in first."), severity="warning")
            return
        factory = _screens().get(name)
        if factory is None:
            self._back_to_packing()
            return
        if name in SUPERVISOR_SCREENS:
            from console.screens.pin_prompt import with_supervisor

            with_supervisor(self, self, lambda _sup: self._show(factory))
        else:
            self._show(factory)

    def _show(self, factory: Callable[[], Screen[Any]]) -> None:
        self._back_to_packing()
        self.push_screen(factory())

    def show_order(self, order_id: int) -> None:
        from console.screens.order_detail import OrderDetailScreen

        self.push_screen(OrderDetailScreen(order_id))

    def pack_order(self, order_id: int) -> None:
        """Claim an order picked in a list and put it on the desk."""
        self._claim_and_pack(order_id)

    @work(group="order", exit_on_error=False)
    async def _claim_and_pack(self, order_id: int) -> None:
        try:
            target = await self.backend.open_by_id(order_id, self.packer_name)
        except ClaimedElsewhere as exc:  # the desk offers the takeover, as for a scan there
            self._back_to_packing()
            packing = self.packing_screen
            if packing is not None:
                packing.open_held_elsewhere(exc.held)
            return
        except Exception as exc:
            self.bell()
            self.notify(describe(exc), severity="error", timeout=8)
            return
        self._back_to_packing()
        packing = self.packing_screen
        if packing is not None:
            packing.open_target(target)

    # -- what screens ask for: they post messages rather than call the App -----------------
    def on_signed_in(self, message: SignedIn) -> None:
        self.signed_in(message.packer)

    def on_supervisor_entered(self, message: SupervisorEntered) -> None:
        if self.packer is not None:  # a PIN entered as the packer signed out counts for nobody
            self.supervisor = message.supervisor

    def on_scan_for_desk(self, message: ScanForDesk) -> None:
        # The scan field that sent it holds the keys after it until the desk has this one.
        try:
            self._back_to_packing()
            packing = self.packing_screen
            if packing is not None:
                packing.handle(message.scan)
        finally:
            self.keys.release()

    def on_show_order(self, message: ShowOrder) -> None:
        self.show_order(message.order_id)

    def on_pack_order(self, message: PackOrder) -> None:
        self.pack_order(message.order_id)

    def on_open_screen(self, message: OpenScreen) -> None:
        self.action_open(message.name)

    def action_toggle_keys(self) -> None:
        if self.screen.query("HelpPanel"):
            self.action_hide_help_panel()
        else:
            self.action_show_help_panel()

    # -- live updates ------------------------------------------------------------------------
    @work(group="poll", exclusive=True, exit_on_error=False)
    async def poll_changes(self) -> None:
        """Tell the screen on top when anything changed (another desk, the sync, the outbox)."""
        try:
            token = await self.backend.change_token()
            session_open = await self.backend.session_open()
        except Exception:
            return  # a busy or briefly unreachable database: the next tick tries again
        if self.packer is not None and not session_open:
            self.action_sign_out()  # deactivated, or signed out by a supervisor
            self.notify(_("Your session at this desk was ended."), severity="warning")
            return
        if token != self._token:
            self._token = token
            self.screen.post_message(DataChanged())


if TYPE_CHECKING:
    # Screens see the App only as a Station (console/station.py): mypy proves it is one.
    _is_a_station: type[Station] = PackdeskApp
