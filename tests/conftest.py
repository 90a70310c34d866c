"""Shared fixtures: `db` runs a test on SQLite and on PostgreSQL, `box` seals personal data."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from core.persistence.database import open_database, upgrade
from core.security import SecretBox
from tests.support.db import (
    fresh_sqlite,
    in_ci,
    migrated_sqlite_template,
    postgres_url,
    run_apart,
    truncate_postgres,
)


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return migrated_sqlite_template(tmp_path_factory.mktemp("template"))


@pytest.fixture(scope="session")
def pg_migrated() -> str:
    url = postgres_url()
    run_apart(upgrade, url)
    return url


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
async def db(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str]:
    """An empty, migrated database for one test; yields its URL."""
    if request.param == "sqlite":
        url = fresh_sqlite(request.getfixturevalue("sqlite_template"), tmp_path)
    else:
        url = request.getfixturevalue("pg_migrated")
    async with open_database(url, upgrade_first=False):
        if request.param == "postgres":
            await truncate_postgres()
        yield url


@pytest.fixture
async def sqlite_db(sqlite_template: Path, tmp_path: Path) -> AsyncIterator[str]:
    """A migrated SQLite file only, for what is about SQLite itself (file locking)."""
    url = fresh_sqlite(sqlite_template, tmp_path)
    async with open_database(url, upgrade_first=False):
        yield url


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]):  # type: ignore[no-untyped-def]
    """Under CI a test that skips has shown nothing (a missing server, tool or browser that
    .ci/run should have provided): count it as failed."""
    outcome = yield
    report = outcome.get_result()
    if in_ci() and report.skipped and not hasattr(report, "wasxfail"):
        report.outcome = "failed"
        report.longrepr = f"Test skipped in CI: {report.longrepr}"


@pytest.fixture
def box() -> SecretBox:
    return SecretBox(SecretBox.generate_key())


@pytest.fixture(scope="session")
def sqs_endpoint() -> Iterator[str]:
    """A running moto server (real SQS wire protocol) for the whole session."""
    from tests.support.sqs import moto_server

    with moto_server() as url:
        yield url
