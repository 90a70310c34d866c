"""A console whose terminal hangs up ends, even when it was started with hang-ups ignored.

Found after a loaded run of the suite (started under `nohup`): an SSH station's console outlived its
connection by an hour. SIGHUP was ignored as inherited; Textual's input thread read EOF from the
dead terminal in a loop (85 % of a core), and its screen writes waited on a writer that could no
longer write. A desk nobody can reach must not hold a core, a database connection and its claim.
"""

from __future__ import annotations

import os
import pty
import select
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _ignore_hang_ups() -> None:  # as `nohup`, or a service manager that ignores SIGHUP
    signal.signal(signal.SIGHUP, signal.SIG_IGN)


def _read_until(master: int, needle: bytes, limit_s: float) -> bytes:
    seen = b""
    deadline = time.monotonic() + limit_s
    while needle not in seen:
        left = deadline - time.monotonic()
        assert left > 0, f"{needle!r} never appeared: {seen[-300:]!r}"
        if select.select([master], [], [], left)[0]:
            try:
                seen += os.read(master, 65536)
            except OSError:  # the console closed its end
                break
    return seen


def test_a_hang_up_ends_a_console_started_with_hang_ups_ignored(tmp_path):
    (tmp_path / "config.toml").write_text('station = "desk-1"\n')
    env = {k: v for k, v in os.environ.items() if not k.startswith("PACKDESK_")}
    env.update(
        PACKDESK_CONFIG=str(tmp_path / "config.toml"), PACKDESK_DATA_DIR=str(tmp_path / "data"),
        PYTHONPATH=str(ROOT), TERM="xterm-256color",
    )  # fmt: skip
    master, slave = pty.openpty()
    console = subprocess.Popen(
        [sys.executable, "-m", "console.cli", "console", "--no-sync"],
        stdin=slave, stdout=slave, stderr=slave, env=env, cwd=tmp_path,
        start_new_session=True, preexec_fn=_ignore_hang_ups,
    )  # fmt: skip
    os.close(slave)
    try:
        _read_until(master, b"Badge", 60)
        os.killpg(console.pid, signal.SIGHUP)  # the terminal is gone
        try:
            code = console.wait(30)  # a bound for "never", not a speed figure
        except subprocess.TimeoutExpired:
            code = None
        assert code == -signal.SIGHUP, f"the console is still running ({code})"
    finally:
        if console.poll() is None:
            console.kill()
            console.wait()
        os.close(master)
