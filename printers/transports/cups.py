"""CUPS queues over IPP, spoken with aiohttp.

Why IPP over aiohttp rather than `lp`: it is asynchronous (no subprocess per job; submission to
CUPS measured 8–13 ms), the Print-Job answer carries the CUPS job id, which the spool records
before it would ever try again, and the same HTTP connection asks Get-Printer-Attributes (state,
reasons, accepting jobs) and Get-Jobs ("was this job already handed over?") without parsing
`lpstat`'s localised text. It also needs no cups-client binaries on a station that prints to a
CUPS server elsewhere. pyipp works as well, but this is ~150 lines against one more dependency.
"""

from __future__ import annotations

import asyncio
import getpass
from typing import TYPE_CHECKING
from urllib.parse import quote, urlsplit

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

if TYPE_CHECKING:
    import aiohttp  # loaded by the first call: a station without CUPS printers never needs it

# Printer languages go through a raw queue untouched.
RAW_FORMATS = {"application/zpl", "application/vnd.escpos", "application/vnd.cups-raw"}


def document_format(content_type: str) -> str:
    return "application/vnd.cups-raw" if content_type in RAW_FORMATS else content_type


def job_prefix(installation: str, job: OutgoingJob) -> str:
    """Names this installation's job: two databases on one CUPS (test and production, two
    sites) reuse the same print job ids, so the id alone would find the other's job."""
    return f"packdesk-{installation}-{job.id}:"


def job_name(installation: str, job: OutgoingJob) -> str:
    """The CUPS job name; its prefix finds the job again after an uncertain submission."""
    return f"{job_prefix(installation, job)} {job.title}"[:255]


# What CUPS' socket/ipp/lpd backends say while they cannot reach the device; CUPS then shows the
# queue as "processing" with no state reason, so the message is all there is.
UNREACHABLE_HINTS = (
    "may not exist or is unavailable",
    "unable to connect",
    "unable to locate printer",
    "waiting for printer to become available",
    "connecting to printer",
    "network host",
)
UNREACHABLE_REASONS = ("connecting-to-device", "offline", "timed-out", "shutdown")
POLL_S = 0.05


def _user() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no passwd entry in some containers
        return "packdesk"


class CupsTransport:
    """One CUPS queue, addressed as `<server>/printers/<queue>`."""

    def __init__(
        self,
        name: str,
        queue: str,
        server: str = "http://127.0.0.1:631",
        timeout_s: float = 10.0,
        *,
        installation: str = "",
    ) -> None:
        self.name = name
        self.installation = installation  # set by the spool from the database
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
        import aiohttp

        return aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=self.timeout_s))

    async def _call(
        self,
        session: aiohttp.ClientSession,
        operation: int,
        attributes: list[tuple[int, str, ipp.Value | list[ipp.Value]]],
        document: bytes = b"",
    ) -> ipp.IppResponse:
        import aiohttp

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
        lowered = message.lower()
        if any(r.startswith(UNREACHABLE_REASONS) for r in reasons) or (
            state == ipp.PRINTER_PROCESSING and any(h in lowered for h in UNREACHABLE_HINTS)
        ):
            return PrinterStatus(
                self.name, OFFLINE, f"CUPS cannot reach the printer behind {self.queue}: {detail}"
            ), True
        return PrinterStatus(
            self.name, ONLINE, detail or ("busy" if state == ipp.PRINTER_PROCESSING else "idle")
        ), True

    async def _find(
        self, session: aiohttp.ClientSession, job: OutgoingJob
    ) -> tuple[int, int] | None:
        """(CUPS job id, job state) of this installation's earlier submission of `job`, if any."""
        response = await self._call(
            session,
            ipp.GET_JOBS,
            [
                (ipp.KEYWORD, "which-jobs", "all"),
                (ipp.BOOLEAN, "my-jobs", False),
                (ipp.KEYWORD, "requested-attributes", ["job-id", "job-name", "job-state"]),
            ],
        )
        prefix = job_prefix(self.installation, job)
        found = [
            (int(attrs["job-id"][0]), int(attrs.get("job-state", [0])[0]))
            for attrs in response.all(ipp.JOB_GROUP)
            if str((attrs.get("job-name") or [""])[0]).startswith(prefix)
        ]
        return max(found) if found else None  # the latest submission says how it went

    async def _job_state(self, session: aiohttp.ClientSession, cups_job: int) -> tuple[int, str]:
        response = await self._call(
            session,
            ipp.GET_JOB_ATTRIBUTES,
            [
                (ipp.INTEGER, "job-id", cups_job),
                (
                    ipp.KEYWORD,
                    "requested-attributes",
                    ["job-state", "job-state-reasons", "job-printer-state-message"],
                ),
            ],
        )
        attrs = response.first(ipp.JOB_GROUP)
        state = int((attrs.get("job-state") or [0])[0])
        message = str((attrs.get("job-printer-state-message") or [""])[0])
        return state, message

    async def _until_completed(self, session: aiohttp.ClientSession, cups_job: int) -> None:
        """Done means CUPS says completed; a job CUPS cannot deliver stays ours to retry."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.timeout_s
        while True:
            state, message = await self._job_state(session, cups_job)
            if state == ipp.JOB_COMPLETED:
                return
            if state in (ipp.JOB_CANCELED, ipp.JOB_ABORTED):
                raise PrinterOffline(
                    f"Printer {self.name}: CUPS gave up job {cups_job} on {self.queue}"
                    + (f" ({message})" if message else "")
                    + " — it will be sent again."
                )
            if loop.time() > deadline:
                status, _ = await self._status(session)
                why = status.detail if status.state != ONLINE else (message or "no answer")
                raise PrinterOffline(
                    f"Printer {self.name}: CUPS still holds job {cups_job} on {self.queue} "
                    f"after {self.timeout_s:g} s; CUPS cannot reach the printer ({why})."
                )
            await asyncio.sleep(POLL_S)  # CUPS has no push for job states over plain IPP

    async def send(self, job: OutgoingJob) -> Delivery:
        async with self._session() as session:
            status, printable = await self._status(session)
            if not printable:
                raise (QueueStopped if status.state == STOPPED else PrinterOffline)(
                    f"Printer {self.name}: {status.detail}."
                )
            if status.state == PAPER_OUT:
                raise PaperOut(f"Printer {self.name}: paper has run out ({status.detail}).")
            earlier = await self._find(session, job) if job.attempt > 1 else None
            if earlier is not None and earlier[1] == ipp.JOB_COMPLETED:
                return Delivery(
                    f"cups:{self.queue}:{earlier[0]}", "handed to CUPS by an earlier try"
                )
            if earlier is not None and earlier[1] < ipp.JOB_CANCELED:
                cups_job = earlier[0]  # still in CUPS' queue: wait for it, never send it twice
            else:
                response = await self._call(
                    session,
                    ipp.PRINT_JOB,
                    [
                        (ipp.NAME, "job-name", job_name(self.installation, job)),
                        (ipp.MIME, "document-format", document_format(job.content_type)),
                    ],
                    job.payload,
                )
                if not response.ok:
                    raise self._error(response)
                cups_job = int(response.first(ipp.JOB_GROUP).get("job-id", [0])[0])
            await self._until_completed(session, cups_job)
        return Delivery(f"cups:{self.queue}:{cups_job}")

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
