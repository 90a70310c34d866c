"""Databases for tests: a migrated SQLite file per test, and a shared PostgreSQL database.

PostgreSQL comes from `PACKDESK_TEST_POSTGRES_URL` (`.ci/run` creates it). Without it the PostgreSQL
variants skip, saying why — except under `CI=true`, where a skipped PostgreSQL test is a failure.
"""

from __future__ import annotations

import asyncio
import os
import shutil
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from tortoise import Tortoise

from core.persistence.database import is_postgres, upgrade

POSTGRES_ENV = "PACKDESK_TEST_POSTGRES_URL"


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() == "true"


def postgres_url() -> str:
    url = os.environ.get(POSTGRES_ENV, "")
    if not url:
        message = f"{POSTGRES_ENV} is not set; PostgreSQL tests need a database"
        if in_ci():
            pytest.fail(message + " (CI must run them)")
        pytest.skip(message)
    return url


def run_apart(coro_fn, *args):  # type: ignore[no-untyped-def]
    """Run a coroutine to completion on a loop of its own (fixtures may sit inside a running loop)."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(lambda: asyncio.run(coro_fn(*args))).result()


def migrated_sqlite_template(directory: Path) -> Path:
    path = directory / "template.sqlite3"
    if not path.exists():
        run_apart(upgrade, f"sqlite://{path}")
    return path


def fresh_sqlite(template: Path, directory: Path) -> str:
    target = directory / "packdesk.sqlite3"
    shutil.copyfile(template, target)
    return f"sqlite://{target}"


async def truncate_postgres() -> None:
    conn = Tortoise.get_connection("postgres")
    tables = [
        row["tablename"]
        for row in await conn.execute_query_dict(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' "
            "AND tablename NOT LIKE 'tortoise%'"
        )
    ]
    if tables:
        quoted = ", ".join(f'"{t}"' for t in tables)
        await conn.execute_script(f"TRUNCATE {quoted} RESTART IDENTITY CASCADE")


__all__ = ["fresh_sqlite", "in_ci", "is_postgres", "migrated_sqlite_template", "postgres_url"]
