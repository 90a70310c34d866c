"""The key guard: a process opens sealed data only with the key the database was sealed with.

The database records the fingerprint of its key (`secret_key`). A station whose key differs, or that
has none while the database holds sealed data, refuses to start and says which key it needs and how
to provide it. A key is created only for a database that has nothing sealed yet, and the fingerprint
is written before the key file so that two stations setting up one database at once cannot each
keep a key of their own: the second one loses the insert and refuses.
"""

from __future__ import annotations

import os
from pathlib import Path

from tortoise.exceptions import IntegrityError

from core.persistence.models import SecretKeyRow
from core.security import KEY_ENV, KEY_FILE, SecretBox, SecretsError
from core.services.sealed import first_sealed_token

KEY_ROW = 1
PENDING_KEY_FILE = KEY_FILE + ".new"  # written by `secrets rotate` before it re-seals


class KeyMismatchError(SecretsError):
    """This process's key is not the database's key, or it has no key while sealed data exists."""


def _how_to_provide(data_dir: Path, fingerprint: str | None) -> str:
    which = (
        f"the key with fingerprint {fingerprint}" if fingerprint else "the key it was sealed with"
    )
    return (
        f"This database needs {which}: set {KEY_ENV} to it, or copy {KEY_FILE} from the station "
        f"that set the database up (or from your backup) to {data_dir / KEY_FILE} (chmod 600). "
        "Packdesk does not create a new key for a database that holds sealed data."
    )


async def stored_fingerprint() -> str | None:
    row = await SecretKeyRow.get_or_none(id=KEY_ROW)
    return row.fingerprint if row else None


async def record_fingerprint(fingerprint: str) -> bool:
    """Record the database's key; False when another process recorded one first."""
    try:
        await SecretKeyRow.create(id=KEY_ROW, fingerprint=fingerprint)
    except IntegrityError:
        return False
    return True


async def open_guarded_box(data_dir: Path, environ: dict[str, str] | None = None) -> SecretBox:
    """The secret box for this database, or `KeyMismatchError` saying which key is needed.

    Call with the database open (migrated): the fingerprint and the sealed data live there.
    """
    key = SecretBox.find_key(data_dir, environ)
    stored = await stored_fingerprint()
    if key is None:
        if stored is not None or await first_sealed_token() is not None:
            raise KeyMismatchError("No secret key found. " + _how_to_provide(data_dir, stored))
        key = SecretBox.generate_key()
        box = SecretBox(key)
        if not await record_fingerprint(box.fingerprint):
            # Another station set the database up a moment ago: its key is the one.
            raise KeyMismatchError(
                "No secret key found. " + _how_to_provide(data_dir, await stored_fingerprint())
            )
        SecretBox.write_key_file(data_dir / KEY_FILE, key)
        return box
    box = SecretBox(key)
    source = KEY_ENV if environ_has_key(environ) else str(data_dir / KEY_FILE)
    if stored is None:
        # A database from before fingerprints: adopt this key only if it opens what is sealed.
        sample = await first_sealed_token()
        if sample is not None:
            try:
                box.open(sample)
            except SecretsError:
                raise KeyMismatchError(
                    f"The secret key from {source} does not open this database's sealed data. "
                    + _how_to_provide(data_dir, None)
                ) from None
        if not await record_fingerprint(box.fingerprint):
            stored = await stored_fingerprint()
    if stored is not None and stored != box.fingerprint:
        if (finished := _finish_rotation(data_dir, stored, environ)) is not None:
            return finished
        raise KeyMismatchError(
            f"The secret key from {source} (fingerprint {box.fingerprint}) is not this "
            f"database's key. " + _how_to_provide(data_dir, stored)
        )
    return box


def _finish_rotation(
    data_dir: Path, stored: str, environ: dict[str, str] | None
) -> SecretBox | None:
    """A rotation that committed but did not get to swap the key files: swap them now."""
    pending = data_dir / PENDING_KEY_FILE
    if environ_has_key(environ) or not pending.exists():
        return None
    new = SecretBox(pending.read_bytes().strip())
    if new.fingerprint != stored:
        return None
    current = data_dir / KEY_FILE
    old = SecretBox(current.read_bytes().strip())
    os.replace(current, data_dir / f"{KEY_FILE}.{old.fingerprint}.old")
    os.replace(pending, current)
    return new


def environ_has_key(environ: dict[str, str] | None) -> bool:
    return bool((os.environ if environ is None else environ).get(KEY_ENV))
