"""Migrations: one tree for SQLite and PostgreSQL, and upgrades keep the rows that exist."""

from __future__ import annotations

import asyncpg
import pytest
from tortoise import Tortoise
from tortoise.migrations.api import migrate

from core.persistence.database import is_postgres, open_database, tortoise_config
from core.persistence.models import OrderRow
from tests.support.db import postgres_url, run_apart

OLD_ORDER = (
    'INSERT INTO "order" (account_id, external_id, marketplace_id, channel, process, status, '
    "channel_status, purchased_at, is_prime, is_business, currency, total, item_count, "
    "hold_reason, claimed_by, personal_sealed, ship_country, personal_data_purged, fingerprint, "
    "created_at, updated_at) VALUES (1, '302-1', 'A1PA6795UKMFR9', 'MFN', 'ship', 'open', "
    "'Unshipped', CURRENT_TIMESTAMP, false, false, 'EUR', 0, 1, '', '', '', 'DE', false, '', "
    "CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
)
OLD_ACCOUNT = (
    "INSERT INTO account (name, kind, seller_id, region, endpoint, lwa_url, marketplace_ids, "
    "company, credentials_sealed, health, health_reason, created_at, updated_at) VALUES "
    "('de', 'amazon', '', 'eu', '', '', '[]', 'default', '', 'unknown', '', "
    "CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
)


async def _upgrade_over_old_rows(url: str) -> list[str]:
    await migrate(config=tortoise_config(url), target="core.0002_queue_count_index")
    await Tortoise.close_connections()
    await Tortoise.init(config=tortoise_config(url))
    conn = Tortoise.get_connection("postgres" if is_postgres(url) else "sqlite")
    await conn.execute_script(OLD_ACCOUNT)
    await conn.execute_script(OLD_ORDER)
    await Tortoise.close_connections()
    async with open_database(url):  # upgrades to the newest migration first
        return [o.external_id + "|" + o.buyer_tokens for o in await OrderRow.all()]


def test_upgrade_keeps_existing_orders_on_sqlite(tmp_path):
    assert run_apart(_upgrade_over_old_rows, f"sqlite://{tmp_path / 'old.sqlite3'}") == ["302-1|"]


async def _fresh_postgres(base: str, name: str) -> str:
    admin = base.rsplit("/", 1)[0] + "/postgres"
    conn = await asyncpg.connect(admin.replace("postgres://", "postgresql://", 1))
    await conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
    await conn.execute(f'CREATE DATABASE "{name}"')
    await conn.close()
    return base.rsplit("/", 1)[0] + "/" + name


@pytest.mark.postgres
def test_upgrade_keeps_existing_orders_on_postgres():
    base = postgres_url()
    url = run_apart(_fresh_postgres, base, base.rsplit("/", 1)[1] + "_migrations")
    assert run_apart(_upgrade_over_old_rows, url) == ["302-1|"]
