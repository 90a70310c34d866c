"""What every transport offers: send one job's bytes, and say how the printer is."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from printers.status import PrinterStatus


@dataclass(frozen=True)
class OutgoingJob:
    """A spooled job, rendered for its printer. `attempt` counts from 1."""

    id: int
    kind: str
    title: str
    payload: bytes
    content_type: str
    extension: str
    attempt: int = 1


@dataclass(frozen=True)
class Delivery:
    """Proof the transport handed the job over: a reference (CUPS job id, file name …) and a note."""

    ref: str
    note: str = ""


@runtime_checkable
class Transport(Protocol):
    """Send bytes to one printer. Raise `PrinterUnavailable` (retry) or `UnprintableJob` (never)."""

    name: str

    async def send(self, job: OutgoingJob) -> Delivery: ...

    async def probe(self) -> PrinterStatus: ...
