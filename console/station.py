"""What a screen knows of the desk it runs at: who is signed in, the backend, the station's clock.

`PackdeskApp` is the one implementation (mypy checks it in console/app.py). Screens read these and
post messages (console/messages.py) for anything the App decides; no screen imports console.app,
which used to make a twelve-file import loop (tests/console/test_screen_layers.py).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from textual.worker import Worker

    from console.backend import Backend
    from console.keys import KeyKeeper
    from core.services.desk.views import PackerInfo


class Station(Protocol):
    """The desk as its screens see it: read-only, except the key keeper they hand keys back to."""

    @property
    def backend(self) -> Backend: ...

    @property
    def packer(self) -> PackerInfo | None:
        """Who is signed in at this desk."""

    @property
    def packer_name(self) -> str:
        """The signed-in packer's name, or "" before anyone signed in."""

    @property
    def supervisor(self) -> PackerInfo | None:
        """The supervisor whose PIN was entered during this sign-in (never from a badge)."""

    @property
    def fixed_packer(self) -> str | None:
        """Over SSH: the only packer this connection may sign in as."""

    @property
    def hint(self) -> str:
        """A line for the sign-in screen (the demo's badges and PIN)."""

    @property
    def wall_clock(self) -> Callable[[], datetime]:
        """The station's date and time: what is overdue or due today."""

    @property
    def leaving(self) -> Worker[None] | None:
        """A sign-out still storing the order it left on this desk."""

    @property
    def keys(self) -> KeyKeeper:
        """Keeps keys across screen changes (console/keys.py)."""
