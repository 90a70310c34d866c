"""Transports, one per module: raw TCP 9100, USB, serial, file, CUPS (IPP) and folder."""

from __future__ import annotations

from core.config import CupsPrinter, EscposPrinter, FolderPrinter, ZplPrinter
from printers.errors import PrinterError
from printers.transports.base import Delivery, OutgoingJob, Transport
from printers.transports.cups import CupsTransport
from printers.transports.file import FileTransport
from printers.transports.folder import FolderTransport
from printers.transports.serial import SerialTransport
from printers.transports.tcp import RawTcpTransport
from printers.transports.usb import UsbTransport

PrinterSettings = EscposPrinter | ZplPrinter | CupsPrinter | FolderPrinter


def make_transport(name: str, printer: PrinterSettings) -> Transport:
    """The transport the config asks for; a missing address is a config error naming the key."""

    def need(value: object, key: str) -> None:
        if not value:
            raise PrinterError(f"printers.{name}.{key} is not set; the printer cannot be reached.")

    if isinstance(printer, EscposPrinter):
        if printer.connection == "network":
            need(printer.host, "host")
            return RawTcpTransport(
                name,
                printer.host,
                printer.port,
                printer.timeout_s,
                escpos_status=printer.status_query,
            )
        if printer.connection == "usb":
            need(printer.usb_vendor, "usb_vendor")
            need(printer.usb_product, "usb_product")
            assert printer.usb_vendor is not None and printer.usb_product is not None
            return UsbTransport(name, printer.usb_vendor, printer.usb_product, printer.timeout_s)
        if printer.connection == "serial":
            need(printer.serial_device, "serial_device")
            return SerialTransport(name, printer.serial_device, printer.baudrate, printer.timeout_s)
        need(printer.path, "path")
        assert printer.path is not None
        return FileTransport(name, printer.path)
    if isinstance(printer, ZplPrinter):
        if printer.connection == "cups":
            need(printer.queue, "queue")
            return CupsTransport(name, printer.queue, printer.server, printer.timeout_s)
        need(printer.host, "host")
        return RawTcpTransport(
            name, printer.host, printer.port, printer.timeout_s, zpl_status=printer.status_query
        )
    if isinstance(printer, CupsPrinter):
        return CupsTransport(name, printer.queue, printer.server, printer.timeout_s)
    return FolderTransport(name, printer.path)


__all__ = [
    "CupsTransport",
    "Delivery",
    "FileTransport",
    "FolderTransport",
    "OutgoingJob",
    "RawTcpTransport",
    "SerialTransport",
    "Transport",
    "UsbTransport",
    "make_transport",
]
