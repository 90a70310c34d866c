"""What every console screen shares: workers whose failures become sentences, live refresh."""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Callable
from typing import TYPE_CHECKING, ClassVar, cast

from textual import events
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.screen import Screen
from textual.worker import Worker, WorkerState

from console.i18n import _
from console.messages import DataChanged
from core.errors import PackdeskError

if TYPE_CHECKING:
    from console.backend import Backend
    from console.station import Station
    from core.services.desk.views import PackerInfo

log = logging.getLogger(__name__)


def describe(error: BaseException | None) -> str:
    """A sentence for the packer; the detail goes to the log."""
    if isinstance(error, PackdeskError):
        return str(error)
    if isinstance(error, (sqlite3.OperationalError, OSError, ConnectionError)) or (
        type(error).__name__
        in {"OperationalError", "DBConnectionError", "TransactionManagementError"}
    ):
        log.warning("database or network unavailable: %s", error)
        return _("The database cannot be reached right now — try again in a moment.")
    log.error("unexpected error in the console", exc_info=error)
    return _(
        "Something went wrong and was logged — try again; if it keeps happening, call a supervisor."
    )


class StationScreen(Screen[None]):
    """A screen that talks to the backend only through workers."""

    @property
    def station(self) -> Station:
        """The desk this screen runs at (the App, seen through what screens may know of it)."""
        return cast("Station", self.app)

    @property
    def backend(self) -> Backend:
        return self.station.backend

    def with_supervisor(self, then: Callable[[PackerInfo], object]) -> None:
        """Run `then` once a supervisor is known (this screen asks for the PIN if need be)."""
        from console.screens.pin_prompt import with_supervisor  # it imports `describe` from here

        with_supervisor(self, self.station, then)

    async def _on_message(self, message: Message) -> None:
        # A screen taken away in the moment it opened (a sign-out right after the badge, the
        # console quitting as the desk opens) loses its widgets before its Mount is handled: its
        # handlers would find none of them and end the console. It never shows, so skip them.
        if isinstance(message, events.Mount) and self._pruning:
            return
        await super()._on_message(message)

    def _update_auto_focus(self) -> None:
        # Textual skips AUTO_FOCUS while the app itself has no focus: a browser tab before anyone
        # clicked into the terminal. The scan field must take the first scan anyway.
        super()._update_auto_focus()
        if self.focused is None and self.AUTO_FOCUS:
            for widget in self.query(self.AUTO_FOCUS):
                if widget.focusable:
                    self.set_focus(widget)
                    break

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """The one place a failed worker turns into a message (workers use exit_on_error=False)."""
        if event.state is WorkerState.ERROR:
            self.show_failure(describe(event.worker.error))

    def show_failure(self, text: str) -> None:
        self.app.bell()
        self.notify(text, severity="error", timeout=8)

    def on_data_changed(self, message: DataChanged) -> None:
        self.refresh_data()

    def refresh_data(self) -> None:
        """Reload what the screen shows (started from a worker)."""


class SecondaryScreen(StationScreen):
    """A screen shown on top of the packing desk; Escape goes back to packing."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "back", _("Back"), id="screen.back")]

    def on_mount(self) -> None:
        # Textual calls on_mount of every class in the MRO, subclass first: a screen's own
        # on_mount (its columns) runs before this one, and must not call it again.
        self.refresh_data()

    def action_back(self) -> None:
        self.app.pop_screen()
