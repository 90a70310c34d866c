"""`packdesk 3pl …` as a shell user meets it: a folder provider, JSON status, one-line errors."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# Only this command group: the CLI is assembled from modules other work may be changing.
RUN = """
import sys, argparse
from console import cli
cli.COMMAND_MODULES = ("console.cli.setup", "console.cli.threepl")
sys.exit(cli.main(sys.argv[1:]))
"""


def packdesk(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", RUN, *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_status_export_and_bad_input(tmp_path: Path):
    config = tmp_path / "config.toml"
    config.write_text(
        "[thirdparty.providers.acme]\n"
        'kind = "folder"\n'
        f'path = "{tmp_path / "acme"}"\n'
        "release_queue = true\n"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("PACKDESK_")}
    env.update(PACKDESK_CONFIG=str(config), PACKDESK_DATA_DIR=str(tmp_path / "data"))
    assert packdesk(env, "init").returncode == 0
    status = packdesk(env, "3pl", "status", "--json")
    assert status.returncode == 0, status.stderr
    data = json.loads(status.stdout)
    assert data["providers"]["acme"]["orders"]["handed_over"] == 0
    assert data["providers"]["acme"]["release_queue"] is True
    dry = packdesk(env, "3pl", "export", "--dry-run", "--json")
    assert dry.returncode == 0 and json.loads(dry.stdout)["exported"] == {}
    unknown = packdesk(env, "3pl", "release", "302-0000000-0000000")
    assert unknown.returncode == 2 and unknown.stderr.count("\n") == 1
    bad = tmp_path / "bad.xml"
    bad.write_text("<tracking/>")
    imported = packdesk(env, "3pl", "import", str(bad))
    assert imported.returncode == 2 and "Unknown kind of file" in imported.stderr
