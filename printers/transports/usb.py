"""USB ESC/POS printers through python-escpos (pyusb), in a thread so the event loop never blocks."""

from __future__ import annotations

import asyncio
import importlib.util
from typing import Any

from printers.errors import MissingDependency, PaperOut, PrinterOffline
from printers.status import OFFLINE, ONLINE, PAPER_OUT, PrinterStatus
from printers.transports.base import Delivery, OutgoingJob


def require_pyusb() -> None:
    if importlib.util.find_spec("usb") is None:
        raise MissingDependency(
            "USB printers need pyusb, which is not installed — "
            "run: pip install 'python-escpos[usb]' (and install libusb-1.0)."
        )


class UsbTransport:
    """One USB printer by vendor and product id."""

    def __init__(self, name: str, vendor: int, product: int, timeout_s: float = 5.0) -> None:
        self.name = name
        self.vendor = vendor
        self.product = product
        self.timeout_s = timeout_s

    def _open(self) -> Any:
        require_pyusb()
        from escpos.printer import Usb

        printer = Usb(self.vendor, self.product, timeout=int(self.timeout_s * 1000))
        try:
            printer.open(raise_not_found=True)
        except Exception as exc:  # escpos raises USBNotFoundError, usb.core errors …
            raise PrinterOffline(
                f"USB printer {self.name} ({self.vendor:04x}:{self.product:04x}) is not connected "
                f"({exc}) — check the cable and power."
            ) from None
        return printer

    def _send(self, payload: bytes) -> None:
        printer = self._open()
        try:
            if printer.paper_status() == 0:
                raise PaperOut(f"USB printer {self.name}: paper has run out — load a new roll.")
            printer._raw(payload)
        except (PaperOut, MissingDependency):
            raise
        except Exception as exc:
            raise PrinterOffline(
                f"USB printer {self.name} failed while printing ({exc})."
            ) from None
        finally:
            printer.close()

    async def send(self, job: OutgoingJob) -> Delivery:
        await asyncio.to_thread(self._send, job.payload)
        return Delivery(f"usb:{self.vendor:04x}:{self.product:04x}")

    def _probe(self) -> PrinterStatus:
        try:
            printer = self._open()
        except (PrinterOffline, MissingDependency) as exc:
            return PrinterStatus(self.name, OFFLINE, str(exc))
        try:
            if printer.paper_status() == 0:
                return PrinterStatus(self.name, PAPER_OUT, "paper has run out")
            return PrinterStatus(self.name, ONLINE if printer.is_online() else OFFLINE, "")
        except Exception as exc:
            return PrinterStatus(self.name, OFFLINE, str(exc))
        finally:
            printer.close()

    async def probe(self) -> PrinterStatus:
        return await asyncio.to_thread(self._probe)
