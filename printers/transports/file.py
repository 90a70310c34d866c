"""A file or device node (e.g. /dev/usb/lp0) that takes raw printer bytes; written in a thread."""

from __future__ import annotations

import asyncio
from pathlib import Path

from printers.errors import PrinterOffline
from printers.status import OFFLINE, ONLINE, PrinterStatus
from printers.transports.base import Delivery, OutgoingJob


class FileTransport:
    """Append each job to `path`; a device node that is missing means the printer is unplugged."""

    def __init__(self, name: str, path: Path) -> None:
        self.name = name
        self.path = path

    def _append(self, payload: bytes) -> None:
        with self.path.open("ab") as out:
            out.write(payload)
            out.flush()

    async def send(self, job: OutgoingJob) -> Delivery:
        try:
            await asyncio.to_thread(self._append, job.payload)
        except OSError as exc:
            raise PrinterOffline(
                f"Printer {self.name}: cannot write to {self.path} ({exc.strerror or exc}) — "
                "is it plugged in?"
            ) from None
        return Delivery(f"file:{self.path}")

    async def probe(self) -> PrinterStatus:
        if self.path.parent.is_dir() and (not self.path.exists() or self.path.is_file()):
            return PrinterStatus(self.name, ONLINE, f"writes to {self.path}")
        if self.path.exists():
            return PrinterStatus(self.name, ONLINE, f"device {self.path}")
        return PrinterStatus(self.name, OFFLINE, f"{self.path} does not exist")
