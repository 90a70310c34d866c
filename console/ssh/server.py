"""`packdesk ssh-server`: asyncssh in front, a real console process per connection behind a PTY.

Textual's driver owns its process's stdin and SIGWINCH, so each connection gets its own process
(see shared/reference/console-input.md §2.3). Keys only — no passwords, no keyboard-interactive.
Window changes are set on the PTY (the kernel tells the console). A connection idle longer than
`idle_timeout_s` is closed; the console gets SIGHUP and its claimed order stays with the packer's
SSH station, so signing in again resumes it.
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import logging
import os
import pty
import signal
import struct
import termios
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import asyncssh

log = logging.getLogger(__name__)
CommandFor = Callable[[str], Sequence[str]]


def set_winsize(fd: int, width: int, height: int) -> None:
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", height, width, 0, 0))


def _take_terminal() -> None:  # runs in the child between fork and exec
    fcntl.ioctl(0, termios.TIOCSCTTY, 0)


class _KeyOnlyServer(asyncssh.SSHServer):
    def __init__(self, keys: dict[bytes, str]) -> None:
        self.keys = keys
        self.conn: asyncssh.SSHServerConnection | None = None

    def connection_made(self, conn: asyncssh.SSHServerConnection) -> None:
        self.conn = conn

    def begin_auth(self, username: str) -> bool:
        return True

    def password_auth_supported(self) -> bool:
        return False

    def kbdint_auth_supported(self) -> bool:
        return False

    def public_key_auth_supported(self) -> bool:
        return True

    def validate_public_key(self, username: str, key: asyncssh.SSHKey) -> bool:
        packer = self.keys.get(key.public_data)
        if packer is None:
            log.warning("ssh: refused a key for user %r", username)
            return False
        assert self.conn is not None
        self.conn.set_extra_info(packer=packer)
        return True


class ConsoleSession:
    """Wires one SSH session to one console process on a PTY."""

    def __init__(self, command_for: CommandFor, idle_timeout_s: float) -> None:
        self.command_for = command_for
        self.idle_timeout_s = idle_timeout_s

    async def __call__(self, process: asyncssh.SSHServerProcess[bytes]) -> None:
        packer = process.get_extra_info("packer")  # "anna" or "anna@desk-2"
        if process.term_type is None:
            process.stderr.write(b"Packdesk needs a terminal: connect with ssh -t.\r\n")
            process.exit(1)
            return
        width, height = process.term_size[:2]
        master, slave = pty.openpty()
        set_winsize(slave, width or 80, height or 24)
        env = dict(os.environ, TERM=process.term_type or "xterm-256color", COLORTERM="truecolor")
        child = await asyncio.create_subprocess_exec(
            *self.command_for(packer), stdin=slave, stdout=slave, stderr=slave,
            env=env, start_new_session=True, preexec_fn=_take_terminal,
        )  # fmt: skip
        os.close(slave)
        last_input = time.monotonic()
        loop = asyncio.get_running_loop()
        closed = asyncio.Event()

        def output() -> None:
            try:
                data = os.read(master, 65536)
            except OSError:
                data = b""
            if not data:
                loop.remove_reader(master)
                closed.set()
                return
            process.stdout.write(data)

        loop.add_reader(master, output)

        async def pump_input() -> None:
            nonlocal last_input
            while True:
                try:
                    data = await process.stdin.read(4096)
                except asyncssh.TerminalSizeChanged as change:
                    set_winsize(master, change.width, change.height)
                    continue
                except (asyncssh.BreakReceived, asyncssh.SignalReceived):
                    continue
                if not data:
                    return
                last_input = time.monotonic()
                os.write(master, data)

        async def watch_idle() -> None:
            # Sleeps exactly until the idle limit, then looks again (input moves the limit).
            while (idle := time.monotonic() - last_input) < self.idle_timeout_s:  # noqa: ASYNC110
                await asyncio.sleep(self.idle_timeout_s - idle)
            with contextlib.suppress(Exception):
                process.stdout.write(b"\r\nPackdesk: idle too long, signing off.\r\n")

        tasks = [
            asyncio.ensure_future(pump_input()),
            asyncio.ensure_future(closed.wait()),
            asyncio.ensure_future(watch_idle()),
            asyncio.ensure_future(child.wait()),
        ]
        try:
            await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for task in tasks:
                task.cancel()
            loop.remove_reader(master)
            try:
                await _hang_up(child)
            finally:  # also when the server stops meanwhile: no console outlives its connection
                if child.returncode is None:
                    with contextlib.suppress(ProcessLookupError):
                        os.killpg(child.pid, signal.SIGKILL)
                os.close(master)
            with contextlib.suppress(Exception):
                process.exit(child.returncode or 0)


async def _hang_up(child: asyncio.subprocess.Process) -> None:
    """SIGHUP, as a real terminal sends when it goes; five seconds to end before SIGKILL."""
    if child.returncode is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(child.pid, signal.SIGHUP)
        with contextlib.suppress(asyncio.TimeoutError):
            await asyncio.wait_for(child.wait(), 5)


def ensure_host_key(path: Path) -> Path:
    """The server's host key, created (ed25519, mode 0600) on first start."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        key = asyncssh.generate_private_key("ssh-ed25519")
        key.write_private_key(str(path))
        path.chmod(0o600)
    return path


async def start_server(
    *,
    host: str,
    port: int,
    host_key: Path,
    keys: dict[bytes, str],
    command_for: CommandFor,
    idle_timeout_s: float = 900.0,
) -> asyncssh.SSHAcceptor:
    """Listen for SSH connections; returns the acceptor (close it to stop)."""
    return await asyncssh.create_server(
        lambda: _KeyOnlyServer(keys),
        host,
        port,
        server_host_keys=[str(ensure_host_key(host_key))],
        process_factory=ConsoleSession(command_for, idle_timeout_s),
        encoding=None,
        line_editor=False,
        allow_scp=False,
        agent_forwarding=False,
        x11_forwarding=False,
        allow_pty=True,
        login_timeout=60,
        keepalive_interval=30,
    )
