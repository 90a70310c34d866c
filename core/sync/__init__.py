"""The sync worker that keeps Amazon accounts and Packdesk in step.

The names below load on first use: `core.sync.lease` (which the console's read models ask who
syncs) must not pull in the worker, the Amazon client and aiohttp before the desk is on screen.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from core.sync.summary import AccountCycle, SyncSummary
    from core.sync.worker import SyncWorker

__all__ = ["AccountCycle", "SyncSummary", "SyncWorker"]
_HOMES = {"AccountCycle": "summary", "SyncSummary": "summary", "SyncWorker": "worker"}


def __getattr__(name: str) -> Any:
    if name in _HOMES:
        return getattr(import_module(f"core.sync.{_HOMES[name]}"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
