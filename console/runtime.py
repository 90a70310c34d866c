"""The composition root for commands: settings, secrets and the database, built once per run."""

from __future__ import annotations

import argparse
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

from core.config import Settings, load_settings
from core.persistence.database import open_database
from core.security import SecretBox


@dataclass
class Runtime:
    settings: Settings
    box: SecretBox


def settings_from(args: argparse.Namespace) -> Settings:
    return load_settings(getattr(args, "config", None))


@asynccontextmanager
async def open_runtime(
    args: argparse.Namespace | None = None, *, settings: Settings | None = None
) -> AsyncIterator[Runtime]:
    """Load settings, open the secret box and the (migrated) database for the block."""
    settings = settings or settings_from(args or argparse.Namespace())
    box = SecretBox.from_environment(settings.resolved_data_dir)
    async with open_database(settings.database_url, settings.database.busy_timeout_ms):
        yield Runtime(settings=settings, box=box)
