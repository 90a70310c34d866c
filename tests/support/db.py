"""Databases for tests: a migrated SQLite file per test, and a shared PostgreSQL database.

PostgreSQL comes from `PACKDESK_TEST_POSTGRES_URL` (`.ci/run` creates it). Without it the PostgreSQL
variants skip, saying why — except under `CI=true`, where a skipped PostgreSQL test is a failure.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
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


@contextmanager
def scratch_postgres(template: str | None = None) -> Iterator[str]:
    """A new PostgreSQL database on the test server, with a unique name, dropped afterwards: empty,
    or a copy of the database at URL `template` (which nothing may be connected to).

    For tests that replace a whole database (restore), which the shared test database must not see.
    """
    import asyncpg

    base = postgres_url()
    admin = base.rsplit("/", 1)[0].replace("postgres://", "postgresql://", 1) + "/postgres"
    name = f"packdesk_scratch_{os.getpid()}_{uuid.uuid4().hex[:8]}"

    async def admin_sql(sql: str) -> None:
        conn = await asyncpg.connect(admin)
        try:
            await conn.execute(sql)
        finally:
            await conn.close()

    copy = f' TEMPLATE "{template.rsplit("/", 1)[1]}"' if template else ""
    run_apart(admin_sql, f'CREATE DATABASE "{name}"{copy}')
    try:
        yield base.rsplit("/", 1)[0] + "/" + name
    finally:
        run_apart(admin_sql, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
