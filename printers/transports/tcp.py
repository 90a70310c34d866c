"""Raw TCP (AppSocket/JetDirect, port 9100) for ESC/POS and ZPL printers, with asyncio streams.

Every step has a deadline (never python-escpos' blocking 60 s socket on the event loop). A job
counts as delivered when all bytes were written, the end of the job was sent, and either the
printer closed its side or the kernel reports that the printer's TCP stack acknowledged every byte
(SIOCOUTQ = 0). Anything short of that is a partial job: the spool sends it again, whole.
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import struct
import termios

from printers.errors import PaperOut, PrinterHanging, PrinterOffline
from printers.render.escpos import STATUS_QUERY
from printers.status import ERROR, OFFLINE, ONLINE, PAPER_OUT, PrinterStatus
from printers.status import parse_escpos_status as parse_status
from printers.transports.base import Delivery, OutgoingJob

CHUNK = 64 * 1024


def _unacknowledged(writer: asyncio.StreamWriter) -> int | None:
    """Bytes the peer has not acknowledged yet (Linux SIOCOUTQ); None where unknown."""
    sock = writer.get_extra_info("socket")
    if sock is None:
        return None
    try:
        raw = fcntl.ioctl(sock.fileno(), termios.TIOCOUTQ, struct.pack("i", 0))
    except OSError:
        return None
    return int(struct.unpack("i", raw)[0])


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
        status_timeout_s: float = 0.5,
    ) -> None:
        self.name = name
        self.host = host
        self.port = port
        self.timeout_s = timeout_s
        self.escpos_status = escpos_status
        self.status_timeout_s = min(status_timeout_s, timeout_s)
        self._answers_status: bool | None = None  # learnt: some printers never answer DLE EOT

    @property
    def address(self) -> str:
        return f"{self.host}:{self.port}"

    async def _connect(self) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
        try:
            return await asyncio.wait_for(
                asyncio.open_connection(self.host, self.port), self.timeout_s
            )
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
        if not self.escpos_status or self._answers_status is False:
            return None
        writer.write(STATUS_QUERY)
        try:
            await asyncio.wait_for(writer.drain(), self.timeout_s)
            reply = await asyncio.wait_for(reader.readexactly(3), self.status_timeout_s)
        except (TimeoutError, asyncio.IncompleteReadError, ConnectionError):
            self._answers_status = False
            return None
        self._answers_status = True
        return parse_status(reply)

    @staticmethod
    async def _close(writer: asyncio.StreamWriter) -> None:
        writer.close()
        with contextlib.suppress(Exception):
            await asyncio.wait_for(writer.wait_closed(), 1.0)

    async def send(self, job: OutgoingJob) -> Delivery:
        reader, writer = await self._connect()
        try:
            status = await self._query(reader, writer)
            if status is not None:
                state, detail = status
                if state == PAPER_OUT:
                    raise PaperOut(f"Printer {self.name}: {detail}.")
                if state in (OFFLINE, ERROR):
                    raise PrinterOffline(f"Printer {self.name}: {detail}.")
            return await self._write(reader, writer, job.payload)
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
            writer.write_eof()
        except (TimeoutError, ConnectionError, OSError) as exc:
            raise PrinterHanging(
                f"Printer {self.name} stopped taking data after {sent} of {len(payload)} bytes "
                f"({type(exc).__name__}) — the job will be sent again, whole."
            ) from None
        ref = f"tcp:{self.address}:{len(payload)}B"
        try:
            await asyncio.wait_for(self._until_closed(reader), self.timeout_s)
        except (TimeoutError, ConnectionError, OSError):
            pending = _unacknowledged(writer)
            if pending:
                raise PrinterHanging(
                    f"Printer {self.name} took only part of the job "
                    f"({len(payload) - pending} of {len(payload)} bytes) and stopped — "
                    "the job will be sent again, whole."
                ) from None
            note = "" if pending == 0 else "the printer did not confirm the end of the job"
            return Delivery(ref, note)
        return Delivery(ref)

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
            quiet = self.escpos_status and self._answers_status is False
            detail = "connected; it does not answer status queries" if quiet else "connected"
            return PrinterStatus(self.name, ONLINE, detail)
        state, detail = status
        return PrinterStatus(self.name, state, detail or "ready")
