"""Sealing personal data and credentials at rest (authenticated encryption, Fernet: AES + HMAC).

The key comes from `PACKDESK_SECRET_KEY` or from `secret.key` in the data dir. Which key a database
was sealed with is recorded there as a fingerprint (core/services/keys.py): a process with another
key, or none while sealed data exists, refuses to start instead of creating one. Losing the key means
losing the sealed data, so `packdesk init` tells where it is.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import re
import unicodedata
from pathlib import Path
from typing import Any

from cryptography.fernet import Fernet, InvalidToken

from core.errors import PackdeskError

KEY_FILE = "secret.key"
KEY_ENV = "PACKDESK_SECRET_KEY"


def key_fingerprint(key: bytes) -> str:
    """A short name for a key that reveals nothing about it (shown in messages, kept in the DB)."""
    return hashlib.sha256(b"packdesk key fingerprint\0" + key.strip()).hexdigest()[:16]


class SecretsError(PackdeskError):
    """Sealed data cannot be opened: the key is missing or not the one it was sealed with."""


class SecretBox:
    """Seals and opens small values. Hand one instance to whoever needs it; it holds no global state."""

    def __init__(self, key: bytes) -> None:
        self.fingerprint = key_fingerprint(key)
        # A separate key for search tokens, derived so that tokens reveal nothing about the cipher.
        self._blind_key = hashlib.sha256(b"packdesk blind index\0" + key).digest()
        try:
            self._fernet = Fernet(key)
        except (ValueError, TypeError) as exc:
            raise SecretsError(
                "The secret key is not a valid Fernet key (44 url-safe base64 characters)."
            ) from exc

    @classmethod
    def generate_key(cls) -> bytes:
        return Fernet.generate_key()

    @classmethod
    def find_key(cls, data_dir: Path, environ: dict[str, str] | None = None) -> bytes | None:
        """The key from `PACKDESK_SECRET_KEY`, else from the key file; None when there is neither.

        Never creates a key: only the key guard may, and only for a database with nothing sealed.
        """
        env = os.environ if environ is None else environ
        if key := env.get(KEY_ENV):
            return key.strip().encode()
        path = data_dir / KEY_FILE
        if not path.exists():
            return None
        if path.stat().st_mode & 0o077:
            raise SecretsError(f"{path} must be readable by its owner only (chmod 600 {path}).")
        return path.read_bytes().strip()

    @classmethod
    def write_key_file(cls, path: Path, key: bytes) -> None:
        """Write a key file readable by its owner only; never overwrites one."""
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as f:
            f.write(key + b"\n")

    def seal(self, value: Any) -> str:
        """JSON-encode and encrypt; the result is ASCII text for a TEXT column."""
        return self._fernet.encrypt(json.dumps(value, ensure_ascii=False).encode()).decode("ascii")

    def open(self, token: str) -> Any:
        if not token:
            return None
        try:
            return json.loads(self._fernet.decrypt(token.encode("ascii")))
        except InvalidToken as exc:
            raise SecretsError(
                "Sealed data cannot be opened with this key — is PACKDESK_SECRET_KEY or the key "
                "file the one this database was written with?"
            ) from exc

    def blind_tokens(self, *texts: str) -> str:
        """Keyed hashes of the words of `texts`, space-separated and space-framed.

        Lets a sealed name be found by any of its words (`" <token> "` in the column) without the
        database ever holding the word: a blind index.
        """
        tokens = sorted({self.blind_token(w) for t in texts for w in _words(t)})
        return f" {' '.join(tokens)} " if tokens else ""

    def blind_token(self, word: str) -> str:
        return hmac.new(self._blind_key, _fold(word).encode(), hashlib.sha256).hexdigest()[:20]


def _fold(word: str) -> str:
    """Case and accents do not matter when searching a name: Groß = gross, Wójcik = wojcik."""
    decomposed = unicodedata.normalize("NFKD", word.casefold().replace("ß", "ss").replace("ł", "l"))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _words(text: str) -> list[str]:
    return [w for w in re.split(r"[\W_]+", text) if len(w) >= 2]


def blind_words(text: str) -> list[str]:
    """The words of a search term that a blind index can match."""
    return _words(text)
