"""The `kill -9` harness of the label tests: run the label jobs in a child process, wait for what
the carrier's emulator does meanwhile, and let a killed child's lease on its jobs run out."""

from __future__ import annotations

import asyncio
import os
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


async def label_jobs(script: str, url: str, key: bytes, *args: str) -> asyncio.subprocess.Process:
    """`script` (it drains `label.buy`) in a child process on database `url` with secret `key`."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return await asyncio.create_subprocess_exec(
        sys.executable, "-c", script, url, key.decode(), *args, cwd=ROOT, env=env,
        stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip


async def until(check: Callable[[], bool], what: str, deadline_s: float = 60) -> None:
    """Wait for `check()` (polling, not sleeping a guess); fail naming `what` after the deadline."""
    end = time.monotonic() + deadline_s
    while not check():
        if time.monotonic() > end:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.01)


async def expire_leases() -> None:
    """A killed child's claim on its running jobs runs out, as it would after `locked_until`."""
    from core.domain.outbox import JobKind
    from core.persistence.models import OutboxJobRow

    await OutboxJobRow.filter(kind=JobKind.BUY_LABEL, status="running").update(
        locked_until=datetime.now(UTC) - timedelta(seconds=1)
    )
