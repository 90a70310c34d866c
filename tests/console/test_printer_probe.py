"""The console asks its printers for their state at start: the dashboard knows them before any job
(issue 18; the print workers refresh their status when they start — this keeps it so)."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

from console.runtime import open_runtime
from console.services import station_services
from core.config import Settings
from core.persistence.models import PrinterStatusRow


async def test_printers_are_asked_at_start(tmp_path: Path, sqlite_template: Path) -> None:
    from tests.support.db import fresh_sqlite

    url = fresh_sqlite(sqlite_template, tmp_path)
    out = tmp_path / "printouts"
    out.mkdir()
    settings = Settings.model_validate(
        {
            "data_dir": str(tmp_path / "data"),
            "database": {"url": url},
            "printers": {"paper": {"kind": "folder", "path": str(out)}},
            "stations": {"desk-1": {"routes": {"invoice": "paper"}}},
        }
    )
    async with open_runtime(settings=settings) as rt, station_services(rt, sync=False) as services:
        assert await PrinterStatusRow.filter(name="paper").count() == 0  # no job printed yet
        async with services.running():
            deadline = time.monotonic() + 30
            while not await PrinterStatusRow.filter(name="paper").exists():
                assert time.monotonic() < deadline, "the printer was never asked"
                await asyncio.sleep(0.05)
        row = await PrinterStatusRow.get(name="paper")
        assert row.state == "online", row.detail
