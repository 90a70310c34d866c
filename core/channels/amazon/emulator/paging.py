"""Opaque next tokens bound to the filters they were issued for."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeVar

from core.channels.amazon.emulator.http import invalid
from core.channels.amazon.emulator.state import SellerState

T = TypeVar("T")


def page(
    state: SellerState,
    kind: str,
    filters: object,
    items: Sequence[T],
    size: int,
    token: str | None,
    now: float,
    ttl: float,
    token_name: str = "NextToken",
) -> tuple[Sequence[T], str | None]:
    """One page of ``items`` and the token for the next, if any."""
    offset = 0
    if token is not None:
        entry = state.next_tokens.get(token)
        if entry is None or entry[0] != kind:
            raise invalid(f"Invalid {token_name}.", f"The {token_name} {token!r} is not valid.")
        _, bound, offset, created = entry
        if bound != filters:
            raise invalid(
                f"Invalid {token_name}.",
                f"The {token_name} was issued for other filters; send the same filters with it.",
            )
        if now - created > ttl:
            raise invalid(f"Expired {token_name}.", f"The {token_name} has expired.")
    chunk = items[offset : offset + size]
    next_token = None
    if offset + size < len(items):
        next_token = state.new_token()
        state.next_tokens[next_token] = (kind, filters, offset + size, now)
    return chunk, next_token
