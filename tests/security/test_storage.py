"""Bad database settings end in one sentence naming the database, never in a new database elsewhere."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def packdesk(tmp_path: Path, url: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PACKDESK_")}
    env.update(PACKDESK_CONFIG=os.devnull, PACKDESK_DATA_DIR=str(tmp_path / "data"),
               PACKDESK_DATABASE_URL=url, PYTHONPATH=str(ROOT))  # fmt: skip
    return subprocess.run([sys.executable, "-m", "console.cli", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)  # fmt: skip


def test_sqlite_in_a_missing_directory_is_refused_with_the_path(tmp_path):
    missing = tmp_path / "share-not-mounted" / "packdesk.sqlite3"
    out = packdesk(tmp_path, f"sqlite://{missing}", "orders", "list")
    assert out.returncode == 2 and out.stderr.count("\n") == 1, out.stderr
    assert str(missing.parent) in out.stderr and "does not exist" in out.stderr
    assert not missing.parent.exists()


@pytest.mark.parametrize(
    ("url", "code", "words"),
    [
        ("mysql://packdesk@db.local/packdesk", 2, "no other database is supported"),
        ("postgres://packdesk:hunter2@127.0.0.1:1/packdesk", 1, "cannot be reached"),
    ],
)
def test_unsupported_and_unreachable_databases_are_one_line(tmp_path, url, code, words):
    out = packdesk(tmp_path, url, "orders", "list")
    assert out.returncode == code, out.stderr
    assert out.stderr.count("\n") == 1 and words in out.stderr, out.stderr
    assert "Error:" not in out.stderr.split(":", 1)[1] and "hunter2" not in out.stderr


@pytest.mark.postgres
def test_a_postgres_role_that_does_not_exist_is_one_line(tmp_path):
    from tests.support.db import postgres_url

    base = postgres_url().rsplit("/", 1)[0].split("@", 1)[1]
    out = packdesk(tmp_path, f"postgres://nobody-15@{base}/packdesk", "orders", "list")
    assert out.returncode == 1 and out.stderr.count("\n") == 1, out.stderr
    assert "cannot be opened" in out.stderr and "nobody-15" in out.stderr
