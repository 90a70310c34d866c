"""`packdesk carriers …` and `packdesk profiles …` as a seller meets them: DHL set up from the
emulator's credentials file, checked, a profile switched to DHL without SQL, the day closed."""

from __future__ import annotations

import asyncio
import json
import os
import sys
from pathlib import Path

import pytest

from tests.support.processes import finished

pytestmark = pytest.mark.network

ROOT = Path(__file__).resolve().parents[2]


class Shell:
    def __init__(self, tmp: Path) -> None:
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("PACKDESK_")}
        (tmp / "config.toml").write_text(
            '[company]\nname = "Muster GmbH"\nstreet = "Hafenstraße 1"\npostcode = "20457"\n'
            'city = "Hamburg"\n'
        )
        self.env.update(PACKDESK_CONFIG=str(tmp / "config.toml"),
                        PACKDESK_DATA_DIR=str(tmp / "data"), PYTHONPATH=str(ROOT))  # fmt: skip
        self.seen = ""

    async def __call__(self, *args: str) -> tuple[int, str, str]:
        proc = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "console.cli", *args, env=self.env, cwd=ROOT,
            stdin=asyncio.subprocess.DEVNULL, stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )  # fmt: skip
        out, err = await finished(proc, 120)
        self.seen += out.decode() + err.decode()
        assert proc.returncode is not None
        return proc.returncode, out.decode(), err.decode()


@pytest.fixture
async def emu():
    from core.channels.amazon.emulator import run_emulator

    async with run_emulator(seed=3, accounts=1, orders=5, frozen=True) as e:
        yield e


async def test_set_up_dhl_switch_a_profile_and_close_the_day(emu, tmp_path):
    sh = Shell(tmp_path)
    creds = tmp_path / "emulator.json"
    creds.write_text(json.dumps(emu.credentials))
    assert (await sh("init"))[0] == 0

    code, out, err = await sh("profiles", "set", "Merchant fulfilled", "--carrier", "dhl")
    assert code == 2 and "dhl is not set up" in err and "Traceback" not in err

    code, out, err = await sh("carriers", "import", str(creds))
    assert code == 0, err
    code, out, _ = await sh("carriers", "list", "--json")
    [listed] = json.loads(out)
    assert listed["name"] == "dhl" and listed["ekp"] == emu.dhl.ekp

    code, out, err = await sh(
        "profiles", "set", "Merchant fulfilled", "--carrier", "dhl", "--rule", "dhl:31500@DE,AT",
        "--rule", "amazon_buy_shipping",
    )  # fmt: skip
    assert code == 0, err
    code, out, _ = await sh("profiles", "list", "--json")
    mfn = next(p for p in json.loads(out) if p["name"] == "Merchant fulfilled")
    assert mfn["carrier"] == "dhl" and mfn["not_set_up"] == []
    assert mfn["rules"][0] == {"carrier": "dhl", "max_weight_g": 31500, "countries": ["DE", "AT"]}

    code, out, err = await sh("carriers", "test", "dhl", "--json")
    assert code == 0, out + err
    assert json.loads(out)["ok"] is True
    assert any("validate=true" in e.query for e in emu.dhl.exchanges)
    assert not emu.dhl.shipments  # validate only

    # a profile saved before (or behind Packdesk's back) naming a carrier nobody set up
    import sqlite3

    with sqlite3.connect(tmp_path / "data" / "packdesk.sqlite3") as conn:
        conn.execute("UPDATE fulfilment_profile SET carrier='gls' WHERE channel='AFN'")
    code, out, _ = await sh("carriers", "test", "dhl")
    assert code == 1
    assert "profile Fulfilled by Amazon names carrier(s) not set up: gls" in out

    code, out, err = await sh("articles", "set", "NO-SUCH", "--weight", "300")
    assert code == 2 and "No article with SKU 'NO-SUCH'" in err

    code, out, err = await sh("carriers", "closeout", "dhl")
    assert code == 0 and "0 shipment(s) closed out" in out, err
    for secret in (emu.dhl.password, emu.dhl.api_key):
        assert secret not in sh.seen


async def test_emulator_writes_a_dhl_section_and_serves_dhl_on_its_port(tmp_path):
    import time

    import aiohttp

    creds = tmp_path / "emu.json"
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "console.cli", "emulator", "--port", "0", "--orders", "3",
        "--write-credentials", str(creds), cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL,
    )  # fmt: skip
    try:
        end = time.monotonic() + 60
        while not (creds.exists() and creds.read_text().strip().endswith("}")):
            assert time.monotonic() < end, "the emulator never wrote its credentials"
            await asyncio.sleep(0.05)
        dhl = json.loads(creds.read_text())["dhl"]
        assert dhl["base_url"].endswith("/parcel/de/shipping/v2") and len(dhl["ekp"]) == 10
        async with aiohttp.ClientSession() as session:
            async with session.get(dhl["base_url"] + "/") as resp:
                assert resp.status == 200
                assert (await resp.json())["amp"]["version"] == "v2.1.12"
    finally:
        proc.terminate()
        await proc.wait()
