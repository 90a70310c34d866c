"""`sync.orders_api` picks the Orders API for `packdesk sync` and the console's own sync;
the `--orders-api` flag (or PACKDESK_AMAZON_ORDERS_API) still wins."""

from __future__ import annotations

import asyncio
import os
import sys
from datetime import timedelta
from pathlib import Path

import pytest

from console.runtime import Runtime
from console.services import station_services
from core.channels.amazon.accounts import import_credentials
from core.config import Settings, SyncSettings
from core.security import SecretBox
from tests.amazon.support import SCALE
from tests.support.processes import finished

pytestmark = pytest.mark.network
ROOT = Path(__file__).resolve().parents[2]
CLI = (
    "import sys, console.cli as c; c.COMMAND_MODULES = ('console.cli.sync',); "
    "sys.exit(c.main(sys.argv[1:]))"
)
SEARCH, V0 = "orders2026.searchOrders", "ordersV0.getOrders"


async def _sync(db: str, key: bytes, tmp: Path, *flags: str, **extra: str) -> str:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PACKDESK_")}
    env.update(
        PACKDESK_DATABASE_URL=db,
        PACKDESK_SECRET_KEY=key.decode(),
        PACKDESK_DATA_DIR=str(tmp),
        PACKDESK_CONFIG=str(tmp / "config.toml"),
        PACKDESK_AMAZON_TIME_SCALE=str(SCALE),
        PYTHONPATH=str(ROOT),
        **extra,
    )
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-c",
        CLI,
        "sync",
        "--once",
        "--json",
        "--no-listings",
        *flags,
        env=env,
        cwd=ROOT,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await finished(proc, 90)
    assert proc.returncode == 0, err.decode()[-2000:]
    return out.decode()


def _used(emu, operation: str) -> bool:  # type: ignore[no-untyped-def]
    return any(
        emu.runtime.usage.tokens(a.seller_id, operation) is not None for a in emu.state.accounts
    )


async def test_sync_reads_with_the_configured_orders_api_and_the_flag_wins(db, emu, tmp_path):
    key = SecretBox.generate_key()
    await import_credentials(emu.credentials, SecretBox(key))
    (tmp_path / "config.toml").write_text('[sync]\norders_api = "v0"\n')
    await _sync(db, key, tmp_path)
    assert _used(emu, V0) and not _used(emu, SEARCH)
    await _sync(db, key, tmp_path, "--orders-api", "2026-01-01")
    assert _used(emu, SEARCH)


async def test_bad_orders_api_in_the_environment_is_refused(db, emu, tmp_path):
    key = SecretBox.generate_key()
    await import_credentials(emu.credentials, SecretBox(key))
    env = {k: v for k, v in os.environ.items() if not k.startswith("PACKDESK_")}
    env.update(
        PACKDESK_DATABASE_URL=db,
        PACKDESK_SECRET_KEY=key.decode(),
        PACKDESK_DATA_DIR=str(tmp_path),
        PACKDESK_AMAZON_ORDERS_API="v1",
        PYTHONPATH=str(ROOT),
    )
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-c",
        CLI,
        "sync",
        "--once",
        env=env,
        cwd=ROOT,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    _, err = await finished(proc, 90)
    assert proc.returncode == 2 and "PACKDESK_AMAZON_ORDERS_API 'v1'" in err.decode()
    assert not _used(emu, SEARCH) and not _used(emu, V0)


async def test_console_sync_builds_connectors_with_the_setting(db, box, emu):
    await import_credentials(emu.credentials, box)
    settings = Settings(sync=SyncSettings(orders_api="v0", overlap_s=60))
    async with station_services(Runtime(settings=settings, box=box), sync=True) as services:
        options = [c.options for c in services.connectors.values()]
    assert len(options) == 2
    assert {(o.orders_api, o.overlap) for o in options} == {("v0", timedelta(seconds=60))}
