"""Migrations: one tree for SQLite and PostgreSQL, and upgrades keep the rows that exist."""

from __future__ import annotations

import asyncpg
import pytest
from tortoise import Tortoise
from tortoise.migrations.api import migrate

from core.persistence.database import is_postgres, open_database, tortoise_config
from core.persistence.models import InvoiceVerdictRow, OrderRow
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


async def _upgrade_over_processed_uploads(url: str) -> list[tuple[str, str, bool]]:
    """0017: uploads found by their audit event before get their verdict row (source feed)."""
    await migrate(config=tortoise_config(url), target="core.0016_invoice_verdict")
    await Tortoise.close_connections()
    await Tortoise.init(config=tortoise_config(url))
    conn = Tortoise.get_connection("postgres" if is_postgres(url) else "sqlite")
    await conn.execute_script(OLD_ACCOUNT)
    await conn.execute_script(OLD_ORDER)
    for number in ("RE-1", "RE-2", "RE-3"):
        await conn.execute_script(
            "INSERT INTO document (kind, number, order_id, issued_at, content) VALUES "
            f"('invoice', '{number}', 1, CURRENT_TIMESTAMP, '{{}}')"
        )
    for action, subject in (
        ("document.upload_accepted", "document:1"),
        ("document.upload_accepted", "document:1"),  # a rerun's second event: one row
        ("document.upload_accepted", "document:2"),  # refused later by the report: kept as is
        ("document.uploaded", "document:3"),  # not processed yet
    ):
        await conn.execute_script(
            "INSERT INTO audit_event (actor, action, subject, station, detail, at) VALUES "
            f"('system', '{action}', '{subject}', '', '{{}}', CURRENT_TIMESTAMP)"
        )
    await conn.execute_script(
        "INSERT INTO invoice_verdict (document_id, accepted, status, description, source, "
        "report_id, checked_at) VALUES (2, false, 'InvoiceRejected', 'x', 'report', 'R', "
        "CURRENT_TIMESTAMP)"
    )
    await Tortoise.close_connections()
    async with open_database(url):
        return [
            (v.document.number, v.source, v.accepted)
            for v in await InvoiceVerdictRow.all().prefetch_related("document").order_by("id")
        ]


PROCESSED = [("RE-2", "report", False), ("RE-1", "feed", True)]


def test_processed_uploads_get_their_verdict_row_on_sqlite(tmp_path):
    url = f"sqlite://{tmp_path / 'old.sqlite3'}"
    assert run_apart(_upgrade_over_processed_uploads, url) == PROCESSED


@pytest.mark.postgres
def test_processed_uploads_get_their_verdict_row_on_postgres():
    base = postgres_url()
    url = run_apart(_fresh_postgres, base, base.rsplit("/", 1)[1] + "_migrations")
    assert run_apart(_upgrade_over_processed_uploads, url) == PROCESSED
