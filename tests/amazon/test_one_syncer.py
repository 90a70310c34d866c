"""Four `packdesk sync` services on one database: exactly one talks to Amazon for each account;
`kill -9` of it and another takes over within the lease time; nothing is imported twice and the
usage plans are not overrun (429 share < 1 %)."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from core.channels.amazon.accounts import import_credentials
from core.persistence.models import OrderRow
from core.security import SecretBox
from tests.amazon.support import SCALE

pytestmark = pytest.mark.network
CLI = (
    "import sys, console.cli as c; c.COMMAND_MODULES = ('console.cli.sync',); "
    "sys.exit(c.main(sys.argv[1:]))"
)
ROOT = Path(__file__).resolve().parents[2]
LEASE_S = 3.0
PROCESSES = 4


@pytest.fixture
async def live_emu() -> AsyncIterator[Any]:
    """An emulator whose clock runs (time-scaled), so usage plans refill and orders arrive."""
    from core.channels.amazon.emulator import run_emulator

    async with run_emulator(seed=7, accounts=2, orders=40, time_scale=SCALE) as emulator:
        yield emulator


@dataclass
class Station:
    """One `packdesk sync` service and what it said, line by line, with the time it said it."""

    index: int
    proc: asyncio.subprocess.Process
    lines: list[tuple[float, str]] = field(default_factory=list)
    reader: asyncio.Task[None] | None = None

    async def read(self) -> None:
        assert self.proc.stderr is not None
        while line := await self.proc.stderr.readline():
            self.lines.append((time.monotonic(), line.decode(errors="replace").rstrip()))

    def synced(self, account: str, after: float = 0.0) -> list[float]:
        """When this station said it did something for `account` (only the holder does)."""
        return [
            t
            for t, text in self.lines
            if t >= after and text.startswith(account + ": ") and "standing by" not in text
        ]

    def spoke_of(self, account: str) -> bool:
        return any(text.startswith(account + ": ") for _, text in self.lines)


async def _start(db: str, key: bytes, tmp: Path, index: int) -> Station:
    env = {
        **os.environ,
        "PACKDESK_DATABASE_URL": db,
        "PACKDESK_SECRET_KEY": key.decode(),
        "PACKDESK_DATA_DIR": str(tmp / f"station-{index}"),
        "XDG_CONFIG_HOME": str(tmp),
        "PACKDESK_AMAZON_TIME_SCALE": str(SCALE),
        "PACKDESK_SYNC_LEASE_S": str(LEASE_S),
        # Polls far more often than searchOrders allows: only one pacer per account keeps it.
        "PACKDESK_SYNC_POLL_INTERVAL_S": "0.2",
        "PYTHONPATH": str(ROOT),
    }
    env.pop("PACKDESK_CONFIG", None)
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-c", CLI, "sync", "--no-listings",
        env=env, cwd=ROOT, stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    station = Station(index, proc)
    station.reader = asyncio.create_task(station.read())
    return station


async def _until(condition: Any, seconds: float, what: str, stations: list[Station]) -> float:
    """Wait for `condition()` (checked every 50 ms) up to `seconds`; returns when it held."""
    deadline = time.monotonic() + seconds
    while not condition():  # the condition is met by other processes: look again shortly
        if time.monotonic() > deadline:
            said = "\n".join(f"{s.index}: {t}" for s in stations for _, t in s.lines[-15:])
            raise AssertionError(f"{what} not within {seconds}s; stations said:\n{said}")
        await asyncio.sleep(0.05)
    return time.monotonic()


def _holders(stations: list[Station], account: str, after: float) -> set[int]:
    return {s.index for s in stations if s.synced(account, after)}


async def test_one_syncer_per_account_and_takeover_after_kill(db, live_emu, tmp_path):
    key = SecretBox.generate_key()
    rows = await import_credentials(live_emu.credentials, SecretBox(key))
    names = [r.name for r in rows]
    stations = [await _start(db, key, tmp_path, i) for i in range(PROCESSES)]
    try:
        # Everyone is up (syncing or standing by for each account) …
        start = await _until(
            lambda: all(s.spoke_of(n) for s in stations for n in names),
            60, "every station up", stations,
        )  # fmt: skip
        # … and someone syncs each account, for a while (many polls).
        await _until(
            lambda: all(
                len([t for s in stations for t in s.synced(n, start)]) >= 10 for n in names
            ),
            60, "every account synced", stations,
        )  # fmt: skip
        for name in names:
            assert len(_holders(stations, name, start)) == 1, f"{name}: more than one syncer"
        # kill -9 whoever syncs the first account: no goodbye, its lease just runs out.
        (victim,) = _holders(stations, names[0], start)
        victim_accounts = [n for n in names if victim in _holders(stations, n, start)]
        stations[victim].proc.send_signal(signal.SIGKILL)
        await stations[victim].proc.wait()
        killed = time.monotonic()
        others = [s for s in stations if s.index != victim]
        for name in victim_accounts:
            took = await _until(
                lambda name=name: any(s.synced(name, killed) for s in others),
                30, f"takeover of {name}", stations,
            )  # fmt: skip
            # expiry (≤ one lease after the last renewal) + one look of a standby, + slack
            # for a busy machine
            assert took - killed <= LEASE_S + LEASE_S / 3 + 2.0, took - killed
        await _until(
            lambda: all(
                len([t for s in others for t in s.synced(n, killed)]) >= 10 for n in names
            ),
            60, "syncing after the takeover", stations,
        )  # fmt: skip
        for name in names:
            assert len(_holders(others, name, killed)) == 1, f"{name}: two syncers after kill"
    finally:
        for s in stations:
            if s.proc.returncode is None:
                s.proc.send_signal(signal.SIGTERM)
        for s in stations:
            try:
                await asyncio.wait_for(s.proc.wait(), 20)
            except TimeoutError:
                s.proc.kill()
                await s.proc.wait()
            if s.reader is not None:
                await s.reader
    ids = list(await OrderRow.all().values_list("account_id", "external_id"))
    assert ids and len(ids) == len(set(ids))
    calls = [c for c in live_emu.runtime.calls if c[2].endswith("searchOrders")]
    throttled = sum(1 for c in calls if c[4] == 429)
    assert calls and throttled / len(calls) < 0.01, f"{throttled} of {len(calls)} answered 429"
