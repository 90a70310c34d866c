"""`packdesk backup` and `packdesk restore` on a real PostgreSQL server (docs/deploy.md).

Before, `backup` on PostgreSQL only named pg_dump and `restore` worked for SQLite only. Each test
has a database of its own (a restore replaces a whole database; the shared test database must not
see that).
"""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from core.security import SecretBox
from tests.core.test_cli import packdesk
from tests.support.db import scratch_postgres

pytestmark = pytest.mark.postgres


def _env(tmp_path: Path, url: str) -> dict[str, str]:
    environ = {k: v for k, v in os.environ.items() if not k.startswith(("PACKDESK_", "PG"))}
    (tmp_path / "config.toml").write_text("")
    environ.update(
        PACKDESK_CONFIG=str(tmp_path / "config.toml"),
        PACKDESK_DATA_DIR=str(tmp_path / "data"),
        PACKDESK_DATABASE_URL=url,
        XDG_CONFIG_HOME=str(tmp_path / "xdg"),
    )
    return environ


@pytest.fixture(scope="module")
def initialised(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    """A database after `packdesk init`, once per module, and the key it was sealed with."""
    key = SecretBox.generate_key().decode()
    with scratch_postgres() as url:
        environ = {**_env(tmp_path_factory.mktemp("init"), url), "PACKDESK_SECRET_KEY": key}
        done = packdesk(environ, "init")
        assert done.returncode == 0, done.stderr
        yield url, key


@pytest.fixture
def env(tmp_path: Path, initialised: tuple[str, str]) -> Iterator[dict[str, str]]:
    template, key = initialised
    with scratch_postgres(template) as url:
        yield {**_env(tmp_path, url), "PACKDESK_SECRET_KEY": key}


def _ok(env: dict[str, str], *args: str) -> str:
    done = packdesk(env, *args)
    assert done.returncode == 0, done.stderr
    return done.stdout


def _badges(env: dict[str, str]) -> list[str]:
    return sorted(p["badge"] for p in json.loads(_ok(env, "packers", "list", "--json")))


def _psql(env: dict[str, str], sql: str) -> None:
    subprocess.run(["psql", "-X", "-q", "-c", sql, env["PACKDESK_DATABASE_URL"]], check=True)


def _one_line_refusal(done: subprocess.CompletedProcess[str]) -> str:
    assert done.returncode in (1, 2), done.stdout
    assert done.stderr.count("\n") == 1 and done.stderr.startswith("packdesk: "), done.stderr
    return done.stderr


def test_backup_then_destroy_then_restore_brings_the_data_back(env, tmp_path):
    _ok(env, "packers", "add", "Bert", "--badge", "P-BERT")
    backup = tmp_path / "backups" / "monday.dump"
    made = _ok(env, "backup", str(backup))
    assert "does not contain the secret key (fingerprint " in made
    assert backup.stat().st_mode & 0o777 == 0o600
    assert packdesk(env, "backup", str(backup)).returncode == 2  # never overwritten

    _ok(env, "packers", "add", "Carl", "--badge", "P-CARL")
    _psql(env, 'DROP TABLE "order" CASCADE')

    refused = _one_line_refusal(packdesk(env, "restore", str(backup)))
    assert "is not empty" in refused and "--replace" in refused
    assert "P-CARL" in _badges(env)  # nothing was touched

    restored = _ok(env, "restore", str(backup), "--replace")
    assert restored.startswith(f"Restored:  {backup}")
    assert _badges(env) == ["P-BERT", "SUP-0001"]
    assert json.loads(_ok(env, "orders", "list", "--json")) == []  # the dropped table is back
    assert _ok(env, "db", "upgrade").startswith("Database is up to date")


def test_restore_into_an_empty_database_needs_no_replace(env, tmp_path):
    _ok(env, "packers", "add", "Bert", "--badge", "P-BERT")
    backup = tmp_path / "b.dump"
    _ok(env, "backup", str(backup))
    with scratch_postgres() as url:
        elsewhere = {**env, "PACKDESK_DATABASE_URL": url}
        _ok(elsewhere, "restore", str(backup))
        assert _badges(elsewhere) == ["P-BERT", "SUP-0001"]


def _damaged(backup: Path, tmp_path: Path) -> dict[str, Path]:
    data = backup.read_bytes()
    assert data.count(b"CREATE TABLE public.packer (") == 1
    variants = {
        # not a dump at all
        "garbage": os.urandom(4096),
        # the end of the file lost: the table of contents reads, the last data block does not
        "cut short": data[:-100],
        # a readable archive whose SQL breaks half-way through the restore (after the old tables
        # were dropped inside its transaction)
        "bad sql": data.replace(b"CREATE TABLE public.packer (", b"CREATE TABLX public.packer ("),
    }
    for name, content in variants.items():
        (tmp_path / f"{name}.dump").write_bytes(content)
    return {name: tmp_path / f"{name}.dump" for name in variants}


def test_a_damaged_backup_gives_one_line_and_loses_nothing(env, tmp_path):
    backup = tmp_path / "good.dump"
    _ok(env, "backup", str(backup))
    _ok(env, "packers", "add", "Carl", "--badge", "P-CARL")  # only in the live database
    expected = {
        "garbage": "is not a PostgreSQL backup",
        "cut short": "is damaged: could not read from input file",
        "bad sql": "failed, the database is as it was: syntax error",
    }
    for name, path in _damaged(backup, tmp_path).items():
        refused = _one_line_refusal(packdesk(env, "restore", str(path), "--replace"))
        assert expected[name] in refused, (name, refused)
        assert _badges(env) == ["P-CARL", "SUP-0001"], name
    assert json.loads(_ok(env, "orders", "list", "--json")) == []


def test_restore_refuses_a_dump_sealed_with_another_key(env, tmp_path):
    backup = tmp_path / "other-site.dump"
    _ok(env, "backup", str(backup))
    _ok(env, "packers", "add", "Carl", "--badge", "P-CARL")
    stranger = {**env, "PACKDESK_SECRET_KEY": SecretBox.generate_key().decode()}
    refused = _one_line_refusal(packdesk(stranger, "restore", str(backup), "--replace"))
    assert "refusing to restore" in refused and "fingerprint" in refused
    assert "P-CARL" in _badges(env)


def test_backup_without_the_client_tools_says_what_to_install(env, tmp_path):
    done = packdesk({**env, "PATH": str(tmp_path / "empty")}, "backup", str(tmp_path / "x.dump"))
    assert "pg_dump is not installed" in _one_line_refusal(done)
    assert "postgresql-client" in done.stderr


def test_backup_of_an_unreachable_server_is_one_line_and_leaves_no_file(tmp_path):
    environ = _env(tmp_path, "postgres://u:secret@127.0.0.1:1/x")
    done = packdesk(environ, "backup", str(tmp_path / "x.dump"))
    refused = _one_line_refusal(done)
    assert "pg_dump of postgres://u:***@127.0.0.1:1/x failed" in refused
    assert "secret" not in refused
    assert list(tmp_path.glob("*.dump")) == [] and list(tmp_path.glob(".*partial")) == []
