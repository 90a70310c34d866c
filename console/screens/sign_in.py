"""Sign-in: scan a badge, or pick a name. Over SSH only the packer the key belongs to is offered."""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.events import Resize
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from console.i18n import _
from console.messages import SignedIn
from console.scanning import ScanKind, too_long_answer
from console.screens.base import StationScreen, describe
from console.widgets.desk_footer import DeskFooter
from console.widgets.plain import Plain, PlainOptionList
from console.widgets.scan_field import ScanField
from core.services.desk.views import PackerInfo


class SignInScreen(StationScreen):
    """The first screen of every console."""

    CSS_PATH = "sign_in.tcss"
    AUTO_FOCUS = "#badge"

    def compose(self) -> ComposeResult:
        app = self.station
        with Vertical(id="card"):
            yield Plain(
                _("Packdesk · station {station}").format(station=self.backend.station), id="title"
            )
            yield Plain(_("Scan your badge, or choose your name below."), id="prompt")
            yield ScanField(_("Badge"), id="badge", ends_screen=True)
            yield Plain("", id="message")
            yield PlainOptionList(id="packers")
            if app.hint:
                yield Plain(app.hint, id="hint")
            yield Plain("", id="terminal")
        yield DeskFooter()

    def on_mount(self) -> None:
        self.load_packers()
        self._show_size()

    def on_resize(self, event: Resize) -> None:
        self._show_size()

    def _show_size(self) -> None:
        width, height = self.app.size
        self.query_one("#terminal", Static).update(_("Terminal {w}×{h}").format(w=width, h=height))

    def refresh_data(self) -> None:
        self.load_packers()

    @work(group="packers", exclusive=True, exit_on_error=False)
    async def load_packers(self) -> None:
        fixed = self.station.fixed_packer
        packers = await self.backend.packers()
        if fixed:
            packers = [p for p in packers if p.name == fixed]
            self.query_one("#prompt", Static).update(
                _("Signed in over SSH as {name} — scan your badge or press Enter below.").format(
                    name=fixed
                )
            )
        options = self.query_one("#packers", OptionList)
        options.clear_options()
        options.add_options([Option(f"{p.name}  ({_(p.role)})", id=p.name) for p in packers])

    @on(ScanField.Scanned, "#badge")
    def badge_scanned(self, message: ScanField.Scanned) -> None:
        message.stop()
        if message.scan.kind is ScanKind.TOO_LONG:
            self._fail(too_long_answer(message.scan))
            return
        self.sign_in_badge(message.scan.raw.strip())

    @on(OptionList.OptionSelected, "#packers")
    def picked(self, event: OptionList.OptionSelected) -> None:
        if event.option.id:
            self.sign_in_name(event.option.id)

    @work(group="sign_in", exit_on_error=False)
    async def sign_in_badge(self, badge: str) -> None:
        try:
            packer = await self.backend.sign_in(badge)
        except Exception as exc:
            self._fail(describe(exc))
            return
        self._signed_in(packer)

    @work(group="sign_in", exit_on_error=False)
    async def sign_in_name(self, name: str) -> None:
        self._signed_in(await self.backend.packer_by_name(name))

    def _signed_in(self, packer: PackerInfo) -> None:
        fixed = self.station.fixed_packer
        if fixed and packer.name != fixed:
            self._fail(
                _("This connection belongs to {name} — scan {name}'s badge.").format(name=fixed)
            )
            return
        self.post_message(SignedIn(packer))  # the badge keeps the keys held until then

    def _fail(self, text: str) -> None:
        self.station.keys.release()  # no desk to go to: what was scanned stays here
        self.app.bell()
        message = self.query_one("#message", Static)
        message.update(text)
        message.add_class("-error")

    def show_failure(self, text: str) -> None:
        self._fail(text)
