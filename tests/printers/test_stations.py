"""Several processes on one database: each runs only its own station's print jobs."""

from __future__ import annotations

from pathlib import Path

from core.config import Settings
from core.persistence.models import PrintJobRow
from printers import PickLine, PickSlip, Spool, pick_slip_request
from tests.printers.sink import Sink


def station_settings(station: str, out: Path) -> Settings:
    # both stations call their own receipt printer "receipt" (the demo and the desk over SSH)
    return Settings.model_validate(
        {
            "station": station,
            "printers": {"receipt": {"kind": "folder", "path": str(out)}},
            "stations": {station: {"routes": {"pick_slip": "receipt"}}},
        }
    )


async def test_a_process_runs_only_its_own_stations_jobs(
    db: str, sink: Sink, tmp_path: Path
) -> None:
    desk = Spool(station_settings("desk-1", tmp_path / "desk"))
    demo = Spool(station_settings("demo", tmp_path / "demo"))
    slip = PickSlip("302-STATION", (PickLine("SKU-1", "Mug", 1, "A-1"),))
    job_id = await desk.submit(pick_slip_request("desk-1", slip))
    await demo.worker("receipt").drain()  # the demo process's worker looks first
    row = await PrintJobRow.get(id=job_id)
    assert (row.status, row.attempts) == ("queued", 0)
    assert not (tmp_path / "demo").exists() or not list((tmp_path / "demo").iterdir())
    await desk.worker("receipt").drain()
    assert (await PrintJobRow.get(id=job_id)).status == "done"
    assert len(list((tmp_path / "desk").iterdir())) == 1
