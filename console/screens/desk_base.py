"""What the packing desk's parts share: the order on the desk, the desk's mode, how it answers.

The desk is one screen (`PackingScreen`: scans and keys) made of parts by concern: opening an
order, shipping it, holds, parcels, reprint, takeover, the undo window (desk_*.py). Each part is a subclass of `DeskScreen`, so mypy checks it
against the state and the answers declared here, not against the whole screen it is mixed into.
"""

from __future__ import annotations

from abc import abstractmethod
from typing import TYPE_CHECKING

from textual.reactive import var

from console.screens.base import StationScreen

if TYPE_CHECKING:
    from textual.worker import Worker

    from console.scanning import DecodedScan
    from core.domain.desk import FirstScanGuard
    from core.domain.packing import PackingSession
    from core.domain.parcels import DeskParcels
    from core.services.desk.views import ClaimGone, CompletionReport, HeldElsewhere, PackTarget
    from core.services.reprint import ReprintOffer


class DeskScreen(StationScreen):
    """The packing desk's state and the steps its parts call on one another."""

    mode: var[str] = var("idle")  # idle | opening | confirming (undo window) | closing

    session: PackingSession | None  # the order being packed, answered from memory
    target: PackTarget | None  # the claimed order it came from
    parcels: DeskParcels | None  # the boxes' weights (desk_parcels.py)
    _pending: list[DecodedScan]  # scans that wait while an order opens or closes
    known: set[str]  # every code an article answers to (an unknown scan is not a wrong item)
    quantity: int  # what the next scan counts (F3)
    first_scan: FirstScanGuard  # a lost order-number start never claims by article
    _first_scan_claims: bool  # the scan being packed is the one that claimed the order
    last_shipped: CompletionReport | None  # followed until its label and papers are out
    _progress_done: bool

    @abstractmethod
    def say(self, text: str, state: str = "info") -> None:
        """Answer the packer on the feedback line (state: info, ok, warn, error, done)."""

    @abstractmethod
    def _show_order(self) -> None:
        """Redraw the order bar: which order, how far packed, how many boxes."""

    @abstractmethod
    def _need_order(self) -> bool:
        """True when an order is on the desk; otherwise say so."""

    @abstractmethod
    def _in_window(self) -> bool:
        """True (and said) while a shipment waits in its undo window."""

    @abstractmethod
    def progress_changed(self) -> None:
        """Store the scanned progress with the claim."""

    @abstractmethod
    def _start(self, target: PackTarget) -> None:
        """Put a claimed order on the desk."""

    @abstractmethod
    def _ship(self, partial: bool) -> None:
        """Complete what is packed (one transaction, in a worker)."""

    @abstractmethod
    def put_back(self, target: PackTarget, stopped: bool = False) -> Worker[None]:
        """Release the order to the queue (a worker)."""

    @abstractmethod
    def pack(self, scan: DecodedScan) -> None:
        """Count one scan into the order on the desk."""

    @abstractmethod
    def finish(self, partial: bool, *, after_last_scan: bool = False) -> None:
        """Ship what is packed (after the last scan, once the undo window has passed)."""

    @abstractmethod
    def ship_now(self) -> None:
        """Close the undo window and ship."""

    @abstractmethod
    def load_parcels(self, target: PackTarget) -> Worker[None]:
        """Load the boxes' weights for the order (a worker)."""

    @abstractmethod
    async def reprint_offer(self, code: str) -> ReprintOffer | None:
        """What a scan of a shipment that left may reprint."""

    @abstractmethod
    def offer_reprint(self, offer: ReprintOffer) -> None:
        """Ask the packer what to reprint."""

    @abstractmethod
    def offer_takeover(self, held: HeldElsewhere) -> None:
        """An order left at another desk: say where, offer a supervisor's takeover."""

    @abstractmethod
    def claim_gone(self, gone: ClaimGone) -> None:
        """The order on the desk was taken over elsewhere (or closed): clear it, say where it went."""
