"""The packing session: what a packer scans against what the order expects. Pure, no I/O.

The console feeds scans in; the completion service takes `packages()` out. Every scan gets an answer a
packer can act on; nothing a packer does can put more in a box than was ordered.
"""

from __future__ import annotations

import copy
from collections.abc import Container
from dataclasses import dataclass, field
from enum import StrEnum

from core.domain.catalog import normalize_code
from core.domain.errors import DomainError


class ScanOutcome(StrEnum):
    ACCEPTED = "accepted"
    COMPLETE = "complete"  # accepted, and that was the last item
    WRONG_ITEM = "wrong_item"  # a known article, but not in this order
    OVER_SCAN = "over_scan"  # in this order, but already fully packed
    UNKNOWN_CODE = "unknown_code"

    @property
    def ok(self) -> bool:
        return self in (ScanOutcome.ACCEPTED, ScanOutcome.COMPLETE)


@dataclass(frozen=True)
class ScanResult:
    outcome: ScanOutcome
    code: str
    message: str
    line_id: int | None = None
    quantity: int = 0


@dataclass(frozen=True)
class ExpectedLine:
    """A line to pack: the codes that match it (article barcodes, listing SKU) and how many."""

    line_id: int
    sku: str
    title: str
    quantity: int
    codes: frozenset[str]

    @classmethod
    def of(cls, line_id: int, sku: str, title: str, quantity: int, codes: set[str]) -> ExpectedLine:
        return cls(
            line_id, sku, title, quantity, frozenset(normalize_code(c) for c in codes | {sku})
        )


@dataclass
class _State:
    packages: list[dict[int, int]] = field(default_factory=lambda: [{}])
    hold_reason: str = ""


def _short(code: str) -> str:
    return code if len(code) <= 14 else code[:13] + "…"


class PackingSession:
    """Scans against the expected lines of one order, in one or more packages."""

    def __init__(
        self, order_ref: str, lines: list[ExpectedLine], known_codes: Container[str] = ()
    ) -> None:
        if not lines:
            raise DomainError(f"Order {order_ref} has nothing left to pack.")
        self.order_ref = order_ref
        self.lines = {ln.line_id: ln for ln in lines}
        self._known = known_codes
        self._state = _State()
        self._history: list[_State] = []

    # -- reading ---------------------------------------------------------------------------
    def packed(self, line_id: int) -> int:
        return sum(p.get(line_id, 0) for p in self._state.packages)

    def remaining(self, line_id: int) -> int:
        return self.lines[line_id].quantity - self.packed(line_id)

    @property
    def items_expected(self) -> int:
        return sum(ln.quantity for ln in self.lines.values())

    @property
    def items_packed(self) -> int:
        return sum(sum(p.values()) for p in self._state.packages)

    @property
    def is_complete(self) -> bool:
        return self.items_packed == self.items_expected

    @property
    def hold_reason(self) -> str:
        return self._state.hold_reason

    def packages(self) -> list[dict[int, int]]:
        """Line id → quantity, per package; empty packages left out."""
        return [dict(p) for p in self._state.packages if p]

    @property
    def can_undo(self) -> bool:
        return bool(self._history)

    # -- acting ----------------------------------------------------------------------------
    def _remember(self) -> None:
        self._history.append(copy.deepcopy(self._state))

    def scan(self, code: str, quantity: int = 1) -> ScanResult:
        """Check one scanned code (or `quantity` of it, for bulk items) against the order."""
        raw = code.strip()
        norm = normalize_code(raw)
        if quantity < 1:
            return ScanResult(
                ScanOutcome.OVER_SCAN, raw, "The quantity must be at least 1.", quantity=quantity
            )
        matching = [ln for ln in self.lines.values() if norm in ln.codes]
        if not matching:
            if norm in self._known:
                return ScanResult(
                    ScanOutcome.WRONG_ITEM,
                    raw,
                    f"Scanned {_short(raw)} is not in this order — put it aside and scan the next item.",
                )
            return ScanResult(
                ScanOutcome.UNKNOWN_CODE,
                raw,
                f"{_short(raw)} is not a known article — check the label or assign the barcode.",
            )
        line = next((ln for ln in matching if self.remaining(ln.line_id) >= quantity), None)
        if line is None:
            first = matching[0]
            left = sum(self.remaining(ln.line_id) for ln in matching)
            return ScanResult(
                ScanOutcome.OVER_SCAN,
                raw,
                f"Too many: {first.title} is needed {left} more time(s), not {quantity} — "
                "take the extra one out.",
                line_id=first.line_id,
                quantity=quantity,
            )
        self._remember()
        box = self._state.packages[-1]
        box[line.line_id] = box.get(line.line_id, 0) + quantity
        if self.is_complete:
            return ScanResult(
                ScanOutcome.COMPLETE,
                raw,
                "All items packed — complete the order.",
                line.line_id,
                quantity,
            )
        return ScanResult(
            ScanOutcome.ACCEPTED,
            raw,
            f"{line.title}: {self.packed(line.line_id)} of {line.quantity}.",
            line.line_id,
            quantity,
        )

    def new_package(self) -> int:
        """Close the current box and start the next; returns the number of boxes in use."""
        if not self._state.packages[-1]:
            raise DomainError("The current package is still empty — scan an item into it first.")
        self._remember()
        self._state.packages.append({})
        return len(self._state.packages)

    def hold(self, reason: str) -> None:
        if not reason.strip():
            raise DomainError("Say why the order goes on hold (for example: item damaged).")
        self._remember()
        self._state.hold_reason = reason.strip()

    def progress(self) -> list[dict[int, int]]:
        """Every box so far, the open (maybe empty) last one included: what is stored with the claim."""
        return [dict(p) for p in self._state.packages]

    def restore(self, packages: list[dict[int, int]]) -> bool:
        """Carry on from stored progress. False (and nothing changed) if it no longer fits the lines."""
        boxes = [{int(k): int(v) for k, v in p.items() if int(v) > 0} for p in packages] or [{}]
        for line_id in {k for p in boxes for k in p}:
            line = self.lines.get(line_id)
            if line is None or sum(p.get(line_id, 0) for p in boxes) > line.quantity:
                return False
        self._state = _State(packages=boxes)
        self._history = []
        return True

    def undo(self) -> bool:
        """Take back the last scan, new package or hold. False when there is nothing to undo."""
        if not self._history:
            return False
        self._state = self._history.pop()
        return True

    def finish(self, partial: bool = False) -> list[dict[int, int]]:
        """The packages to ship. Without `partial`, every expected item must be packed."""
        if self._state.hold_reason:
            raise DomainError(f"Order {self.order_ref} is on hold: {self._state.hold_reason}.")
        if self.items_packed == 0:
            raise DomainError("Nothing is packed yet — scan the items first.")
        if not partial and not self.is_complete:
            missing = self.items_expected - self.items_packed
            raise DomainError(
                f"{missing} item(s) still missing — scan them, or ship partially (a supervisor "
                "decision)."
            )
        return self.packages()
