"""What one sync cycle did, per account and in total (the `--json` summary of `packdesk sync`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class AccountCycle:
    account: str
    orders_new: int = 0
    orders_updated: int = 0
    jobs_done: int = 0
    jobs_failed: int = 0
    jobs_retrying: int = 0
    stock_pushed: int = 0
    stock_rejected: int = 0  # SKUs whose stock Amazon refused this cycle
    invoices_rejected: int = 0  # uploaded invoices the VAT invoice data report shows not accepted
    listings_pulled: int = 0
    requests: int = 0
    throttled: int = 0
    throttled_out: bool = False
    failed: bool = False
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # worth saying, not a failure (a missing role)
    health: str = "unknown"
    reason: str = ""
    synced_by: str = ""  # with leases: the process that syncs this account (standby here)

    def to_json(self) -> dict[str, Any]:
        return {
            "account": self.account,
            "orders": {"new": self.orders_new, "updated": self.orders_updated},
            "jobs": {
                "done": self.jobs_done,
                "failed": self.jobs_failed,
                "retrying": self.jobs_retrying,
            },
            "stock_pushed": self.stock_pushed,
            "stock_rejected": self.stock_rejected,
            "invoices_rejected": self.invoices_rejected,
            "listings_pulled": self.listings_pulled,
            "requests": self.requests,
            "throttled": self.throttled,
            "health": self.health,
            "reason": self.reason,
            "synced_by": self.synced_by,
        }


@dataclass
class SyncSummary:
    accounts: list[AccountCycle]
    seconds: float = 0.0

    def total(self, name: str) -> int:
        return sum(int(getattr(a, name)) for a in self.accounts)

    @property
    def ok(self) -> bool:
        return not any(a.failed for a in self.accounts)

    def line(self) -> str:
        """The one-line summary printed at the end of `packdesk sync --once`."""
        return (
            f"{len(self.accounts)} account(s): orders {self.total('orders_new')} new, "
            f"{self.total('orders_updated')} updated; jobs {self.total('jobs_done')} done, "
            f"{self.total('jobs_failed')} failed; {self.total('requests')} requests, "
            f"{self.total('throttled')} answered 429; {self.seconds:.1f}s"
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "orders": {"new": self.total("orders_new"), "updated": self.total("orders_updated")},
            "jobs": {"done": self.total("jobs_done"), "failed": self.total("jobs_failed")},
            "stock_rejected": self.total("stock_rejected"),
            "invoices_rejected": self.total("invoices_rejected"),
            "requests": self.total("requests"),
            "throttled": self.total("throttled"),
            "seconds": round(self.seconds, 3),
            "accounts": [a.to_json() for a in self.accounts],
        }
