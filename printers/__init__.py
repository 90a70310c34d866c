"""The printer layer: render (ESC/POS, ZPL, PDF), transports (TCP 9100, USB, serial, file, CUPS,
folder), and the durable spool that implements core's `PrintPort`. Never imports console/textual."""

from printers.errors import (
    NoPrinterRoute,
    PaperOut,
    PrinterError,
    PrinterOffline,
    PrinterUnavailable,
    QueueStopped,
    UnknownPrintJob,
    UnprintableJob,
)
from printers.render import PICK_SLIP_TYPE, PickLine, PickSlip
from printers.spool import PrintJobView, Spool, pick_slip_request
from printers.status import PrinterStatus
from printers.worker import Backoff, PrinterWorker

__all__ = [
    "PICK_SLIP_TYPE",
    "Backoff",
    "NoPrinterRoute",
    "PaperOut",
    "PickLine",
    "PickSlip",
    "PrintJobView",
    "PrinterError",
    "PrinterOffline",
    "PrinterStatus",
    "PrinterUnavailable",
    "PrinterWorker",
    "QueueStopped",
    "Spool",
    "UnknownPrintJob",
    "UnprintableJob",
    "pick_slip_request",
]
