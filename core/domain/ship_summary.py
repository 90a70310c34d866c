"""What ships now and what stays: shown before a shipment leaves (undo window, partial shipment)."""

from __future__ import annotations

from dataclasses import dataclass

from core.domain.packing import PackingSession


@dataclass(frozen=True)
class SummaryLine:
    sku: str
    title: str
    ships: int  # in this shipment
    stays: int  # still to pack after it


@dataclass(frozen=True)
class ShipmentSummary:
    order_ref: str
    lines: tuple[SummaryLine, ...]
    boxes: int

    @classmethod
    def of(cls, session: PackingSession) -> ShipmentSummary:
        lines = tuple(
            SummaryLine(ln.sku, ln.title, session.packed(ln.line_id), session.remaining(ln.line_id))
            for ln in session.lines.values()
        )
        return cls(session.order_ref, lines, len(session.packages()))

    @property
    def ships_now(self) -> tuple[SummaryLine, ...]:
        return tuple(ln for ln in self.lines if ln.ships)

    @property
    def stays(self) -> tuple[SummaryLine, ...]:
        return tuple(ln for ln in self.lines if ln.stays)

    @property
    def partial(self) -> bool:
        return bool(self.stays)

    @property
    def items_shipping(self) -> int:
        return sum(ln.ships for ln in self.lines)

    @property
    def items_staying(self) -> int:
        return sum(ln.stays for ln in self.lines)
