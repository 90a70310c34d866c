"""Messages the app sends to its screens."""

from __future__ import annotations

from textual.message import Message


class DataChanged(Message):
    """Something in the database changed (this desk, another desk, or the sync)."""
