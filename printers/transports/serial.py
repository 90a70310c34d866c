"""Serial (RS-232 / USB-serial) ESC/POS printers through python-escpos (pyserial), in a thread."""

from __future__ import annotations

import asyncio
import importlib.util
from typing import Any

from printers.errors import MissingDependency, PrinterOffline
from printers.status import OFFLINE, ONLINE, PAPER_OUT, PrinterStatus
from printers.transports.base import Delivery, OutgoingJob


def require_pyserial() -> None:
    if importlib.util.find_spec("serial") is None:
        raise MissingDependency(
            "Serial printers need pyserial, which is not installed — "
            "run: pip install 'python-escpos[serial]'."
        )


class SerialTransport:
    """One printer on a serial device such as /dev/ttyUSB0."""

    def __init__(
        self, name: str, device: str, baudrate: int = 9600, timeout_s: float = 5.0
    ) -> None:
        self.name = name
        self.device = device
        self.baudrate = baudrate
        self.timeout_s = timeout_s

    def _open(self) -> Any:
        require_pyserial()
        from escpos.printer import Serial

        printer = Serial(self.device, baudrate=self.baudrate, timeout=self.timeout_s)
        try:
            printer.open(raise_not_found=True)
        except Exception as exc:
            raise PrinterOffline(
                f"Serial printer {self.name} on {self.device} cannot be opened ({exc})."
            ) from None
        return printer

    def _send(self, payload: bytes) -> None:
        printer = self._open()
        try:
            printer._raw(payload)
        except Exception as exc:
            raise PrinterOffline(
                f"Serial printer {self.name} failed while printing ({exc})."
            ) from None
        finally:
            printer.close()

    async def send(self, job: OutgoingJob) -> Delivery:
        await asyncio.to_thread(self._send, job.payload)
        return Delivery(f"serial:{self.device}")

    def _probe(self) -> PrinterStatus:
        try:
            printer = self._open()
        except (PrinterOffline, MissingDependency) as exc:
            return PrinterStatus(self.name, OFFLINE, str(exc))
        try:
            if printer.paper_status() == 0:
                return PrinterStatus(self.name, PAPER_OUT, "paper has run out")
            return PrinterStatus(self.name, ONLINE, "")
        except Exception as exc:
            return PrinterStatus(self.name, ONLINE, f"port open; no status ({exc})")
        finally:
            printer.close()

    async def probe(self) -> PrinterStatus:
        return await asyncio.to_thread(self._probe)
