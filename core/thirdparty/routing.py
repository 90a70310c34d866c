"""Which fulfilment provider an order of a `third_party` profile goes to."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any


def provider_for(options: Mapping[str, Any], providers: Sequence[str]) -> str | None:
    """The profile's ``options.provider``; without one, the only provider configured (else None)."""
    named = str(options.get("provider") or "").strip()
    if named:
        return named if named in providers else None
    return providers[0] if len(providers) == 1 else None
