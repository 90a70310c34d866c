"""Typed printer errors. Each message is a sentence a packer or supervisor can act on.

`PrinterUnavailable` and its subclasses are transient: the spool keeps the job and tries again with
backoff. `UnprintableJob` is permanent: the job fails with its reason and is never retried.
"""

from __future__ import annotations

from core.errors import PackdeskError, UserInputError


class PrinterError(PackdeskError):
    """Something went wrong between Packdesk and a printer."""


class PrinterUnavailable(PrinterError):
    """The printer cannot take the job right now; the spool will try again.

    `state` is what the printer status shows: offline, paper_out, stopped, busy.
    """

    state = "offline"


class PrinterOffline(PrinterUnavailable):
    """No connection: the printer is switched off, unplugged or the address is wrong."""

    state = "offline"


class PrinterHanging(PrinterUnavailable):
    """The printer took part of the job and then stopped reading (timeout)."""

    state = "offline"


class PaperOut(PrinterUnavailable):
    """The printer says its paper has run out (or its cover is open)."""

    state = "paper_out"


class PrinterBusy(PrinterUnavailable):
    """The printer cannot take more right now (its buffer is full)."""

    state = "busy"


class QueueStopped(PrinterUnavailable):
    """A CUPS queue is stopped or refuses jobs."""

    state = "stopped"


class UnprintableJob(PrinterError):
    """The job itself cannot be printed on this printer (corrupt file, wrong format); never retried."""


class MissingDependency(PrinterError):
    """An optional library the configured connection needs is not installed."""


class NoPrinterRoute(UserInputError):
    """The station has no printer for this kind of document."""

    def __init__(self, station: str, kind: str) -> None:
        super().__init__(
            f"Station {station!r} has no printer for {kind.replace('_', ' ')}s — "
            f"add stations.{station}.routes.{kind} to the config, then print again."
        )
        self.station = station
        self.kind = kind


class UnknownPrintJob(UserInputError):
    """No print job with this id."""
