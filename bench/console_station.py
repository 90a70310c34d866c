"""A real station for the console bench: the demo's desk (two folder printers, the sync running in
the console against the Amazon emulator over HTTP), and a real `packdesk console` started in tmux.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import shlex
import shutil
import sys
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import tomli_w

ROOT = Path(__file__).resolve().parents[1]
SIGN_IN = "Scan your badge"
BENCH_ORDER, BENCH_SKU, BENCH_PIECES = "302-9999999-0000001", "BENCH-MUG", 500


@dataclass
class Station:
    emulator: Any  # core.channels.amazon.emulator.Emulator
    settings: Any  # core.config.Settings
    config: Path  # the same settings as config.toml, for the console process
    sellers: list[str]


@asynccontextmanager
async def demo_station(tmp: Path) -> AsyncIterator[Station]:
    """The demo's desk with its accounts, stock, packers and one order of 500 pieces to scan."""
    from console.demo.setup import demo_settings, import_emulator_accounts, seed_people_and_stock
    from console.runtime import open_runtime
    from core.channels.amazon.emulator import run_emulator
    from core.persistence.models import AccountRow
    from core.services.intake import upsert_orders
    from core.services.setup import ensure_basics
    from tests.support.factories import make_article, make_order

    settings = demo_settings(tmp / "data")
    config = tmp / "config.toml"
    async with run_emulator(seed=3, accounts=3, orders=120, limits=False) as emu:
        # The ECB's rates from the emulator, as the demo does: a bench never waits on the internet.
        settings.documents.ecb_url = f"{emu.url}/ecb/eurofxref-hist-90d.xml"
        config.write_text(tomli_w.dumps(settings.model_dump(mode="json", exclude_defaults=True)))
        async with open_runtime(settings=settings) as rt:
            await ensure_basics(settings.station)
            await import_emulator_accounts(emu.credentials, rt.box)
            await seed_people_and_stock()
            account = await AccountRow.filter(kind="amazon").order_by("id").first()
            assert account is not None
            await make_article(BENCH_SKU, 1, account_id=account.id, on_hand=1000)
            order = make_order(
                BENCH_ORDER, account_id=account.id, lines=[(BENCH_SKU, BENCH_PIECES)]
            )
            await upsert_orders(account.id, [order], rt.box)
        sellers = [a["seller_id"] for a in emu.credentials["accounts"]]
        yield Station(emu, settings, config, sellers)


async def _tmux(*args: str) -> str:
    proc = await asyncio.create_subprocess_exec(
        "tmux", *args, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE
    )
    out, err = await proc.communicate()
    if proc.returncode:
        raise RuntimeError(f"tmux {args[0]}: {err.decode().strip()}")
    return out.decode()


def _rss_mb(pid: int) -> tuple[float, float]:
    """(resident now, peak resident) of a process, in MB."""
    fields = dict(
        line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text().splitlines()
    )
    return (int(fields["VmRSS"].split()[0]) / 1024, int(fields["VmHWM"].split()[0]) / 1024)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def _cpu_s(pid: int) -> float:
    """User and system CPU a process used so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@dataclass
class ConsoleStart:
    to_sign_in_s: float
    cpu_s: float
    rss_mb: float = 0.0  # at the sign-in screen, once the sync has talked for every seller
    peak_rss_mb: float = 0.0


async def start_console(
    station: Station, *, with_memory: bool, limit_s: float = 60
) -> ConsoleStart:
    """`packdesk console` in an 80×24 tmux pane: wall time from exec to the sign-in screen drawn.

    With `with_memory`, also the console's resident memory once its station services run: the
    sign-in screen is up and the console's sync has called the emulator for every seller.
    """
    if shutil.which("tmux") is None:
        raise RuntimeError("tmux is not installed (apt-get install tmux)")
    name = f"packdesk-bench-{os.getpid()}"
    env = {"TERM": "xterm-256color", "PACKDESK_CONFIG": str(station.config),
           "PYTHONPATH": str(ROOT)}  # fmt: skip
    argv = [sys.executable, "-m", "console.cli", "console"]
    command = "exec env " + " ".join(f"{k}={shlex.quote(v)}" for k, v in env.items())
    command += " " + shlex.join(argv)
    await _tmux("new-session", "-d", "-s", name, "-x", "80", "-y", "24", "sleep 600")
    try:
        calls = station.emulator.runtime.calls
        start = time.monotonic()
        await _tmux("respawn-pane", "-k", "-c", str(ROOT), "-t", name, command)
        pid = int((await _tmux("display-message", "-p", "-t", name, "#{pane_pid}")).strip())
        while SIGN_IN not in await _tmux("capture-pane", "-p", "-t", name):
            if time.monotonic() - start > limit_s:
                raise TimeoutError(await _tmux("capture-pane", "-p", "-t", name))
            await asyncio.sleep(0.02)  # the poll's resolution, not a wait for something
        result = ConsoleStart(time.monotonic() - start, _cpu_s(pid))
        if with_memory:
            while {c[1] for c in calls if c[0] >= start} < set(station.sellers):
                if time.monotonic() - start > limit_s:
                    raise TimeoutError("the console's sync never called the emulator")
                await asyncio.sleep(0.05)
            result.rss_mb, result.peak_rss_mb = _rss_mb(pid)
        await _tmux("send-keys", "-t", name, "C-q")  # quit: the console gives its leases back
        while _alive(pid):
            if time.monotonic() - start > limit_s:
                os.kill(pid, 9)
            await asyncio.sleep(0.05)
        return result
    finally:
        with contextlib.suppress(RuntimeError):  # gone already when the console quit
            await _tmux("kill-session", "-t", name)
