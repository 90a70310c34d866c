"""100,000 orders in a SQLite file, and a child process measured: shared by the streaming test
(memory and correctness) and `python -m bench cli` (CPU against `sqlite3 -json`)."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

from core.persistence.database import open_database
from core.security import key_fingerprint
from tests.support.db import run_apart
from tests.support.factories import make_account

ROOT = Path(__file__).resolve().parents[2]
ORDERS = 100_000


async def _one_account(url: str) -> None:
    async with open_database(url, upgrade_first=False):
        await make_account("main")


def hundred_thousand_orders(directory: Path, sqlite_template: Path, key: bytes) -> Path:
    """100,000 orders, written straight into a migrated SQLite file (intake would take minutes).

    The sealed text is a stand-in, not real ciphertext: the file records `key`'s fingerprint, so
    the key guard (core/services/keys.py) takes that key without trying to open a blob.
    """
    path = directory / "data" / "packdesk.sqlite3"
    path.parent.mkdir(parents=True)
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
            for i in range(ORDERS)
        ),
    )
    con.execute(
        "INSERT INTO secret_key (id, fingerprint, updated_at) VALUES (1, ?, CURRENT_TIMESTAMP)",
        (key_fingerprint(key),),
    )
    con.commit()
    con.close()
    return path


def measured(argv: list[str], env: dict[str, str]) -> tuple[bytes, float, float]:
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
