"""Pick slips and receipts: a plain dataclass the console fills, rendered for the target printer.

The spool stores a slip as JSON (`PICK_SLIP_TYPE`) and renders it when it knows the printer, so an
80 mm and a 58 mm printer each get a slip that fits, and a CUPS or folder printer gets plain text.
"""

from __future__ import annotations

import json
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from printers.render.escpos import EscposBuilder, paper_columns

PICK_SLIP_TYPE = "application/vnd.packdesk.pick-slip+json"


@dataclass(frozen=True)
class PickLine:
    """One line to pick: what, how many, from where."""

    sku: str
    title: str
    qty: int
    bin: str = ""


@dataclass(frozen=True)
class PickSlip:
    """What the packer takes to the shelves; the barcode and QR carry `order_ref`."""

    order_ref: str
    lines: Sequence[PickLine]
    heading: str = "Pick slip"
    station: str = ""
    created_at: datetime | None = None
    notes: Sequence[str] = field(default_factory=tuple)

    def to_json(self) -> bytes:
        data = {
            "order_ref": self.order_ref,
            "lines": [
                {"sku": ln.sku, "title": ln.title, "qty": ln.qty, "bin": ln.bin}
                for ln in self.lines
            ],
            "heading": self.heading,
            "station": self.station,
            "created_at": self.created_at.isoformat() if self.created_at else None,
            "notes": list(self.notes),
        }
        return json.dumps(data, ensure_ascii=False).encode("utf-8")

    @classmethod
    def from_json(cls, payload: bytes) -> PickSlip:
        data = json.loads(payload.decode("utf-8"))
        return cls(
            order_ref=str(data["order_ref"]),
            lines=tuple(PickLine(**line) for line in data.get("lines", ())),
            heading=data.get("heading") or "Pick slip",
            station=data.get("station") or "",
            created_at=datetime.fromisoformat(data["created_at"])
            if data.get("created_at")
            else None,
            notes=tuple(data.get("notes") or ()),
        )

    @property
    def item_count(self) -> int:
        return sum(line.qty for line in self.lines)


def _bin_width(slip: PickSlip, columns: int) -> int:
    return min(max([3, *(len(line.bin) for line in slip.lines)]), columns // 3)


def _line_head(line: PickLine, bin_width: int, columns: int) -> str:
    return f"{line.bin[:bin_width]:<{bin_width}} {line.qty:>3} x {line.sku}"[:columns]


def _column_head(bin_width: int, columns: int) -> str:
    return f"{'Bin':<{bin_width}} Qty   SKU"[:columns]


def render_pick_slip_escpos(slip: PickSlip, width_mm: int = 80, codepage: str = "CP858") -> bytes:
    """ESC/POS bytes: heading, Code128 of the order, the lines by bin, totals, QR, cut."""
    doc = EscposBuilder(width_mm, codepage)
    columns = doc.columns
    doc.align("center").bold().size(2, 2).line(slip.heading).size().bold(False)
    doc.bold().line(slip.order_ref).bold(False)
    doc.code128(slip.order_ref, height=64 if width_mm == 58 else 80, module=2)
    doc.align("left")
    meta = " · ".join(
        part
        for part in (
            slip.created_at.strftime("%Y-%m-%d %H:%M") if slip.created_at else "",
            slip.station,
        )
        if part
    )
    if meta:
        doc.line(meta[:columns])
    doc.rule()
    bin_width = _bin_width(slip, columns)
    doc.bold().line(_column_head(bin_width, columns)).bold(False)
    for line in slip.lines:
        doc.bold().line(_line_head(line, bin_width, columns)).bold(False)
        for part in textwrap.wrap(line.title, columns - 4) or [""]:
            doc.line("    " + part)
    doc.rule()
    doc.line(f"{len(slip.lines)} lines, {slip.item_count} items")
    for note in slip.notes:
        for part in textwrap.wrap(note, columns) or [""]:
            doc.line(part)
    doc.align("center").qr(slip.order_ref, module=5 if width_mm == 58 else 6)
    doc.feed(2).cut()
    return bytes(doc)


def render_pick_slip_text(slip: PickSlip, width_mm: int = 80) -> str:
    """The same slip as plain text, for a CUPS queue or a folder printer."""
    columns = paper_columns(width_mm)
    out = [slip.heading, slip.order_ref]
    if slip.created_at:
        out.append(slip.created_at.strftime("%Y-%m-%d %H:%M"))
    if slip.station:
        out.append(slip.station)
    out.append("-" * columns)
    bin_width = _bin_width(slip, columns)
    out.append(_column_head(bin_width, columns))
    for line in slip.lines:
        out.append(_line_head(line, bin_width, columns))
        out.extend("    " + part for part in textwrap.wrap(line.title, columns - 4))
    out.append("-" * columns)
    out.append(f"{len(slip.lines)} lines, {slip.item_count} items")
    out.extend(slip.notes)
    return "\n".join(out) + "\n"
