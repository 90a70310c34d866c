"""The composition root for commands: settings, secrets and the database, built once per run."""

from __future__ import annotations

import argparse
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

from core.config import Settings, load_settings
from core.persistence.database import open_database
from core.security import SecretBox
from core.services.keys import open_guarded_box


@dataclass
class Runtime:
    settings: Settings
    box: SecretBox


def settings_from(args: argparse.Namespace) -> Settings:
    return load_settings(getattr(args, "config", None))


def database_url(settings: Settings) -> str:
    """The database URL; the default SQLite file's data dir is created on first use.

    A configured `database.url` is taken as it is: its directory must exist (see
    core/persistence/database.py) rather than be made up on the wrong disk.
    """
    if settings.database.url is None:
        settings.resolved_data_dir.mkdir(parents=True, exist_ok=True)
    return settings.database_url


@asynccontextmanager
async def open_runtime(
    args: argparse.Namespace | None = None, *, settings: Settings | None = None
) -> AsyncIterator[Runtime]:
    """Load settings, open the (migrated) database and the secret box for the block.

    The box comes from the key guard: a key that is not the database's, or no key while sealed
    data exists, stops here with a message naming the key that is needed.
    """
    settings = settings or settings_from(args or argparse.Namespace())
    async with open_database(database_url(settings), settings.database.busy_timeout_ms):
        box = await open_guarded_box(settings.resolved_data_dir)
        yield Runtime(settings=settings, box=box)
