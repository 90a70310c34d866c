"""Issued documents at rest: the buyer's name, addresses and the PDF are sealed (core/security.py).

Tax law keeps invoices for years, so they outlive the order's own personal data; they are still
personal data, so the document row holds them only as ciphertext. Rows written before sealing
(plain content, a PDF starting with ``%PDF``) are read as they are.
"""

from __future__ import annotations

import base64
from typing import Any

from core.security import SecretBox

PERSONAL_KEYS = ("buyer", "billing_address", "shipping_address")
SEALED_KEY = "personal_sealed"


def seal_content(content: dict[str, Any], box: SecretBox) -> dict[str, Any]:
    """The snapshot as stored: personal parts replaced by one sealed token."""
    if SEALED_KEY in content:
        return content
    stored = {k: v for k, v in content.items() if k not in PERSONAL_KEYS}
    stored[SEALED_KEY] = box.seal({k: content[k] for k in PERSONAL_KEYS if k in content})
    return stored


def open_content(stored: dict[str, Any], box: SecretBox) -> dict[str, Any]:
    """The full snapshot again, ready to render."""
    if SEALED_KEY not in stored:
        return stored
    content = {k: v for k, v in stored.items() if k != SEALED_KEY}
    content.update(box.open(stored[SEALED_KEY]) or {})
    return content


def seal_pdf(data: bytes, box: SecretBox) -> bytes:
    return box.seal(base64.b64encode(data).decode("ascii")).encode("ascii")


def open_pdf(stored: bytes, box: SecretBox) -> bytes:
    if stored.startswith(b"%PDF"):
        return stored
    return base64.b64decode(box.open(stored.decode("ascii")))


FERNET_PREFIX = b"gAAAAA"  # every Fernet token starts with version byte 0x80, base64-encoded


def seal_blob(data: bytes, box: SecretBox) -> bytes:
    """Any printable file (a label: PDF, ZPL, PNG) sealed for a BLOB column."""
    return seal_pdf(data, box)


def open_blob(stored: bytes, box: SecretBox) -> bytes:
    """The file again; rows written before sealing hold the plain bytes and are read as they are."""
    if not stored.startswith(FERNET_PREFIX):
        return stored
    return base64.b64decode(box.open(stored.decode("ascii")))
