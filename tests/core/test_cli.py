"""The `packdesk` CLI as a shell user meets it: exit codes, one-line errors, stable JSON."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    environ = {k: v for k, v in os.environ.items() if not k.startswith("PACKDESK_")}
    environ.update(
        PACKDESK_CONFIG=str(tmp_path / "config.toml"),
        PACKDESK_DATA_DIR=str(tmp_path / "data"),
    )
    return environ


def packdesk(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "console.cli", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_init_is_idempotent_and_orders_list_json(env):
    first = packdesk(env, "init")
    assert first.returncode == 0, first.stderr
    assert "Created:   station desk-1" in first.stdout
    again = packdesk(env, "init")
    assert again.returncode == 0 and "Everything was already set up." in again.stdout
    listed = packdesk(env, "orders", "list", "--json")
    assert listed.returncode == 0 and json.loads(listed.stdout) == []
    assert (Path(env["PACKDESK_DATA_DIR"]) / "secret.key").stat().st_mode & 0o777 == 0o600


def test_bad_input_is_one_line_and_exit_2(env):
    packdesk(env, "init")
    bad = packdesk(env, "orders", "list", "--status", "lost")
    assert bad.returncode == 2
    assert bad.stderr.count("\n") == 1 and "--status 'lost' is not a status" in bad.stderr
    missing = packdesk(env, "orders", "show", "302-0000000-0000000")
    assert missing.returncode == 2 and "No order '302-0000000-0000000'" in missing.stderr
    unknown = packdesk(env, "frobnicate")
    assert unknown.returncode == 2 and "Traceback" not in unknown.stderr


def test_broken_config_names_file_and_key(env):
    Path(env["PACKDESK_CONFIG"]).write_text('[database]\nbusy_timeout_ms = "soon"\n')
    out = packdesk(env, "config", "show")
    assert out.returncode == 2
    assert env["PACKDESK_CONFIG"] in out.stderr and "database.busy_timeout_ms" in out.stderr
    Path(env["PACKDESK_CONFIG"]).write_text('[stations.desk-1.routes]\ninvoice = "nowhere"\n')
    out = packdesk(env, "config", "show")
    assert out.returncode == 2 and "stations.desk-1.routes.invoice" in out.stderr


def test_config_show_masks_secrets_and_env_overrides(env):
    Path(env["PACKDESK_CONFIG"]).write_text("")
    env["PACKDESK_DATABASE_URL"] = "postgres://packdesk:hunter2@db.local:5432/packdesk"
    out = packdesk(env, "config", "show", "--json")
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert data["settings"]["database"]["url"] == "postgres://packdesk:***@db.local:5432/packdesk"
    assert "hunter2" not in out.stdout


def test_missing_config_named_by_the_environment_is_an_error(env):
    out = packdesk(env, "config", "show")
    assert out.returncode == 2 and "config file not found" in out.stderr


def test_version(env):
    out = packdesk(env, "--version")
    assert out.returncode == 0 and out.stdout.startswith("packdesk ")


def test_packers_add_set_pin_list_and_deactivate(env):
    packdesk(env, "init")
    env["PACKDESK_PACKER_PIN"] = "4711"
    added = packdesk(env, "packers", "add", "Anna", "--badge", "P-ANNA")
    assert added.returncode == 0, added.stderr
    boss = packdesk(env, "packers", "add", "Sue", "--badge", "SUP-2", "--role", "supervisor")
    assert boss.returncode == 0, boss.stderr
    again = packdesk(env, "packers", "add", "Anna", "--badge", "P-OTHER")
    assert again.returncode == 1 and "exists" in again.stderr
    env["PACKDESK_PACKER_PIN"] = "12"
    short = packdesk(env, "packers", "set-pin", "Anna")
    assert short.returncode == 2 and "4 to 12 digits" in short.stderr
    assert packdesk(env, "packers", "deactivate", "Anna").returncode == 0
    listed = json.loads(packdesk(env, "packers", "list", "--json").stdout)
    assert [(p["name"], p["role"]) for p in listed] == [
        ("Sue", "supervisor"),
        ("supervisor", "supervisor"),
    ]
    assert "4711" not in str(listed)
