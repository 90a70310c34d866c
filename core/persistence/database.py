"""Opening the database: SQLite by default, PostgreSQL by URL, one migration tree for both."""

from __future__ import annotations

import sqlite3
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from tortoise import Tortoise
from tortoise.backends.base.config_generator import expand_db_url
from tortoise.exceptions import BaseORMException
from tortoise.migrations.api import migrate

from core.errors import PackdeskError, UserInputError

APP = "core"
MODELS = "core.persistence.models"
MIGRATIONS = "core.persistence.migrations"


SCHEMES = ("sqlite://", "postgres://", "postgresql://")


class DatabaseUnavailable(PackdeskError):
    """The database cannot be reached or opened; the message names it (without the password)."""


def masked(url: str) -> str:
    """The URL with its password replaced, fit for messages and logs."""
    if "@" in url and "://" in url:
        scheme, rest = url.split("://", 1)
        creds, host = rest.rsplit("@", 1)
        if ":" in creds:
            return f"{scheme}://{creds.split(':', 1)[0]}:***@{host}"
    return url


def tortoise_config(url: str, busy_timeout_ms: int = 5000) -> dict[str, Any]:
    """The Tortoise config for a database URL (`sqlite:///path`, `postgres://…`).

    A SQLite file must be in a directory that exists: a path on a share that is not mounted would
    otherwise become a new, empty database on the local disk. (The default data dir is created by
    whoever chose it, see console/runtime.py.)
    """
    if not url.startswith(SCHEMES):
        raise UserInputError(
            f"database.url {masked(url)!r}: Packdesk stores its data in SQLite (sqlite:///path) "
            "or PostgreSQL (postgres://user@host:5432/name); no other database is supported."
        )
    if url.startswith("postgresql://"):
        url = "postgres://" + url.removeprefix("postgresql://")
    try:
        connection = expand_db_url(url)
    except Exception as exc:
        raise UserInputError(
            f"database.url {url!r} is not a database URL Packdesk knows: {exc}"
        ) from None
    if connection["engine"] == "tortoise.backends.sqlite":
        connection["engine"] = "core.persistence.sqlite_engine"
        credentials = connection["credentials"]
        credentials.setdefault("busy_timeout", busy_timeout_ms)
        credentials.setdefault("synchronous", "NORMAL")  # safe with WAL, much faster commits
        if credentials["file_path"] != ":memory:":
            folder = Path(credentials["file_path"]).parent
            if not folder.is_dir():
                raise UserInputError(
                    f"database.url: the directory {folder} does not exist, so the database "
                    f"{credentials['file_path']} cannot be there (is a share not mounted?). "
                    "Create the directory or correct the path; Packdesk does not make one up."
                )
    elif connection["engine"] == "tortoise.backends.asyncpg":
        connection["engine"] = "core.persistence.postgres_engine"
        connection["credentials"].setdefault("maxsize", 10)
    # One connection name per dialect: tortoise caches SQL per connection name, and tests switch.
    name = "postgres" if is_postgres(url) else "sqlite"
    return {
        "connections": {name: connection},
        "apps": {APP: {"models": [MODELS], "migrations": MIGRATIONS, "default_connection": name}},
        "use_tz": True,
        "timezone": "UTC",
    }


def is_postgres(url: str) -> bool:
    return url.startswith(("postgres://", "postgresql://"))


def _driver_errors() -> tuple[type[Exception], ...]:
    # asyncpg is loaded by a PostgreSQL connection only: a SQLite desk starts without it.
    asyncpg = sys.modules.get("asyncpg")
    postgres = (asyncpg.PostgresError,) if asyncpg is not None else ()
    return (BaseORMException, sqlite3.Error, *postgres)


@asynccontextmanager
async def _reaching(url: str) -> AsyncIterator[None]:
    """Turn "cannot connect" of any driver into one sentence naming the database."""
    try:
        yield
    except PackdeskError:
        raise
    except (TimeoutError, OSError) as exc:
        raise DatabaseUnavailable(
            f"The database {masked(url)} cannot be reached: {exc.strerror or exc} "
            "(is it running, and is database.url right?)"
        ) from exc
    except _driver_errors() as exc:
        raise DatabaseUnavailable(
            f"The database {masked(url)} cannot be opened: {str(exc).splitlines()[0] if str(exc) else type(exc).__name__}"
        ) from exc


async def upgrade(url: str, busy_timeout_ms: int = 5000) -> None:
    """Apply every migration not applied yet."""
    config = tortoise_config(url, busy_timeout_ms)
    try:
        async with _reaching(url):
            await migrate(config=config)
    finally:
        await Tortoise.close_connections()


@asynccontextmanager
async def open_database(
    url: str, busy_timeout_ms: int = 5000, *, upgrade_first: bool = True
) -> AsyncIterator[None]:
    """Connect for the duration of the block (migrating first unless told not to)."""
    if upgrade_first:
        await upgrade(url, busy_timeout_ms)
    async with _reaching(url):
        await Tortoise.init(config=tortoise_config(url, busy_timeout_ms))
    try:
        yield
    finally:
        await Tortoise.close_connections()
