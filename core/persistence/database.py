"""Opening the database: SQLite by default, PostgreSQL by URL, one migration tree for both."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from tortoise import Tortoise
from tortoise.backends.base.config_generator import expand_db_url
from tortoise.migrations.api import migrate

from core.errors import UserInputError

APP = "core"
MODELS = "core.persistence.models"
MIGRATIONS = "core.persistence.migrations"


def tortoise_config(url: str, busy_timeout_ms: int = 5000) -> dict[str, Any]:
    """The Tortoise config for a database URL (`sqlite:///path`, `postgres://…`)."""
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
            Path(credentials["file_path"]).parent.mkdir(parents=True, exist_ok=True)
    elif connection["engine"] == "tortoise.backends.asyncpg":
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


async def upgrade(url: str, busy_timeout_ms: int = 5000) -> None:
    """Apply every migration not applied yet."""
    await migrate(config=tortoise_config(url, busy_timeout_ms))
    await Tortoise.close_connections()


@asynccontextmanager
async def open_database(
    url: str, busy_timeout_ms: int = 5000, *, upgrade_first: bool = True
) -> AsyncIterator[None]:
    """Connect for the duration of the block (migrating first unless told not to)."""
    if upgrade_first:
        await upgrade(url, busy_timeout_ms)
    await Tortoise.init(config=tortoise_config(url, busy_timeout_ms))
    try:
        yield
    finally:
        await Tortoise.close_connections()
