"""Running it for real (docs/deploy.md): upgrade reports, backup and restore, systemd units, logs."""

from __future__ import annotations

import configparser
import logging
import os
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from core.security import SecretBox
from tests.core.test_cli import ROOT, packdesk


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    environ = {k: v for k, v in os.environ.items() if not k.startswith("PACKDESK_")}
    environ.update(
        PACKDESK_CONFIG=str(tmp_path / "config.toml"),
        PACKDESK_DATA_DIR=str(tmp_path / "data"),
        XDG_CONFIG_HOME=str(tmp_path / "xdg"),
    )
    return environ


def _db(env: dict[str, str]) -> Path:
    return Path(env["PACKDESK_DATA_DIR"]) / "packdesk.sqlite3"


def test_upgrade_of_an_empty_database_says_it_created_the_schema(env, tmp_path):
    (tmp_path / "config.toml").write_text("")
    first = packdesk(env, "db", "upgrade")
    assert first.returncode == 0, first.stderr
    assert first.stdout.startswith("Created the schema (") and "0001_initial" in first.stdout
    again = packdesk(env, "db", "upgrade")
    assert again.returncode == 0 and again.stdout.startswith("Database is up to date")


def test_upgrade_report_names_what_it_applied():
    from core.services.maintenance import UpgradeReport

    assert UpgradeReport(False, ["0004_x"]).line() == "Applied 1 migration(s): 0004_x"
    assert UpgradeReport(False, []).line().startswith("Database is up to date")


def test_backup_then_restore_with_the_same_key(env, tmp_path):
    assert packdesk(env, "init").returncode == 0
    backup = tmp_path / "backups" / "monday.sqlite3"
    made = packdesk(env, "backup", str(backup))
    assert made.returncode == 0, made.stderr
    assert "does not contain the secret key (fingerprint " in made.stdout
    assert backup.stat().st_mode & 0o777 == 0o600
    assert packdesk(env, "backup", str(backup)).returncode == 2  # never overwritten
    added = packdesk(env, "packers", "add", "Bert", "--badge", "P-BERT")
    assert added.returncode == 0, added.stderr
    refused = packdesk(env, "restore", str(backup))
    assert refused.returncode == 2 and "--replace" in refused.stderr
    restored = packdesk(env, "restore", str(backup), "--replace")
    assert restored.returncode == 0, restored.stderr
    listed = packdesk(env, "packers", "list", "--json")
    assert listed.returncode == 0, listed.stderr
    assert "P-BERT" not in listed.stdout and "SUP-0001" in listed.stdout


def test_restore_refuses_a_backup_sealed_with_another_key(env, tmp_path):
    assert packdesk(env, "init").returncode == 0
    backup = tmp_path / "other-site.sqlite3"
    assert packdesk(env, "backup", str(backup)).returncode == 0
    before = _db(env).read_bytes()
    stranger = {**env, "PACKDESK_SECRET_KEY": SecretBox.generate_key().decode()}
    refused = packdesk(stranger, "restore", str(backup), "--replace")
    assert refused.returncode == 1
    assert "refusing to restore" in refused.stderr and "fingerprint" in refused.stderr
    assert refused.stderr.count("\n") == 1
    assert _db(env).read_bytes() == before


def test_user_units_run_this_installation(env, tmp_path):
    assert packdesk(env, "init").returncode == 0
    done = packdesk(env, "service", "install", "--user", "--ssh-args", "--port 2222")
    assert done.returncode == 0, done.stderr
    unit_dir = tmp_path / "xdg" / "systemd" / "user"
    units = {p.name: p for p in unit_dir.glob("*.service")}
    assert set(units) == {"packdesk-sync.service", "packdesk-ssh.service"}
    for path in units.values():
        unit = configparser.ConfigParser(interpolation=None, strict=False)
        unit.read(path)
        assert unit["Service"]["Restart"] == "on-failure"
        assert unit["Install"]["WantedBy"] == "default.target"
        if shutil.which("systemd-analyze"):
            verify = subprocess.run(
                ["systemd-analyze", "verify", str(path)], capture_output=True, text=True
            )
            assert verify.returncode == 0, verify.stderr
    sync = configparser.ConfigParser(interpolation=None, strict=False)
    sync.read(units["packdesk-sync.service"])
    argv = shlex.split(sync["Service"]["ExecStart"])
    assert argv[-1] == "sync" and env["PACKDESK_CONFIG"] in argv
    ssh = units["packdesk-ssh.service"].read_text()
    assert "ssh-server --port 2222" in ssh
    # The unit's own command line, one cycle: it finds this config and its database, which has
    # no Amazon account yet — the answer a fresh install should give, in one line.
    once = subprocess.run(
        [*argv, "--once"], env=env, cwd=tmp_path, capture_output=True, text=True, timeout=120
    )
    assert once.returncode == 2 and "No Amazon account yet" in once.stderr, once.stderr


def test_system_units_name_the_account_and_harden(env, tmp_path):
    assert packdesk(env, "init").returncode == 0
    unit_dir = tmp_path / "system"
    done = packdesk(
        env, "service", "install", "--system", "--run-as", "packdesk", "--unit-dir", str(unit_dir)
    )
    assert done.returncode == 0, done.stderr
    text = (unit_dir / "packdesk-sync.service").read_text()
    assert "User=packdesk" in text and "WantedBy=multi-user.target" in text
    assert "journalctl -u packdesk-sync" in done.stdout
    assert packdesk(env, "service", "install").returncode == 2  # --user or --system


def test_console_log_rotates_and_leaves_out_font_noise(tmp_path):
    from logging.handlers import RotatingFileHandler

    from console.logfile import log_to_file

    root = logging.getLogger()
    saved = list(root.handlers), root.level
    try:
        path = log_to_file(tmp_path / "logs" / "console.log")
        logging.getLogger("fontTools.subset").info("Glyph names: ['a', 'b', 'c']")
        logging.getLogger("packdesk.test").info("packed 302-1")
        for h in root.handlers:
            h.flush()
        text = path.read_text()
        assert "packed 302-1" in text and "Glyph names" not in text
        assert any(isinstance(h, RotatingFileHandler) for h in root.handlers)
    finally:
        for h in list(root.handlers):
            if h not in saved[0]:
                root.removeHandler(h)
                h.close()
        root.setLevel(saved[1])
        logging.getLogger("fontTools").setLevel(logging.NOTSET)


del sys, ROOT  # the CLI helper is imported from test_cli


def test_restore_refuses_a_damaged_sqlite_backup_and_loses_nothing(env, tmp_path):
    assert packdesk(env, "init").returncode == 0
    backup = tmp_path / "monday.sqlite3"
    assert packdesk(env, "backup", str(backup)).returncode == 0
    data = bytearray(backup.read_bytes())
    page = 4096
    data[2 * page : 3 * page] = os.urandom(page)  # a table's pages, not the header
    damaged = tmp_path / "damaged.sqlite3"
    damaged.write_bytes(bytes(data))
    before = _db(env).read_bytes()
    for bad in (damaged, tmp_path / "config.toml"):
        refused = packdesk(env, "restore", str(bad), "--replace")
        assert refused.returncode == 2 and refused.stderr.count("\n") == 1, refused.stderr
        assert "the database was not touched" in refused.stderr or "not a Packdesk backup" in (
            refused.stderr
        )
    assert _db(env).read_bytes() == before
