"""Pacing by Amazon's usage plans: an async token bucket per operation and a circuit breaker.

Buckets start full (Amazon's do) and refill at the plan's rate. A `time_scale` above 1 speeds the
clock up for an emulator that runs its usage plans time-scaled. `x-amzn-RateLimit-Limit` replaces
the rate when Amazon sends it (Orders v0 plans vary per seller).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass

# operation → (rate per second, burst), from Amazon's models (reference/sp-api.md §4.2).
USAGE_PLANS: dict[str, tuple[float, int]] = {
    "getOrders": (0.0167, 20),
    "getOrder": (0.5, 30),
    "getOrderItems": (0.5, 30),
    "getOrderAddress": (0.5, 30),
    "getOrderBuyerInfo": (0.5, 30),
    "getOrderItemsBuyerInfo": (0.5, 30),
    "confirmShipment": (2.0, 10),
    "updateShipmentStatus": (5.0, 15),
    "searchOrders": (0.0056, 20),
    "getOrder2026": (0.5, 30),
    "createReport": (0.0167, 15),
    "getReport": (2.0, 15),
    "getReports": (0.0222, 10),
    "cancelReport": (0.0222, 10),
    "getReportDocument": (0.0167, 15),
    "createFeedDocument": (0.5, 15),
    "createFeed": (0.0083, 15),
    "getFeed": (2.0, 15),
    "cancelFeed": (2.0, 15),
    "getFeeds": (0.0222, 10),
    "getFeedDocument": (0.0222, 10),
    "getListingsItem": (5.0, 10),
    "putListingsItem": (5.0, 10),
    "patchListingsItem": (5.0, 5),
    "deleteListingsItem": (5.0, 5),
    "searchListingsItems": (5.0, 5),
    "getInventorySummaries": (2.0, 2),
    "getRates": (80.0, 100),
    "purchaseShipment": (80.0, 100),
    "cancelShipmentV2": (80.0, 100),
    "createRestrictedDataToken": (1.0, 10),
}
DEFAULT_PLAN = (1.0, 5)

Clock = Callable[[], float]


class TokenBucket:
    """Waits until a request may go out. Waiters are served in arrival order."""

    def __init__(
        self, rate: float, burst: int, *, time_scale: float = 1.0, clock: Clock = time.monotonic
    ) -> None:
        self.burst = max(1, burst)
        self.time_scale = time_scale
        self.rate = rate * time_scale
        self._tokens = float(self.burst)
        self._clock = clock
        self._at = clock()
        self._lock = asyncio.Lock()

    def _refill(self) -> None:
        now = self._clock()
        self._tokens = min(float(self.burst), self._tokens + (now - self._at) * self.rate)
        self._at = now

    def set_rate(self, rate_per_s: float) -> None:
        """Adopt the rate Amazon announced (`x-amzn-RateLimit-Limit`)."""
        if rate_per_s > 0:
            self._refill()
            self.rate = rate_per_s * self.time_scale

    def drain(self) -> None:
        """A 429 says Amazon's bucket is empty: empty ours too, so the next call waits a full slot."""
        self._refill()
        self._tokens = min(self._tokens, 0.0)

    def wait_time(self) -> float:
        self._refill()
        return 0.0 if self._tokens >= 1 else (1 - self._tokens) / self.rate

    async def acquire(self) -> float:
        """Take one token, sleeping as long as needed; returns the seconds waited."""
        waited = 0.0
        async with self._lock:
            while True:
                delay = self.wait_time()
                if delay <= 0:
                    self._tokens -= 1
                    return waited
                await asyncio.sleep(delay)
                waited += delay


@dataclass
class CircuitBreaker:
    """Opens after an operation kept failing; lets one probe through after a growing cool-down."""

    threshold: int = 3
    cool_down_s: float = 4.0
    max_cool_down_s: float = 120.0
    clock: Clock = time.monotonic
    failures: int = 0
    opened_at: float | None = None
    current_cool_down: float = 0.0
    probing: bool = False

    def check(self) -> float:
        """0 when a call may go out, else the seconds until the breaker lets a probe through."""
        if self.opened_at is None:
            return 0.0
        remaining = self.opened_at + self.current_cool_down - self.clock()
        if remaining > 0 or self.probing:
            return max(remaining, 0.5)
        self.probing = True
        return 0.0

    def success(self) -> None:
        self.failures, self.opened_at, self.probing, self.current_cool_down = 0, None, False, 0.0

    def failure(self) -> None:
        self.failures += 1
        if self.opened_at is not None or self.failures >= self.threshold:
            self.current_cool_down = (
                min(self.max_cool_down_s, self.current_cool_down * 2)
                if self.current_cool_down
                else self.cool_down_s
            )
            self.opened_at = self.clock()
            self.probing = False

    @property
    def is_open(self) -> bool:
        return self.opened_at is not None
