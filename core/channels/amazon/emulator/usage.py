"""Usage plans: one token bucket per (seller, operation) with Amazon's default rates and bursts."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

# (rate per second, burst) per operation key; values from the models' usage-plan tables (sp-api.md §4.2).
USAGE_PLANS: dict[str, tuple[float, int]] = {
    "ordersV0.getOrders": (0.0167, 20),
    "ordersV0.getOrder": (0.5, 30),
    "ordersV0.getOrderBuyerInfo": (0.5, 30),
    "ordersV0.getOrderAddress": (0.5, 30),
    "ordersV0.getOrderItems": (0.5, 30),
    "ordersV0.getOrderItemsBuyerInfo": (0.5, 30),
    "ordersV0.updateShipmentStatus": (5.0, 15),
    "ordersV0.confirmShipment": (2.0, 10),
    "orders2026.searchOrders": (0.0056, 20),
    "orders2026.getOrder": (0.5, 30),
    "tokens.createRestrictedDataToken": (1.0, 10),
    "reports.createReport": (0.0167, 15),
    "reports.getReport": (2.0, 15),
    "reports.getReports": (0.0222, 10),
    "reports.cancelReport": (0.0222, 10),
    "reports.getReportDocument": (0.0167, 15),
    "feeds.createFeedDocument": (0.5, 15),
    "feeds.createFeed": (0.0083, 15),
    "feeds.getFeed": (2.0, 15),
    "feeds.cancelFeed": (2.0, 15),
    "feeds.getFeeds": (0.0222, 10),
    "feeds.getFeedDocument": (0.0222, 10),
    "listings.getListingsItem": (5.0, 10),
    "listings.putListingsItem": (5.0, 10),
    "listings.patchListingsItem": (5.0, 5),
    "listings.deleteListingsItem": (5.0, 5),
    "listings.searchListingsItems": (5.0, 5),
    "fbaInventory.getInventorySummaries": (2.0, 2),
    "mfn.getEligibleShipmentServices": (6.0, 12),
    "mfn.createShipment": (2.0, 2),
    "mfn.getShipment": (1.0, 1),
    "mfn.cancelShipment": (1.0, 1),
    "shipping.getRates": (80.0, 100),
    "shipping.purchaseShipment": (80.0, 100),
    "shipping.cancelShipment": (80.0, 100),
}
SANDBOX_PLAN = (5.0, 15)  # every operation in Amazon's sandbox
# JSON_LISTINGS_FEED: five submissions per five minutes, on top of createFeed's own plan.
LISTINGS_FEED_PLAN = (5 / 300, 5)


def rate_header(rate: float) -> str:
    """The decimal string Amazon sends in ``x-amzn-RateLimit-Limit``."""
    return f"{rate:g}"


@dataclass(slots=True)
class TokenBucket:
    """Starts full at ``burst``; refills ``rate`` tokens per emulated second."""

    rate: float
    burst: int
    tokens: float
    stamp: float

    def take(self, now: float) -> bool:
        """Spend one token if there is one."""
        if now > self.stamp:
            self.tokens = min(float(self.burst), self.tokens + (now - self.stamp) * self.rate)
            self.stamp = now
        if self.tokens >= 1.0:
            self.tokens -= 1.0
            return True
        return False


class UsagePlans:
    """All buckets of one emulator; ``enabled=False`` lets everything through (benchmarks)."""

    def __init__(self, clock: Callable[[], float], *, enabled: bool = True, sandbox: bool = False):
        self._clock = clock
        self.enabled = enabled
        self.sandbox = sandbox
        self._buckets: dict[tuple[str, str], TokenBucket] = {}

    def plan(self, operation: str) -> tuple[float, int]:
        """(rate, burst) for an operation."""
        if self.sandbox:
            return SANDBOX_PLAN
        return USAGE_PLANS.get(operation, (1.0, 5))

    def allow(self, seller_id: str, operation: str, plan: tuple[float, int] | None = None) -> bool:
        """Take a token from the (seller, operation) bucket; False means 429."""
        if not self.enabled:
            return True
        key = (seller_id, operation)
        bucket = self._buckets.get(key)
        now = self._clock()
        if bucket is None:
            rate, burst = plan or self.plan(operation)
            bucket = TokenBucket(rate, burst, float(burst), now)
            self._buckets[key] = bucket
        return bucket.take(now)

    def tokens(self, seller_id: str, operation: str) -> float | None:
        """Tokens left in a bucket (for inspection), None if never used."""
        bucket = self._buckets.get((seller_id, operation))
        return None if bucket is None else bucket.tokens
