"""`packdesk backup FILE`, `packdesk restore FILE`: the database, copied safely (docs/deploy.md)."""

from __future__ import annotations

import argparse
from pathlib import Path


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    b = sub.add_parser(
        "backup", help="copy the database to FILE while it runs (SQLite: online backup; pg_dump)"
    )
    b.add_argument("file", help="new file to write (never overwritten)")
    b.set_defaults(handler=run_backup)
    r = sub.add_parser("restore", help="replace the database by a backup made with this key")
    r.add_argument("file", help="a file written by `packdesk backup`")
    r.add_argument(
        "--replace",
        action="store_true",
        help="yes, replace a database that holds data (stop the services first)",
    )
    r.set_defaults(handler=run_restore)


def run_backup(args: argparse.Namespace) -> int:
    from console.runtime import settings_from
    from core.services.maintenance import backup

    settings = settings_from(args)
    result = backup(settings.database_url, Path(args.file))
    print(f"Backup:    {result.path} ({result.size:,} bytes)")
    key = f" (fingerprint {result.fingerprint})" if result.fingerprint else ""
    print(
        f"Key:       the backup does not contain the secret key{key}. Keep a copy of "
        f"{settings.resolved_data_dir / 'secret.key'} (or PACKDESK_SECRET_KEY) apart from it: "
        "without the key the sealed buyer data and credentials cannot be read."
    )
    return 0


def run_restore(args: argparse.Namespace) -> int:
    from console.runtime import settings_from
    from core.persistence.database import masked
    from core.security import SecretBox
    from core.services.maintenance import restore

    settings = settings_from(args)
    key = SecretBox.find_key(settings.resolved_data_dir)
    result = restore(settings.database_url, Path(args.file), key, replace=args.replace)
    print(f"Restored:  {args.file} → {masked(settings.database_url)} ({result.size:,} bytes)")
    print("Next:      packdesk db upgrade   (if the backup is from an older version)")
    return 0
