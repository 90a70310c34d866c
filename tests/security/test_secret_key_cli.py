"""The key guard as a shell user meets it: refuse with the key named, `secrets check` and `rotate`."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CREDENTIALS = {
    "client_id": "amzn1.application-oa2-client.x",
    "client_secret": "s3cr3t-client",
    "accounts": [
        {"name": "de", "seller_id": "A1", "marketplace_ids": ["A1PA6795UKMFR9"],
         "refresh_token": "Atzr|refresh-1"},
    ],
}  # fmt: skip


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    environ = {k: v for k, v in os.environ.items() if not k.startswith("PACKDESK_")}
    environ.update(
        PACKDESK_CONFIG=str(tmp_path / "config.toml"),
        PACKDESK_DATA_DIR=str(tmp_path / "data"),
        PYTHONPATH=str(ROOT),
    )
    (tmp_path / "creds.json").write_text(json.dumps(CREDENTIALS))
    return environ


def packdesk(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "console.cli", *args],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip


def test_missing_key_file_with_sealed_data_fails_closed(env, tmp_path):
    assert packdesk(env, "init").returncode == 0
    imported = packdesk(env, "accounts", "import", str(tmp_path / "creds.json"))
    assert imported.returncode == 0, imported.stderr
    key_file = tmp_path / "data" / "secret.key"
    key_file.unlink()
    again = packdesk(env, "accounts", "import", str(tmp_path / "creds.json"))
    assert again.returncode == 1
    assert again.stderr.count("\n") == 1 and "PACKDESK_SECRET_KEY" in again.stderr
    assert str(key_file) in again.stderr and "Traceback" not in again.stderr
    assert not key_file.exists()
    init = packdesk(env, "init")
    assert init.returncode == 1 and "Everything was already set up" not in init.stdout
    assert not key_file.exists()


def test_check_and_rotate(env, tmp_path):
    assert packdesk(env, "init").returncode == 0
    assert packdesk(env, "accounts", "import", str(tmp_path / "creds.json")).returncode == 0
    data = tmp_path / "data"
    old_key = (data / "secret.key").read_text()
    check = packdesk(env, "secrets", "check", "--json")
    assert check.returncode == 0, check.stderr
    assert json.loads(check.stdout)["places"]["account.credentials_sealed"]["opened"] == 1
    rotated = packdesk(env, "secrets", "rotate")
    assert rotated.returncode == 0, rotated.stderr
    assert (data / "secret.key").read_text() != old_key
    assert (data / "secret.key").stat().st_mode & 0o777 == 0o600
    assert packdesk(env, "secrets", "check").returncode == 0
    listed = packdesk(env, "accounts", "list", "--json")
    assert listed.returncode == 0 and json.loads(listed.stdout)[0]["name"] == "de"
    # A station still holding the old key is refused, named the new key's fingerprint.
    stale = packdesk({**env, "PACKDESK_SECRET_KEY": old_key.strip()}, "accounts", "list")
    assert stale.returncode == 1 and "is not this database's key" in stale.stderr
    assert "s3cr3t" not in rotated.stdout + rotated.stderr + check.stdout
