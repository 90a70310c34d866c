"""Upgrade, backup and restore of the database: what `db upgrade`, `backup` and `restore` do.

SQLite is backed up with its online backup API (a consistent copy while stations keep working);
PostgreSQL with `pg_dump` and restored with `pg_restore` in one transaction (core/services/pg_backup.py,
docs/deploy.md). A backup holds sealed data but never the key: the key's fingerprint is in the
backup's `secret_key` row, and a restore refuses a backup whose fingerprint is not this station's
key — restoring it would leave every sealed value unreadable. A restore never replaces a database
that holds anything unless asked to, and a damaged backup is refused before anything is replaced.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

from tortoise import Tortoise

from core.errors import PackdeskError, UserInputError
from core.persistence.database import is_postgres, masked, open_database, upgrade
from core.security import key_fingerprint
from core.services import pg_backup

MIGRATIONS_TABLE = "tortoise_migrations"


@dataclass
class UpgradeReport:
    created_schema: bool
    applied: list[str] = field(default_factory=list)

    def line(self) -> str:
        if self.created_schema:
            return f"Created the schema ({len(self.applied)} migrations: {', '.join(self.applied)})"
        if self.applied:
            return f"Applied {len(self.applied)} migration(s): {', '.join(self.applied)}"
        return "Database is up to date (no migrations pending)"


async def _applied(url: str, busy_timeout_ms: int) -> list[str]:
    async with open_database(url, busy_timeout_ms, upgrade_first=False):
        conn = Tortoise.get_connection("postgres" if is_postgres(url) else "sqlite")
        if is_postgres(url):
            exists = await conn.execute_query_dict(
                "SELECT 1 FROM pg_tables WHERE tablename = $1", [MIGRATIONS_TABLE]
            )
        else:
            exists = await conn.execute_query_dict(
                "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", [MIGRATIONS_TABLE]
            )
        if not exists:
            return []
        rows = await conn.execute_query_dict(f"SELECT name FROM {MIGRATIONS_TABLE} ORDER BY id")
        return [str(r["name"]) for r in rows]


async def upgrade_with_report(url: str, busy_timeout_ms: int = 5000) -> UpgradeReport:
    """Apply pending migrations and say what happened (an empty database gets its schema)."""
    before = await _applied(url, busy_timeout_ms)
    await upgrade(url, busy_timeout_ms)
    after = await _applied(url, busy_timeout_ms)
    return UpgradeReport(created_schema=not before, applied=[m for m in after if m not in before])


def sqlite_path(url: str) -> Path:
    path = url.split("://", 1)[1].split("?", 1)[0]
    if path in ("", ":memory:"):
        raise UserInputError(f"database.url {url!r} is not a file that can be backed up")
    return Path(path)


def _fingerprint_in(path: Path) -> str | None:
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        row = con.execute("SELECT fingerprint FROM secret_key WHERE id = 1").fetchone()
        # Every page read and checked: a damaged copy is refused before it replaces anything.
        if (
            verdict := " ".join(con.execute("PRAGMA quick_check(1)").fetchone()[0].split())
        ) != "ok":
            raise UserInputError(f"{path} is damaged ({verdict}); the database was not touched")
    except sqlite3.DatabaseError as exc:
        raise UserInputError(f"{path} is not a Packdesk backup: {exc}") from None
    finally:
        con.close()
    return None if row is None else str(row[0])


def _opens_with(backup: Path, wanted: str | None, key: bytes | None) -> None:
    have = key_fingerprint(key) if key is not None else None
    if wanted is not None and wanted != have:
        mine = f"this station's key is {have}" if have else "this station has no key"
        raise PackdeskError(
            f"refusing to restore {backup}: it was sealed with the key whose fingerprint is "
            f"{wanted}, but {mine}. Put that key in place first (PACKDESK_SECRET_KEY or "
            "secret.key in the data dir, from your key backup), then restore again."
        )


@dataclass(frozen=True)
class BackupResult:
    path: Path
    size: int
    fingerprint: str | None


def backup(url: str, target: Path) -> BackupResult:
    """A consistent copy of the live database in a new file `target` (never overwritten)."""
    if is_postgres(url):
        pg_backup.dump(url, target)
        return BackupResult(target, target.stat().st_size, pg_backup.fingerprint_in(url, target))
    return backup_sqlite(url, target)


def restore(url: str, backup: Path, key: bytes | None, *, replace: bool) -> BackupResult:
    """Put `backup` in place of the database, if this station's key opens its sealed data.

    A database that holds anything is replaced only with `replace`; a damaged backup is refused
    with the database as it was.
    """
    if not is_postgres(url):
        return restore_sqlite(url, backup, key, replace=replace)
    if not backup.is_file():
        raise UserInputError(f"no backup at {backup}")
    wanted = pg_backup.fingerprint_in(url, backup)
    _opens_with(backup, wanted, key)
    if (tables := pg_backup.tables_in(url)) and not replace:
        raise UserInputError(
            f"the database {masked(url)} is not empty ({len(tables)} tables); stop the services "
            "using it, then run again with --replace"
        )
    pg_backup.check_whole(url, backup)
    pg_backup.restore(url, backup)
    return BackupResult(backup, backup.stat().st_size, wanted)


def backup_sqlite(url: str, target: Path) -> BackupResult:
    """A consistent copy of the live SQLite database at `target` (never overwrites a file)."""
    source = sqlite_path(url)
    if not source.exists():
        raise UserInputError(f"no database at {source}: nothing to back up")
    if target.exists():
        raise UserInputError(f"{target} exists already; choose a new file name")
    target.parent.mkdir(parents=True, exist_ok=True)
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    dst = sqlite3.connect(target)
    try:
        src.backup(dst)  # page by page, each step a consistent snapshot; writers are not blocked
    finally:
        dst.close()
        src.close()
    target.chmod(0o600)  # sealed, but still the warehouse's whole history
    return BackupResult(target, target.stat().st_size, _fingerprint_in(target))


def restore_sqlite(url: str, backup: Path, key: bytes | None, *, replace: bool) -> BackupResult:
    """Replace the SQLite database by `backup`, only if this station's key opens its sealed data."""
    target = sqlite_path(url)
    if not backup.is_file():
        raise UserInputError(f"no backup at {backup}")
    wanted = _fingerprint_in(backup)
    _opens_with(backup, wanted, key)
    if target.exists() and not replace:
        raise UserInputError(
            f"{target} exists; stop the services using it, then run again with --replace"
        )
    target.parent.mkdir(parents=True, exist_ok=True)
    src = sqlite3.connect(f"file:{backup}?mode=ro", uri=True)
    dst = sqlite3.connect(target)
    try:
        src.backup(dst)  # takes the database's write lock: other writers wait, none sees half
    finally:
        dst.close()
        src.close()
    return BackupResult(target, target.stat().st_size, wanted)
