"""Messages between the App and its screens: screens ask, the App decides where things go.

Screens post these (they bubble to the App) instead of calling the App's or each other's methods.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.message import Message

if TYPE_CHECKING:
    from console.scanning import DecodedScan
    from core.services.desk.views import PackerInfo


class DataChanged(Message):
    """Something in the database changed (this desk, another desk, or the sync)."""


class SignedIn(Message):
    """A packer signed in at this desk: the App opens the packing desk for them."""

    def __init__(self, packer: PackerInfo) -> None:
        super().__init__()
        self.packer = packer


class ShowOrder(Message):
    """Show one order's detail on top of the current screen."""

    def __init__(self, order_id: int) -> None:
        super().__init__()
        self.order_id = order_id


class PackOrder(Message):
    """Claim an order picked in a list and put it on the desk."""

    def __init__(self, order_id: int) -> None:
        super().__init__()
        self.order_id = order_id


class OpenScreen(Message):
    """Open one of the console's screens by name (the command palette's choice)."""

    def __init__(self, name: str) -> None:
        super().__init__()
        self.name = name


class SupervisorEntered(Message):
    """A supervisor's PIN was entered: the App remembers them until the packer signs out."""

    def __init__(self, supervisor: PackerInfo) -> None:
        super().__init__()
        self.supervisor = supervisor


class ScanForDesk(Message):
    """A scan meant for the packing desk arrived on another screen (an order in the queue's search).

    The screen's scan field holds the keys after it (`ends_screen`); the App puts the desk on top,
    hands it the scan and then releases them, so what follows reaches the desk after this scan.
    """

    def __init__(self, scan: DecodedScan) -> None:
        super().__init__()
        self.scan = scan
