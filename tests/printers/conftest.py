"""Fixtures for the printer tests: a TCP 9100 sink, settings, a spool, and a real CUPS."""

from __future__ import annotations

import asyncio
import inspect
import os
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest

from core.config import Settings
from printers.transports.cups import CupsTransport
from tests.printers.sink import Sink
from tests.support.db import in_ci

CUPS_ENV_FILE = Path(os.environ.get("PACKDESK_TEST_CUPS_DIR", "/tmp/packdesk-cups")) / "env"


@pytest.fixture
async def sink() -> AsyncIterator[Sink]:
    s = await Sink().start()
    yield s
    await s.stop()


async def eventually(
    check: Callable[[], Awaitable[Any]] | Callable[[], Any], deadline_s: float = 5.0
) -> Any:
    """Poll `check` until it returns something truthy; fail after the deadline (no bare sleeps)."""
    end = time.monotonic() + deadline_s
    while True:
        result = check()
        if inspect.isawaitable(result):
            result = await result
        if result:
            return result
        if time.monotonic() > end:
            raise AssertionError(f"condition not met within {deadline_s} s")
        await asyncio.sleep(0.01)


def make_settings(printers: dict[str, dict[str, Any]], routes: dict[str, str]) -> Settings:
    return Settings.model_validate(
        {"station": "desk-1", "printers": printers, "stations": {"desk-1": {"routes": routes}}}
    )


def cups_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k.startswith("PACKDESK_TEST_CUPS_")}
    if "PACKDESK_TEST_CUPS_SERVER" not in env and CUPS_ENV_FILE.exists():
        for line in CUPS_ENV_FILE.read_text().splitlines():
            key, _, value = line.partition("=")
            env.setdefault(key.strip(), value.strip())
    return env


@pytest.fixture
async def cups() -> dict[str, str]:
    """The queues `.ci/cups.sh` made; skips (fails under CI=true) when no cupsd answers."""
    env = cups_env()
    reason = ""
    if "PACKDESK_TEST_CUPS_SERVER" not in env:
        reason = f"no PACKDESK_TEST_CUPS_* variables and no {CUPS_ENV_FILE}; run .ci/cups.sh"
    else:
        probe = await CupsTransport(
            "probe", env["PACKDESK_TEST_CUPS_PDF_QUEUE"], env["PACKDESK_TEST_CUPS_SERVER"], 3
        ).probe()
        if probe.state != "online":
            reason = f"cupsd at {env['PACKDESK_TEST_CUPS_SERVER']} not usable: {probe.detail}"
    if reason:
        if in_ci():
            pytest.fail(f"CUPS tests must run in CI: {reason}")
        pytest.skip(reason)
    return env
