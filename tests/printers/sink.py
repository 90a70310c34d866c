"""A TCP 9100 printer for tests: records every job, answers ESC/POS status queries, can misbehave.

Modes: "ok" answers DLE EOT with "online, paper present"; "paper_out" says the roll is empty;
"mute" never answers status queries; "hang" reads `hang_after` bytes and then stops reading.
"""

from __future__ import annotations

import asyncio
import socket
from dataclasses import dataclass, field

STATUS_REPLY = {"ok": {1: 0x12, 2: 0x12, 4: 0x12}, "paper_out": {1: 0x1A, 2: 0x32, 4: 0x72}}


@dataclass
class Sink:
    host: str = "127.0.0.1"
    port: int = 0
    mode: str = "ok"
    hang_after: int = 1000
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
                    break
                buf += chunk
                while at_start and buf[:2] == b"\x10\x04" and len(buf) >= 3:
                    n = buf[2]
                    del buf[:3]
                    if self.mode in STATUS_REPLY:
                        writer.write(bytes([STATUS_REPLY[self.mode].get(n, 0x12)]))
                        await writer.drain()
                at_start = at_start and not buf
        except (ConnectionError, asyncio.CancelledError):
            if buf:
                self.partial.append(bytes(buf))
        finally:
            writer.close()
