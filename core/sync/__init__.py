"""The sync worker that keeps Amazon accounts and Packdesk in step."""

from core.sync.summary import AccountCycle, SyncSummary
from core.sync.worker import SyncWorker

__all__ = ["AccountCycle", "SyncSummary", "SyncWorker"]
