"""CUPS queues over IPP, spoken with aiohttp.

Why IPP over aiohttp rather than `lp`: it is asynchronous (no subprocess per job; submission to
CUPS measured 8–13 ms), the Print-Job answer carries the CUPS job id, which the spool records
before it would ever try again, and the same HTTP connection asks Get-Printer-Attributes (state,
reasons, accepting jobs) and Get-Jobs ("was this job already handed over?") without parsing
`lpstat`'s localised text. It also needs no cups-client binaries on a station that prints to a
CUPS server elsewhere. pyipp works as well, but this is ~150 lines against one more dependency.
"""

from __future__ import annotations

import getpass
from urllib.parse import quote, urlsplit

import aiohttp

from printers.errors import (
    PaperOut,
    PrinterError,
    PrinterHanging,
    PrinterOffline,
    QueueStopped,
    UnprintableJob,
)
from printers.status import OFFLINE, ONLINE, PAPER_OUT, STOPPED, PrinterStatus
from printers.transports import ipp
from printers.transports.base import Delivery, OutgoingJob

# Printer languages go through a raw queue untouched.
RAW_FORMATS = {"application/zpl", "application/vnd.escpos", "application/vnd.cups-raw"}


def document_format(content_type: str) -> str:
    return "application/vnd.cups-raw" if content_type in RAW_FORMATS else content_type


def job_name(job: OutgoingJob) -> str:
    """The CUPS job name; its prefix finds the job again after an uncertain submission."""
    return f"packdesk-{job.id}: {job.title}"[:255]


def _user() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no passwd entry in some containers
        return "packdesk"


class CupsTransport:
    """One CUPS queue, addressed as `<server>/printers/<queue>`."""

    def __init__(
        self, name: str, queue: str, server: str = "http://127.0.0.1:631", timeout_s: float = 10.0
    ) -> None:
        self.name = name
        self.queue = queue
        self.server = server.rstrip("/")
        self.timeout_s = timeout_s
        self.url = f"{self.server}/printers/{quote(queue)}"
        parts = urlsplit(self.server)
        scheme = "ipps" if parts.scheme == "https" else "ipp"
        self.printer_uri = (
            f"{scheme}://{parts.hostname}:{parts.port or 631}/printers/{quote(queue)}"
        )
        self._request_id = 0
        self._user = _user()

    def _session(self) -> aiohttp.ClientSession:
        return aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=self.timeout_s))

    async def _call(
        self,
        session: aiohttp.ClientSession,
        operation: int,
        attributes: list[tuple[int, str, ipp.Value | list[ipp.Value]]],
        document: bytes = b"",
    ) -> ipp.IppResponse:
        self._request_id += 1
        body = ipp.encode_request(
            operation, self._request_id, self.printer_uri, attributes, document, self._user
        )
        try:
            async with session.post(
                self.url, data=body, headers={"Content-Type": "application/ipp"}
            ) as response:
                if response.status != 200:
                    raise PrinterOffline(
                        f"CUPS at {self.server} refused the request (HTTP {response.status})."
                    )
                return ipp.decode_response(await response.read())
        except TimeoutError:
            raise PrinterHanging(
                f"CUPS at {self.server} did not answer within {self.timeout_s:g} s."
            ) from None
        except aiohttp.ClientConnectorError as exc:
            raise PrinterOffline(
                f"CUPS at {self.server} cannot be reached ({exc.os_error.strerror or exc}) — "
                "is cupsd running?"
            ) from None
        except (aiohttp.ClientError, ValueError) as exc:
            raise PrinterHanging(f"CUPS at {self.server} broke off the answer ({exc}).") from None

    async def _status(self, session: aiohttp.ClientSession) -> tuple[PrinterStatus, bool]:
        response = await self._call(
            session,
            ipp.GET_PRINTER_ATTRIBUTES,
            [
                (
                    ipp.KEYWORD,
                    "requested-attributes",
                    [
                        "printer-state",
                        "printer-state-reasons",
                        "printer-state-message",
                        "printer-is-accepting-jobs",
                    ],
                )
            ],
        )
        if response.status == 0x0406:
            status = PrinterStatus(self.name, OFFLINE, f"CUPS has no queue named {self.queue!r}")
            return status, False
        if not response.ok:
            return PrinterStatus(self.name, OFFLINE, response.message()), False
        attrs = response.first(ipp.PRINTER_GROUP)
        state = attrs.get("printer-state", [ipp.PRINTER_IDLE])[0]
        reasons = [str(r) for r in attrs.get("printer-state-reasons", []) if r != "none"]
        message = str((attrs.get("printer-state-message") or [""])[0])
        accepting = bool((attrs.get("printer-is-accepting-jobs") or [True])[0])
        detail = "; ".join(p for p in (message, ", ".join(reasons)) if p)
        if not accepting:
            return PrinterStatus(
                self.name, STOPPED, f"queue {self.queue} rejects jobs (cupsaccept {self.queue})"
            ), False
        if state == ipp.PRINTER_STOPPED:
            return PrinterStatus(
                self.name,
                STOPPED,
                f"queue {self.queue} is stopped (cupsenable {self.queue})"
                + (f": {detail}" if detail else ""),
            ), False
        if any(r.startswith("media-empty") or r.startswith("media-needed") for r in reasons):
            return PrinterStatus(self.name, PAPER_OUT, detail), True
        if any(r.startswith("offline") for r in reasons):
            return PrinterStatus(self.name, OFFLINE, detail), True
        return PrinterStatus(
            self.name, ONLINE, detail or ("busy" if state == ipp.PRINTER_PROCESSING else "idle")
        ), True

    async def _find(self, session: aiohttp.ClientSession, job: OutgoingJob) -> int | None:
        """The CUPS job id of an earlier submission of `job`, if CUPS has one."""
        response = await self._call(
            session,
            ipp.GET_JOBS,
            [
                (ipp.KEYWORD, "which-jobs", "all"),
                (ipp.BOOLEAN, "my-jobs", False),
                (ipp.KEYWORD, "requested-attributes", ["job-id", "job-name"]),
            ],
        )
        prefix = f"packdesk-{job.id}:"
        for attrs in response.all(ipp.JOB_GROUP):
            names = attrs.get("job-name", [])
            if names and str(names[0]).startswith(prefix):
                return int(attrs["job-id"][0])
        return None

    async def send(self, job: OutgoingJob) -> Delivery:
        async with self._session() as session:
            status, printable = await self._status(session)
            if not printable:
                raise (QueueStopped if status.state == STOPPED else PrinterOffline)(
                    f"Printer {self.name}: {status.detail}."
                )
            if status.state == PAPER_OUT:
                raise PaperOut(f"Printer {self.name}: paper has run out ({status.detail}).")
            if job.attempt > 1 and (earlier := await self._find(session, job)) is not None:
                return Delivery(f"cups:{self.queue}:{earlier}", "handed to CUPS by an earlier try")
            response = await self._call(
                session,
                ipp.PRINT_JOB,
                [
                    (ipp.NAME, "job-name", job_name(job)),
                    (ipp.MIME, "document-format", document_format(job.content_type)),
                ],
                job.payload,
            )
        if response.ok:
            job_id = response.first(ipp.JOB_GROUP).get("job-id", ["?"])[0]
            return Delivery(f"cups:{self.queue}:{job_id!s}")
        raise self._error(response)

    def _error(self, response: ipp.IppResponse) -> PrinterError:
        text = f"Printer {self.name} (CUPS queue {self.queue}): {response.message()}"
        if response.status == 0x0406:
            return PrinterOffline(f"{text} — CUPS has no such queue.")
        if response.status == 0x0506:
            return QueueStopped(f"{text} — the queue rejects jobs.")
        if 0x0400 <= response.status < 0x0500:
            return UnprintableJob(f"{text}.")
        return PrinterOffline(f"{text}.")

    async def probe(self) -> PrinterStatus:
        try:
            async with self._session() as session:
                status, _ = await self._status(session)
                return status
        except PrinterError as exc:
            return PrinterStatus(self.name, OFFLINE, str(exc))
