"""`packdesk printers list|status|test` as a shell user meets them."""

from __future__ import annotations

import asyncio
import json
import os
import sys
from pathlib import Path

import pytest

from tests.printers.sink import Sink
from tests.support.processes import finished

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.network


async def packdesk(tmp_path: Path, *args: str) -> tuple[int, str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PACKDESK_")}
    env.update(
        PACKDESK_CONFIG=str(tmp_path / "config.toml"), PACKDESK_DATA_DIR=str(tmp_path / "data")
    )
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "console.cli",
        *args,
        cwd=ROOT,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await finished(proc, 60)
    return proc.returncode or 0, out.decode(), err.decode()


@pytest.fixture
async def config(tmp_path: Path, sink: Sink) -> Path:
    closed = await Sink().start()
    closed_port = closed.port
    await closed.stop()
    (tmp_path / "config.toml").write_text(
        f"""
station = "desk-1"
[printers.zebra]
kind = "zpl"
host = "127.0.0.1"
port = {sink.port}
timeout_s = 1
[printers.receipt]
kind = "escpos"
host = "127.0.0.1"
port = {closed_port}
timeout_s = 0.5
[printers.archive]
kind = "folder"
path = "{tmp_path / "archive"}"
[stations.desk-1.routes]
label = "zebra"
pick_slip = "receipt"
invoice = "archive"
""",
        encoding="utf-8",
    )
    return tmp_path


async def test_list_json(config: Path) -> None:
    code, out, err = await packdesk(config, "printers", "list", "--json")
    assert code == 0, err
    rows = {r["name"]: r for r in json.loads(out)}
    assert rows["zebra"]["kind"] == "zpl" and rows["zebra"]["routes"] == ["desk-1:label"]
    assert rows["archive"]["address"].endswith("archive")


async def test_status_says_which_printer_is_offline(config: Path, sink: Sink) -> None:
    code, out, err = await packdesk(config, "printers", "status", "--json")
    assert code == 1, err  # one printer is off
    states = {r["name"]: r["state"] for r in json.loads(out)}
    assert states == {"archive": "online", "receipt": "offline", "zebra": "online"}


async def test_test_page_and_label(config: Path, sink: Sink) -> None:
    code, _out, err = await packdesk(config, "printers", "test", "zebra")
    assert code == 0, err
    assert (
        len(sink.jobs) == 1
        and b"^BCN" in sink.jobs[0]
        and b"QA,packdesk:test:zebra" in sink.jobs[0]
    )
    code, _out, err = await packdesk(config, "printers", "test", "archive")
    assert code == 0, err
    files = list((config / "archive").glob("*-test_page-Test_page_archive.pdf"))
    assert len(files) == 1 and files[0].read_bytes().startswith(b"%PDF")


async def test_unreachable_printer_and_unknown_name(config: Path) -> None:
    code, _, err = await packdesk(config, "printers", "test", "receipt")
    assert code == 1 and "cannot be reached" in err and "Traceback" not in err
    code, _, err = await packdesk(config, "printers", "test", "nope")
    assert code == 2 and "no printer named 'nope'" in err


async def test_pick_list_of_an_empty_queue_and_bad_input(config: Path) -> None:
    code, out, err = await packdesk(config, "printers", "pick-list", "--next", "5")
    assert code == 0 and "queue is empty" in out, err
    code, _, err = await packdesk(config, "printers", "pick-list", "--next", "0")
    assert code == 2 and "--next must be at least 1" in err and "Traceback" not in err
