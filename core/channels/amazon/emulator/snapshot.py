"""The seller state as plain JSON (inspection route, determinism tests)."""

from __future__ import annotations

from dataclasses import fields, is_dataclass
from decimal import Decimal
from typing import Any

from core.channels.amazon.emulator.clock import iso
from core.channels.amazon.emulator.state import SellerState


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if is_dataclass(value) and not isinstance(value, type):
        return record(value)
    if isinstance(value, bytes):
        return f"<{len(value)} bytes>"
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def record(obj: Any, *, drop: tuple[str, ...] = ()) -> dict[str, Any]:
    """A dataclass as JSON-ready dict."""
    assert is_dataclass(obj) and not isinstance(obj, type)
    return {f.name: _plain(getattr(obj, f.name)) for f in fields(obj) if f.name not in drop}


def snapshot(state: SellerState, now: float) -> dict[str, Any]:
    """Everything the emulator knows, minus secrets (refresh tokens) and label bytes."""
    return {
        "now": iso(now),
        "seed": state.seed,
        "pii_requires_rdt": state.pii_requires_rdt,
        "accounts": [record(a, drop=("refresh_token",)) for a in state.accounts],
        "articles": [record(a) for a in state.articles],
        "listings": [record(v) for v in state.listings.values()],
        "orders": [
            record(o)
            for o in sorted(state.orders.values(), key=lambda o: (o.purchase_date, o.order_id))
        ],
        "confirmations": _plain(state.confirmations),
        "reports": [record(r) for r in state.reports.values()],
        "feeds": [record(f) for f in state.feeds.values()],
        "uploads": [record(u) for u in state.uploads],
        "fulfillment_feeds": _plain(state.fulfillment_feeds),
        "shipments": [record(s, drop=("label_bytes", "request")) for s in state.shipments.values()],
        "pending_listing_changes": [record(c) for c in state.pending_listing_changes],
    }
