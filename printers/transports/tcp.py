"""Raw TCP (AppSocket/JetDirect, port 9100) for ESC/POS and ZPL printers, with asyncio streams.

Every step has a deadline (never python-escpos' blocking 60 s socket on the event loop); the
steps of a job use `asyncio.timeout`, which, unlike `wait_for`, costs no extra task per step. A job
counts as delivered when all bytes were written, the end of the job was sent (half-close), the
printer's TCP stack acknowledged every byte and the end (SIOCOUTQ = 0), and the printer then
closed its side without a reset (or stayed quiet, for printers that keep the connection open).
Anything short of that is a partial job: the spool sends it again, whole.
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import socket
import struct
import termios

from printers.errors import (
    PaperOut,
    PrinterBusy,
    PrinterHanging,
    PrinterOffline,
    PrinterUnavailable,
    QueueStopped,
)
from printers.render.escpos import STATUS_QUERY
from printers.status import (
    BUSY,
    ERROR,
    OFFLINE,
    ONLINE,
    PAPER_OUT,
    STOPPED,
    ZEBRA_STATUS_QUERY,
    PrinterStatus,
    parse_zebra_status,
)
from printers.status import parse_escpos_status as parse_status
from printers.transports.base import Delivery, OutgoingJob

CHUNK = 64 * 1024
POLL_S = 0.01
MAX_SKIPPED_QUERIES = 16  # a printer that never answers is still asked now and then
# After every byte was acknowledged, how long a printer that keeps the connection open must stay
# quiet (no reset) before the job counts as delivered.
QUIET_S = 0.25


def _unacknowledged(writer: asyncio.StreamWriter) -> int | None:
    """Bytes the peer has not acknowledged yet (Linux SIOCOUTQ); None where unknown."""
    sock = writer.get_extra_info("socket")
    if sock is None or sock.fileno() < 0:
        return None
    try:
        raw = fcntl.ioctl(sock.fileno(), termios.TIOCOUTQ, struct.pack("i", 0))
    except OSError:
        return None
    return int(struct.unpack("i", raw)[0])


def _socket_error(writer: asyncio.StreamWriter) -> int:
    """A pending socket error (a reset that arrived after the printer's FIN), 0 when none."""
    sock = writer.get_extra_info("socket")
    if sock is None or sock.fileno() < 0:
        return 0
    try:
        return int(sock.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR))
    except OSError as exc:
        return exc.errno or -1


class RawTcpTransport:
    """Send jobs to host:port; optionally ask an ESC/POS printer for its status first (DLE EOT)."""

    def __init__(
        self,
        name: str,
        host: str,
        port: int = 9100,
        timeout_s: float = 5.0,
        *,
        escpos_status: bool = False,
        zpl_status: bool = False,
        status_timeout_s: float = 0.5,
    ) -> None:
        self.name = name
        self.host = host
        self.port = port
        self.timeout_s = timeout_s
        self.escpos_status = escpos_status
        self.zpl_status = zpl_status
        self.status_timeout_s = min(status_timeout_s, timeout_s)
        # Learnt: some printers never answer. One miss may be a busy moment, so the next job
        # asks again; after two in a row, jobs skip the question 1, 2, 4 … 16 times between tries.
        self._answers_status: bool | None = None
        self._misses = 0
        self._skip = 0

    @property
    def address(self) -> str:
        return f"{self.host}:{self.port}"

    async def _connect(self) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
        try:
            async with asyncio.timeout(self.timeout_s):
                return await asyncio.open_connection(self.host, self.port)
        except TimeoutError:
            reason = f"no answer within {self.timeout_s:g} s"
        except OSError as exc:
            reason = exc.strerror or str(exc)
        raise PrinterOffline(
            f"Printer {self.name} at {self.address} cannot be reached ({reason}) — "
            "is it switched on and connected?"
        )

    async def _query(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> tuple[str, str] | None:
        """Ask the printer how it is (DLE EOT for ESC/POS, ~HS for a Zebra); None: no answer."""
        if not (self.escpos_status or self.zpl_status):
            return None
        if self._skip > 0:
            self._skip -= 1
            return None
        try:
            if self.zpl_status:
                writer.write(ZEBRA_STATUS_QUERY)
                await asyncio.wait_for(writer.drain(), self.timeout_s)
                reply = b""
                while reply.count(b"\x03") < 3:  # three STX … ETX strings
                    reply += await asyncio.wait_for(
                        reader.readuntil(b"\x03"), self.status_timeout_s
                    )
                parsed = parse_zebra_status(reply)
            else:
                writer.write(STATUS_QUERY)
                async with asyncio.timeout(self.timeout_s):
                    await writer.drain()
                async with asyncio.timeout(self.status_timeout_s):
                    reply = await reader.readexactly(3)
                parsed = parse_status(reply)
        except (TimeoutError, asyncio.IncompleteReadError, asyncio.LimitOverrunError, OSError):
            self._answers_status = False
            self._misses += 1
            if self._misses >= 2:
                self._skip = min(MAX_SKIPPED_QUERIES, 2 ** (self._misses - 2))
            return None
        self._answers_status, self._misses = True, 0
        return parsed

    def _refuse(self, state: str, detail: str, after: str = "") -> None:
        """Raise the error for a printer state that cannot take a job; return when it can."""
        text = f"Printer {self.name}: {detail}{after}."
        if state == PAPER_OUT:
            raise PaperOut(text)
        if state == STOPPED:
            raise QueueStopped(text)
        if state == BUSY:
            raise PrinterBusy(text)
        if state in (OFFLINE, ERROR):
            raise PrinterOffline(text)

    async def _why_it_failed(self, failure: PrinterUnavailable) -> None:
        """After a failed job, ask a Zebra on a fresh connection; raise what it says, if anything."""
        if not self.zpl_status:
            return
        with contextlib.suppress(PrinterOffline):
            reader, writer = await self._connect()
            try:
                status = await self._query(reader, writer)
            finally:
                await self._close(writer)
            if status is not None:
                self._refuse(*status, after=" — the job will be sent again, whole")

    @staticmethod
    async def _close(writer: asyncio.StreamWriter) -> None:
        writer.close()
        with contextlib.suppress(Exception):
            async with asyncio.timeout(1.0):
                await writer.wait_closed()

    async def send(self, job: OutgoingJob) -> Delivery:
        reader, writer = await self._connect()
        try:
            status = await self._query(reader, writer)
            if status is not None:
                self._refuse(*status)
            return await self._write(reader, writer, job.payload)
        except PrinterHanging as failure:
            await self._close(writer)
            await self._why_it_failed(failure)
            raise
        finally:
            await self._close(writer)

    async def _write(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, payload: bytes
    ) -> Delivery:
        sent = 0
        try:
            for start in range(0, len(payload), CHUNK):
                chunk = payload[start : start + CHUNK]
                writer.write(chunk)
                await asyncio.wait_for(writer.drain(), self.timeout_s)
                sent += len(chunk)
            writer.write_eof()  # half-close: "that was the whole job"
        except (TimeoutError, ConnectionError, OSError) as exc:
            raise PrinterHanging(
                f"Printer {self.name} stopped taking data after {sent} of {len(payload)} bytes "
                f"({type(exc).__name__}) — the job will be sent again, whole."
            ) from None
        await self._until_taken(reader, writer, len(payload))
        ref = f"tcp:{self.address}:{len(payload)}B"
        if not reader.at_eof():
            return Delivery(ref, "the printer did not confirm the end of the job")
        return Delivery(ref)

    def _cut(self, size: int, pending: int | None, how: str) -> PrinterHanging:
        taken = f"{size - pending} of {size} bytes" if pending else f"part of the {size} bytes"
        return PrinterHanging(
            f"Printer {self.name} {how} after {taken} — the job will be sent again, whole."
        )

    async def _until_taken(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, size: int
    ) -> None:
        """Return once the printer has the whole job; raise `PrinterHanging` when it has not.

        The printer has it when it closes its side after acknowledging every byte and our end
        of job (SIOCOUTQ = 0, no reset), or when everything was acknowledged and the line stayed
        quiet for QUIET_S (printers that keep the connection open: no 5 s wait per job).
        A reset, or a close while bytes are still unacknowledged, is a cut.
        """
        closed = asyncio.ensure_future(self._until_closed(reader))
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.timeout_s
        quiet_since: float | None = None
        try:
            while True:
                await asyncio.wait((closed,), timeout=POLL_S)
                if closed.done():
                    if closed.exception() is not None:  # reset: the printer threw bytes away
                        raise self._cut(size, None, "dropped the connection")
                    pending = _unacknowledged(writer)
                    if pending or _socket_error(writer):
                        raise self._cut(size, pending, "closed the connection")
                    return
                pending = _unacknowledged(writer)
                now = loop.time()
                if pending == 0:
                    quiet_since = now if quiet_since is None else quiet_since
                    if now - quiet_since >= QUIET_S:
                        return
                else:
                    quiet_since = None
                if now > deadline:
                    raise self._cut(size, pending, "took only part of the job and stopped")
        finally:
            closed.cancel()
            with contextlib.suppress(BaseException):
                await closed

    @staticmethod
    async def _until_closed(reader: asyncio.StreamReader) -> None:
        while await reader.read(4096):
            pass  # back-channel bytes (late status replies) are of no use here

    async def probe(self) -> PrinterStatus:
        try:
            reader, writer = await self._connect()
        except PrinterOffline as exc:
            return PrinterStatus(self.name, OFFLINE, str(exc))
        try:
            status = await self._query(reader, writer)
            writer.write_eof()
        except OSError as exc:
            return PrinterStatus(self.name, OFFLINE, str(exc))
        finally:
            await self._close(writer)
        if status is None:
            quiet = (self.escpos_status or self.zpl_status) and self._answers_status is False
            detail = "connected; it does not answer status queries" if quiet else "connected"
            return PrinterStatus(self.name, ONLINE, detail)
        state, detail = status
        return PrinterStatus(self.name, state, detail or "ready")
