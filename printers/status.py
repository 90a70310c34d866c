"""Printer status: what a device says about itself, and the `printer_status` table that keeps it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from core.persistence.models import PrinterStatusRow

ONLINE, OFFLINE, PAPER_OUT, STOPPED, ERROR, UNKNOWN = (
    "online",
    "offline",
    "paper_out",
    "stopped",
    "error",
    "unknown",
)


@dataclass(frozen=True)
class PrinterStatus:
    """One printer's state (online, offline, paper_out, stopped, error, unknown) and why."""

    name: str
    state: str
    detail: str = ""
    checked_at: datetime | None = None


def parse_escpos_status(reply: bytes) -> tuple[str, str]:
    """Decode the replies to DLE EOT 1, 2 and 4 (in that order) into (state, detail)."""
    if len(reply) < 3:
        return UNKNOWN, "the printer did not answer the status query"
    printer, cause, paper = reply[0], reply[1], reply[2]
    if paper & 0x60 or cause & 0x20:
        return PAPER_OUT, "paper has run out — load a new roll"
    if cause & 0x04:
        return OFFLINE, "the cover is open — close it"
    if cause & 0x40:
        return ERROR, "the printer reports an error (cutter jam?) — switch it off and on"
    if printer & 0x08:
        return OFFLINE, "the printer reports it is offline"
    if paper & 0x0C:
        return ONLINE, "paper is running low"
    return ONLINE, ""


ZEBRA_STATUS_QUERY = b"~HS"
BUSY = "busy"


def parse_zebra_status(reply: bytes) -> tuple[str, str]:
    """Decode a Zebra's answer to ~HS (three STX…ETX strings; ZPL II guide, "~HS").

    String 1: comm settings, paper out, pause, label length, formats in buffer, buffer full, …
    String 2: function settings, unused, head up, ribbon out, …
    """
    lines = [part.split(b"\x03", 1)[0] for part in reply.split(b"\x02")[1:]]
    if len(lines) < 2:
        return UNKNOWN, "the printer did not answer the status query"
    one = lines[0].decode("ascii", "replace").split(",")
    two = lines[1].decode("ascii", "replace").split(",")
    if len(one) < 6 or len(two) < 4:
        return UNKNOWN, "the printer's status answer could not be read"
    if one[1] == "1":
        return PAPER_OUT, "the printer is out of labels — load a new roll"
    if two[2] == "1":
        return OFFLINE, "the print head is open — close it"
    if two[3] == "1":
        return PAPER_OUT, "the ribbon has run out — load a new ribbon"
    if one[2] == "1":
        return STOPPED, "the printer is paused — press PAUSE to resume"
    if one[5] == "1":
        return BUSY, "the printer's buffer is full — it is still printing"
    return ONLINE, ""


async def store_status(name: str, state: str, detail: str = "") -> PrinterStatus:
    """Upsert the printer's row; returns what was stored."""
    detail = detail[:500]
    await PrinterStatusRow.update_or_create(defaults={"state": state, "detail": detail}, name=name)
    return PrinterStatus(name, state, detail, datetime.now(UTC))


async def load_statuses() -> dict[str, PrinterStatus]:
    rows = await PrinterStatusRow.all()
    return {r.name: PrinterStatus(r.name, r.state, r.detail, r.checked_at) for r in rows}
