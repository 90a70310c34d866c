"""A TCP 9100 printer for tests: records every job, answers ESC/POS status queries, can misbehave.

Modes: "ok" answers DLE EOT with "online, paper present"; "paper_out" says the roll is empty;
"mute" never answers status queries; "hang" reads `hang_after` bytes and then stops reading;
"never_close" reads the whole job but keeps the connection open. `received` holds the bytes each
connection delivered, in order. `zebra_status` is what a Zebra answers to `~HS` (see HS_REPLIES).
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
import struct
from dataclasses import dataclass, field

STX, ETX = b"\x02", b"\x03"


def hs_reply(
    paper_out: bool = False,
    paused: bool = False,
    head_open: bool = False,
    buffer_full: bool = False,
) -> bytes:
    """The three ~HS strings as a Zebra sends them (ZPL II guide, ~HS): STX fields ETX CR LF."""
    one = f"030,{int(paper_out)},{int(paused)},1245,000,{int(buffer_full)},0,0,000,0,0,0"
    two = f"000,0,{int(head_open)},0,0,2,4,0,00000000,1,000"
    three = "1234,0"
    return b"".join(STX + line.encode() + ETX + b"\r\n" for line in (one, two, three))


STATUS_REPLY = {"ok": {1: 0x12, 2: 0x12, 4: 0x12}, "paper_out": {1: 0x1A, 2: 0x32, 4: 0x72}}


@dataclass
class Sink:
    host: str = "127.0.0.1"
    port: int = 0
    mode: str = "ok"
    hang_after: int = 1000
    zebra_status: bytes = field(default_factory=hs_reply)
    zebra_replies: list[bytes] = field(default_factory=list)  # answered first, one per ~HS
    hs_queries: int = 0
    dle_queries: int = 0  # ESC/POS DLE EOT status requests
    received: list[int] = field(default_factory=list)  # raw bytes per connection (queries too)
    jobs: list[bytes] = field(default_factory=list)  # complete jobs (the client sent EOF)
    partial: list[bytes] = field(default_factory=list)  # connections that ended without EOF
    connections: int = 0
    _server: asyncio.Server | None = None
    _stalled: list[asyncio.StreamWriter] = field(default_factory=list)
    _release: asyncio.Event = field(default_factory=asyncio.Event)

    async def start(self) -> Sink:
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 16 * 1024)  # a hang shows up quickly
        sock.bind((self.host, self.port))
        self.port = sock.getsockname()[1]
        self._server = await asyncio.start_server(self._handle, sock=sock)
        return self

    async def stop(self) -> None:
        if self._server is not None:
            self._release.set()
            self._server.close()
            for writer in self._stalled:
                writer.transport.abort()
            self._stalled.clear()
            await self._server.wait_closed()
            self._server = None

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        buf = bytearray()
        total = 0
        at_start = True
        try:
            while True:
                if self.mode == "hang" and len(buf) >= self.hang_after:
                    self._stalled.append(writer)
                    await self._release.wait()  # a printer that stopped reading until stop()
                    raise ConnectionError("stalled")
                want = self.hang_after - len(buf) if self.mode == "hang" else 65536
                chunk = await reader.read(max(1, want))
                if not chunk:
                    if buf:
                        self.jobs.append(bytes(buf))
                    if self.mode == "never_close":
                        self._stalled.append(writer)
                        await self._release.wait()
                    break
                total += len(chunk)
                buf += chunk
                while at_start and buf[:3] == b"~HS":
                    del buf[:3]
                    self.hs_queries += 1
                    if self.mode != "mute":
                        reply = self.zebra_replies.pop(0) if self.zebra_replies else None
                        writer.write(reply or self.zebra_status)
                        await writer.drain()
                while at_start and buf[:2] == b"\x10\x04" and len(buf) >= 3:
                    n = buf[2]
                    del buf[:3]
                    self.dle_queries += 1
                    if self.mode in STATUS_REPLY:
                        writer.write(bytes([STATUS_REPLY[self.mode].get(n, 0x12)]))
                        await writer.drain()
                at_start = at_start and not buf
        except (ConnectionError, asyncio.CancelledError):
            if buf:
                self.partial.append(bytes(buf))
        finally:
            self.received.append(total)
            writer.close()


@dataclass
class CuttingPrinter:
    """A printer that takes `cut_after` bytes of each connection, then drops it.

    It reads with plain recv() of what it still wants, so the rest stays in its kernel buffer as in
    a real printer's. "fin" closes normally (Linux answers unread data with a reset anyway), "rst"
    aborts (SO_LINGER 0), "greedy" first empties its kernel buffer into the bin (a printer with a
    big input buffer that is switched off) so it closes with a plain FIN while the client still
    has unacknowledged bytes; "halfclose" says goodbye (FIN) mid-job and holds the connection,
    unread, until the next connection or stop() (the client sees a clean EOF first). `cut_after=None` takes everything, and closes after the client's EOF.
    """

    cut_after: int | None = 1000
    how: str = "fin"
    host: str = "127.0.0.1"
    port: int = 0
    received: list[int] = field(default_factory=list)
    jobs: list[bytes] = field(default_factory=list)  # connections that ended with the client's EOF
    _sock: socket.socket | None = None
    _task: asyncio.Task[None] | None = None
    _held: list[socket.socket] = field(default_factory=list)

    async def start(self) -> CuttingPrinter:
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 16 * 1024)
        sock.bind((self.host, self.port))
        sock.listen(8)
        sock.setblocking(False)
        self.port = sock.getsockname()[1]
        self._sock = sock
        self._task = asyncio.create_task(self._serve())
        return self

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(BaseException):
                await self._task
        if self._sock is not None:
            self._sock.close()
        self._drop_held()

    def _drop_held(self) -> None:
        for conn in self._held:
            conn.close()
        self._held.clear()

    async def _serve(self) -> None:
        loop = asyncio.get_running_loop()
        assert self._sock is not None
        while True:
            conn, _ = await loop.sock_accept(self._sock)
            self._drop_held()
            conn.setblocking(False)
            total, buf = 0, bytearray()
            try:
                while self.cut_after is None or total < self.cut_after:
                    want = 4096 if self.cut_after is None else min(4096, self.cut_after - total)
                    chunk = await loop.sock_recv(conn, want)
                    if not chunk:
                        self.jobs.append(bytes(buf))
                        break
                    total += len(chunk)
                    buf += chunk
                if self.how == "greedy":
                    with contextlib.suppress(BlockingIOError):
                        while conn.recv(65536, socket.MSG_DONTWAIT):
                            pass
                if self.how == "rst":
                    conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                if self.how == "halfclose" and self.cut_after is not None:
                    conn.shutdown(socket.SHUT_WR)
                    self._held.append(conn)
            except OSError:
                pass
            finally:
                self.received.append(total)
                if conn not in self._held:
                    conn.close()
