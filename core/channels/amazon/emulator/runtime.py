"""Everything one emulator instance holds, kept on the aiohttp app under ``RUNTIME``."""

from __future__ import annotations

import itertools
import random
import string
from typing import Any

from aiohttp import web

from core.channels.amazon.emulator.auth import TokenStore
from core.channels.amazon.emulator.clock import EmulatorClock
from core.channels.amazon.emulator.faults import FaultPlan, parse_spec
from core.channels.amazon.emulator.state import SellerState
from core.channels.amazon.emulator.usage import UsagePlans


class Runtime:
    """Clock, seller state, tokens, usage plans and faults of one emulator."""

    def __init__(
        self,
        *,
        seed: int = 1,
        accounts: int = 2,
        orders: int = 60,
        time_scale: float = 1.0,
        limits: bool = True,
        faults: str | None = None,
        sandbox: bool = False,
        start: float | None = None,
        frozen: bool = False,
    ) -> None:
        if not 1 <= accounts <= 50:
            raise ValueError("accounts must be between 1 and 50")
        if orders < 0:
            raise ValueError("orders must not be negative")
        self.clock = EmulatorClock(time_scale, start, frozen=frozen)
        self.seed = seed
        self.sandbox = sandbox
        self.state = SellerState(seed=seed, accounts=accounts, orders=orders, now=self.clock.now())
        self.tokens = TokenStore()
        self.usage = UsagePlans(self.clock.now, enabled=limits, sandbox=sandbox)
        self.faults = FaultPlan(parse_spec(faults), seed)
        rng = random.Random(f"{seed}:client")
        alnum = string.ascii_lowercase + string.digits
        self.client_id = "amzn1.application-oa2-client." + "".join(
            rng.choice(alnum) for _ in range(32)
        )
        self.client_secret = "amzn1.oa2-cs.v1." + "".join(rng.choice(alnum) for _ in range(64))
        self.base_url = ""  # set once the server listens; documents' URLs use it
        self._ids = itertools.count(1)
        self._rid_prefix = f"{rng.getrandbits(32):08x}"
        self.sandbox_examples: Any = None  # filled by the sandbox module in --sandbox mode
        # Every SP-API call: (real monotonic time, seller id, operation, access token, status),
        # so tests can see which client talked for which seller when (one syncer per account).
        self.calls: list[tuple[float, str, str, str, int]] = []
        from core.channels.amazon.emulator.notifications import NotificationState

        self.notifications = NotificationState()  # destinations and subscriptions
        from core.channels.amazon.emulator.shipping_v2 import ShippingV2State

        self.shipping_v2 = ShippingV2State()  # rate requests, purchases by idempotency key

    def request_id(self) -> str:
        """A fresh ``x-amzn-RequestId`` (UUID-shaped)."""
        n = next(self._ids)
        return f"{self._rid_prefix}-{n >> 32 & 0xFFFF:04x}-4{n >> 16 & 0xFFF:03x}-a{n & 0xFFF:03x}-{n:012x}"

    def now(self) -> float:
        """Emulated now; also moves the seller state on."""
        now = self.clock.now()
        self.state.progress(now)
        return now

    def advance(self, seconds: float) -> None:
        """Skip emulated time forward and apply what became due."""
        self.clock.advance(seconds)
        self.now()

    def credentials(self) -> dict[str, Any]:
        """The JSON ``--write-credentials`` writes (it holds secrets: never log it)."""
        return {
            "endpoint": self.base_url,
            "lwa_url": self.base_url + "/auth/o2/token",
            "client_id": self.client_id,
            "client_secret": self.client_secret,
            "accounts": [
                {
                    "name": a.name,
                    "seller_id": a.seller_id,
                    "region": a.region,
                    "marketplace_ids": list(a.marketplace_ids),
                    "refresh_token": a.refresh_token,
                }
                for a in self.state.accounts
            ],
        }


RUNTIME: web.AppKey[Runtime] = web.AppKey("packdesk_emulator_runtime", Runtime)
