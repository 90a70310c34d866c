"""`orders list --json` streams: the same JSON as before, flat memory and near-sqlite3 cost at 100,000.

Before, the CLI built every row as an ORM object and the list as one document: 20–27 s of CPU and
458 MB for 100,000 orders, 44–66× what `sqlite3 -json` needs for the same rows.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from console.cli.output import print_json, write_json_stream
from core.persistence.database import open_database
from core.security import SecretBox, key_fingerprint
from core.services.intake import upsert_orders
from core.services.order_stream import COLUMNS, stream_orders
from core.services.queries import list_orders
from tests.support.db import run_apart
from tests.support.factories import make_account, make_orders

ROOT = Path(__file__).resolve().parents[2]
KEY = SecretBox.generate_key()


async def _streamed_text(**filters: object) -> str:
    out = io.StringIO()
    buffer = io.BytesIO()
    out.buffer = buffer  # type: ignore[attr-defined]
    with contextlib.redirect_stdout(out):
        await write_json_stream(stream_orders(**filters))  # type: ignore[arg-type]
    return buffer.getvalue().decode()


@pytest.mark.parametrize(
    "filters",
    [{}, {"status": "open"}, {"channel": "afn"}, {"account": "other"}, {"account": "nobody"}],
)
async def test_stream_prints_exactly_what_the_list_printed(db: str, filters: dict) -> None:
    box = SecretBox(SecretBox.generate_key())
    main = await make_account("main")
    other = await make_account("other")
    await upsert_orders(main, make_orders(40, main, seed=3), box)
    await upsert_orders(other, make_orders(7, other, seed=4), box)
    before = io.StringIO()
    with contextlib.redirect_stdout(before):
        print_json([o.to_json() for o in await list_orders(limit=10_000, **filters)])
    assert await _streamed_text(**filters) == before.getvalue()


async def test_stream_of_nothing_is_an_empty_list(db: str) -> None:
    assert json.loads(await _streamed_text()) == []


async def _one_account(url: str) -> None:
    async with open_database(url, upgrade_first=False):
        await make_account("main")


def _hundred_thousand(tmp_path: Path, sqlite_template: Path) -> Path:
    """100,000 orders, written straight into a migrated SQLite file (intake would take minutes)."""
    path = tmp_path / "data" / "packdesk.sqlite3"
    path.parent.mkdir()
    shutil.copyfile(sqlite_template, path)
    run_apart(_one_account, f"sqlite://{path}")
    con = sqlite3.connect(path)
    con.executemany(
        'INSERT INTO "order" (account_id, external_id, marketplace_id, channel, process, status, '
        "channel_status, purchased_at, latest_ship_at, is_prime, is_business, currency, total, "
        "item_count, hold_reason, claimed_by, personal_sealed, buyer_tokens, ship_country, "
        "personal_data_purged, fingerprint, created_at, updated_at) VALUES "
        "(1, ?, 'A1PA6795UKMFR9', 'MFN', 'ship', 'open', 'Unshipped', ?, ?, ?, 0, 'EUR', "
        "'39.98', 2, '', '', 'sealed-blob-of-some-length', '', 'DE', 0, '', ?, ?)",
        (
            (
                f"302-{i:07d}-0000001",
                f"2026-11-{1 + i % 28:02d} {i % 24:02d}:{i % 60:02d}:00+00:00",
                f"2026-12-{1 + i % 28:02d} 12:00:00+00:00",
                i % 2,
                "2026-11-01 00:00:00+00:00",
                "2026-11-01 00:00:00+00:00",
            )
            for i in range(100_000)
        ),
    )
    # The stand-in blobs are not real ciphertext: record the key the listing runs with, so the key
    # guard (core/services/keys.py) takes it without trying to open a blob.
    con.execute(
        "INSERT INTO secret_key (id, fingerprint, updated_at) VALUES (1, ?, CURRENT_TIMESTAMP)",
        (key_fingerprint(KEY),),
    )
    con.commit()
    con.close()
    return path


def _measured(argv: list[str], env: dict[str, str]) -> tuple[bytes, float, float]:
    """stdout, CPU seconds and peak RSS (MB) of one child, measured from a fresh parent."""
    probe = (
        "import resource, subprocess, sys\n"
        "done = subprocess.run(sys.argv[1:], stdout=subprocess.PIPE, check=True)\n"
        "u = resource.getrusage(resource.RUSAGE_CHILDREN)\n"
        "sys.stderr.write(f'{u.ru_utime + u.ru_stime} {u.ru_maxrss / 1024}\\n')\n"
        "sys.stdout.buffer.write(done.stdout)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe, *argv], capture_output=True, env=env, cwd=ROOT
    )
    assert done.returncode == 0, done.stderr.decode()[-2000:]
    cpu, rss = (float(x) for x in done.stderr.decode().split()[-2:])
    return done.stdout, cpu, rss


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("sqlite3") is None, reason="needs the sqlite3 shell for the floor")
def test_hundred_thousand_orders_stream_in_flat_memory(
    tmp_path: Path, sqlite_template: Path
) -> None:
    path = _hundred_thousand(tmp_path, sqlite_template)
    env = {k: v for k, v in os.environ.items() if not k.startswith("PACKDESK_")}
    (tmp_path / "config.toml").write_text("")
    env.update(
        PACKDESK_CONFIG=str(tmp_path / "config.toml"),
        PACKDESK_DATA_DIR=str(tmp_path / "data"),
        PACKDESK_DATABASE_URL=f"sqlite://{path}",
        PACKDESK_SECRET_KEY=KEY.decode(),
    )
    out, cpu, rss = _measured(
        [sys.executable, "-m", "console.cli", "orders", "list", "--json", "--limit", "0"], env
    )
    floor_sql = f'SELECT {", ".join(COLUMNS)} FROM "order" ORDER BY purchased_at DESC, id DESC'
    _, floor_cpu, _ = _measured(["sqlite3", "-json", str(path), floor_sql], env)
    rows = json.loads(out)
    assert len(rows) == 100_000 and rows[0]["account"] == "main"
    assert rows[0]["purchased_at"] >= rows[-1]["purchased_at"]
    assert rss <= 100, f"peak RSS {rss:.0f} MB"
    assert cpu <= 5 * floor_cpu, f"{cpu:.2f} s CPU vs sqlite3 -json {floor_cpu:.2f} s"
