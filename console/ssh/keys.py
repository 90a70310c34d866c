"""The authorized-keys file of the SSH entry: each line maps one public key to one packer.

    # packer[@station]  key type     key                               comment
    anna@desk-2         ssh-ed25519  AAAAC3NzaC1lZDI1NTE5AAAAI...      anna's laptop
    ben                 ssh-ed25519  AAAAC3NzaC1lZDI1NTE5AAAAI...

Without `@station` the console uses the configured station (its printers, its claims). Blank lines
and `#` comments are ignored. A key may belong to one packer only.
"""

from __future__ import annotations

from pathlib import Path

import asyncssh

from core.errors import UserInputError


def load_authorized_keys(path: Path) -> dict[bytes, str]:
    """Public key blob -> `packer` or `packer@station`. Raises UserInputError naming the bad line."""
    if not path.exists():
        raise UserInputError(f"{path}: authorized-keys file not found")
    keys: dict[bytes, str] = {}
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        parts = line.split()
        if len(parts) < 3:
            raise UserInputError(f"{path}:{number}: expected 'PACKER KEYTYPE KEY [comment]'")
        packer, key_text = parts[0], " ".join(parts[1:3])
        try:
            key = asyncssh.import_public_key(key_text)
        except (asyncssh.KeyImportError, ValueError) as exc:
            raise UserInputError(f"{path}:{number}: not a public key ({exc})") from None
        blob = key.public_data
        if blob in keys and keys[blob] != packer:
            raise UserInputError(f"{path}:{number}: this key already belongs to {keys[blob]}")
        keys[blob] = packer
    return keys
