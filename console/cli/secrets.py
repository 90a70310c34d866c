"""`packdesk secrets check|rotate` — the key that seals credentials and buyer data."""

from __future__ import annotations

import argparse
import os

from console.cli.output import print_json
from console.runtime import open_runtime
from core.security import KEY_ENV, KEY_FILE, SecretBox
from core.services.keys import PENDING_KEY_FILE, environ_has_key
from core.services.sealed import check_sealed, rotate


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    secrets = sub.add_parser("secrets", help="the secret key: check sealed data, rotate the key")
    secrets_sub = secrets.add_subparsers(dest="secrets_command", metavar="ACTION")
    check = secrets_sub.add_parser("check", help="open every sealed value with this key")
    check.add_argument("--json", action="store_true")
    check.set_defaults(handler=run_check)
    rot = secrets_sub.add_parser("rotate", help="re-seal everything under a new key")
    rot.set_defaults(handler=run_rotate)


async def run_check(args: argparse.Namespace) -> int:
    async with open_runtime(args) as rt:
        result = await check_sealed(rt.box)
    if args.json:
        print_json(
            {
                "key": rt.box.fingerprint,
                "ok": result.ok,
                "places": {
                    name: {"opened": result.opened[name], "failed": result.failed[name]}
                    for name in result.opened
                },
            }
        )
    else:
        for name, opened in result.opened.items():
            failed = result.failed[name]
            tail = f", {len(failed)} do NOT open (ids {failed[:10]})" if failed else ""
            print(f"{name}: {opened} open{tail}")
        print("All sealed values open." if result.ok else "Some sealed values do not open.")
    return 0 if result.ok else 1


async def run_rotate(args: argparse.Namespace) -> int:
    async with open_runtime(args) as rt:
        data_dir = rt.settings.resolved_data_dir
        new_key = SecretBox.generate_key()
        new = SecretBox(new_key)
        pending = data_dir / PENDING_KEY_FILE
        # Written first, so that the new key exists somewhere before anything is sealed with it;
        # a file left by a rotation that rolled back holds a key nothing uses.
        pending.unlink(missing_ok=True)
        SecretBox.write_key_file(pending, new_key)
        counts = await rotate(rt.box, new)
        old_fingerprint = rt.box.fingerprint
    total = sum(counts.values())
    if environ_has_key(None):
        print(f"Re-sealed {total} value(s) under the key with fingerprint {new.fingerprint}.")
        print(f"Set {KEY_ENV} on every station to the contents of {pending}, then delete it.")
        return 0
    current = data_dir / KEY_FILE
    kept = data_dir / f"{KEY_FILE}.{old_fingerprint}.old"
    os.replace(current, kept)  # backups taken before now still need the old key
    os.replace(pending, current)
    print(f"Re-sealed {total} value(s) under the key with fingerprint {new.fingerprint}.")
    print(f"New key: {current}; the old one is kept as {kept} for older backups.")
    print("Copy the new key file to every other station sharing this database.")
    return 0
