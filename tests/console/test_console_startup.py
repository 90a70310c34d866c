"""`packdesk console` draws its sign-in screen before loading what only the sync and print jobs use.

A desk with printers and the sync running in the console used to import aiohttp (through the read
models' lease lookup and the CUPS transport), fpdf and fontTools (the printer test page), pypdf and
Pillow (print conversion), the carriers and the document handlers before its first frame: about a
second of a 2 s start. The sync is now built once the sign-in screen is drawn, its libraries
loaded in a thread meanwhile; the bench (`python -m bench console`) times the start itself.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import tomli_w

ROOT = Path(__file__).resolve().parents[2]
NOT_BEFORE_SIGN_IN = (
    "aiohttp", "pypdf", "PIL", "fpdf", "fontTools", "barcode", "segno", "facturx", "asyncpg",
    "core.sync.worker", "core.channels.amazon.client", "core.carriers.directory",
    "core.documents.handlers", "core.documents.layout", "printers.render.convert",
)  # fmt: skip

PROBE = """
import json, sys
import console.app

def on_ready(app):
    with open(sys.argv[1], "w") as out:
        json.dump({"screen": type(app.screen).__name__, "modules": sorted(sys.modules)}, out)
    app.exit()

console.app.PackdeskApp.on_ready = on_ready
from console.cli import main
sys.exit(main(["console"]))
"""


def test_the_sign_in_screen_is_drawn_before_the_sync_and_print_libraries_load(tmp_path):
    config = tmp_path / "config.toml"
    config.write_text(
        tomli_w.dumps(
            {
                "station": "desk-1",
                "printers": {"paper": {"kind": "folder", "path": str(tmp_path / "paper")}},
                "stations": {"desk-1": {"routes": {"invoice": "paper", "label": "paper"}}},
                "sync": {"in_console": True},
            }
        )
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("PACKDESK_")}
    env.update(
        PACKDESK_CONFIG=str(config), PACKDESK_DATA_DIR=str(tmp_path / "data"),
        PYTHONPATH=str(ROOT), TEXTUAL_DRIVER="textual.drivers.headless_driver:HeadlessDriver",
    )  # fmt: skip
    seen = tmp_path / "seen.json"
    subprocess.run(
        [sys.executable, "-c", PROBE, str(seen)], env=env, cwd=ROOT, check=True, timeout=120,
        stdin=subprocess.DEVNULL, capture_output=True,
    )  # fmt: skip
    drawn = json.loads(seen.read_text())
    assert drawn["screen"] == "SignInScreen"
    loaded = [
        m
        for m in drawn["modules"]
        if any(m == h or m.startswith(h + ".") for h in NOT_BEFORE_SIGN_IN)
    ]
    assert not loaded, f"loaded before the sign-in screen was drawn: {loaded[:10]}"
