"""The SSH entry: keys only, the key's packer at sign-in, window changes reach the console."""

from __future__ import annotations

import asyncio
import importlib.util
import os
import re
import sys
import time
from pathlib import Path

import asyncssh
import pytest

from console.cli.console_cmd import console_command
from console.ssh.keys import load_authorized_keys
from console.ssh.server import start_server
from core.persistence.models import PackerRow

pytestmark = [pytest.mark.network, pytest.mark.slow]
ANSI = re.compile(rb"\x1b\[[0-9;?]*[A-Za-z]|\x1b[()][A-Z0-9]|\x1b[=>]")


def _command(who: str) -> list[str]:
    packer, _, station = who.partition("@")
    argv = [*console_command(None, station or "desk-1", packer), "--no-sync"]
    if importlib.util.find_spec("console.cli.emulator") is None:  # a sibling module not landed yet
        code = (
            "import importlib.util, sys; import console.cli as c; "
            "c.COMMAND_MODULES = tuple(m for m in c.COMMAND_MODULES if importlib.util.find_spec(m)); "
            "sys.exit(c.main())"
        )
        argv = [sys.executable, "-c", code, *argv[3:]]
    return argv


@pytest.fixture
async def ssh_server(sqlite_db, tmp_path: Path, monkeypatch):
    await PackerRow.create(name="anna", badge="P-ANNA")
    monkeypatch.setenv("PACKDESK_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("PACKDESK_SYNC_IN_CONSOLE", "false")
    monkeypatch.delenv("PACKDESK_CONFIG", raising=False)
    monkeypatch.setenv("PACKDESK_CONFIG", str(tmp_path / "none.toml"))
    (tmp_path / "none.toml").write_text('station = "desk-1"\n')
    anna = asyncssh.generate_private_key("ssh-ed25519")
    stranger = asyncssh.generate_private_key("ssh-ed25519")
    keys_file = tmp_path / "keys"
    keys_file.write_text("anna " + anna.export_public_key().decode())
    acceptor = await start_server(
        host="127.0.0.1", port=0, host_key=tmp_path / "host_key",
        keys=load_authorized_keys(keys_file), command_for=_command, idle_timeout_s=60,
    )  # fmt: skip
    port = acceptor.sockets[0].getsockname()[1]
    yield port, anna, stranger
    acceptor.close()
    await acceptor.wait_closed()


async def _read_until(process, needle: bytes, seen: bytearray, limit_s: float = 30) -> None:
    deadline = time.monotonic() + limit_s
    while needle not in ANSI.sub(b"", bytes(seen)).replace(b"\r", b""):
        left = deadline - time.monotonic()
        if left <= 0:
            raise AssertionError(f"{needle!r} never appeared")
        try:
            chunk = await asyncio.wait_for(process.stdout.read(65536), left)
        except TimeoutError:
            continue
        if not chunk:
            raise AssertionError(f"connection closed before {needle!r}")
        seen += chunk


async def test_unknown_key_is_refused(ssh_server):
    port, _anna, stranger = ssh_server
    with pytest.raises(asyncssh.PermissionDenied):
        await asyncssh.connect(
            "127.0.0.1", port, username="anna", client_keys=[stranger], known_hosts=None,
            password=None, kbdint_auth=False,
        )  # fmt: skip


async def test_authorized_key_reaches_sign_in_as_its_packer_and_resizes(ssh_server):
    port, anna, _stranger = ssh_server
    async with asyncssh.connect(
        "127.0.0.1", port, username="whoever", client_keys=[anna], known_hosts=None
    ) as conn:
        process = await conn.create_process(
            term_type="xterm-256color", term_size=(80, 24), encoding=None
        )
        seen = bytearray()
        await _read_until(process, b"as anna", seen)
        await _read_until(process, "80×24".encode(), seen)
        process.change_terminal_size(100, 30)
        await _read_until(process, "100×30".encode(), seen)
        process.close()


STUBBORN = """
import os, signal, sys, time
signal.signal(signal.SIGHUP, lambda *_: open(sys.argv[1] + ".hup", "w").close())
open(sys.argv[1], "w").write(str(os.getpid()))
time.sleep(600)
"""


def _running(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0]
    except FileNotFoundError:
        return False
    return state != "Z"  # killed, waiting to be reaped


async def _until(condition, limit_s: float = 30) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + limit_s
    while not condition():
        assert time.monotonic() < deadline, "condition not reached in time"
        await asyncio.sleep(0.02)


async def test_no_console_outlives_its_connection_when_the_server_stops_meanwhile(
    sqlite_db, tmp_path
):
    """A console that does not end on SIGHUP gets SIGKILL after five seconds — also when the
    server is stopped within them (the kill was skipped, and the console ran on)."""
    pid_file = tmp_path / "console.pid"
    anna = asyncssh.generate_private_key("ssh-ed25519")
    (tmp_path / "keys").write_text("anna " + anna.export_public_key().decode())
    acceptor = await start_server(
        host="127.0.0.1", port=0, host_key=tmp_path / "host_key",
        keys=load_authorized_keys(tmp_path / "keys"), idle_timeout_s=60,
        command_for=lambda _who: [sys.executable, "-c", STUBBORN, str(pid_file)],
    )  # fmt: skip
    port = acceptor.sockets[0].getsockname()[1]
    try:
        async with asyncssh.connect(
            "127.0.0.1", port, username="anna", client_keys=[anna], known_hosts=None
        ) as conn:
            await conn.create_process(term_type="xterm-256color", term_size=(80, 24))
            await _until(lambda: pid_file.exists() and pid_file.read_text().isdigit())
        pid = int(pid_file.read_text())
        await _until(Path(f"{pid_file}.hup").exists)  # the connection is gone: hung up
        sessions = [t for t in asyncio.all_tasks() if "ConsoleSession" in repr(t.get_coro())]
        assert sessions
        for task in sessions:  # the server stops while it waits for the console to end
            task.cancel()
        await asyncio.gather(*sessions, return_exceptions=True)
        await _until(lambda: not _running(pid), 5)
    finally:
        acceptor.close()
        await acceptor.wait_closed()
        if pid_file.exists() and _running(int(pid_file.read_text())):
            os.kill(int(pid_file.read_text()), 9)
