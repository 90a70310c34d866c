"""Login with Amazon: a refresh token becomes an access token, cached and renewed 60 s early.

One refresh at a time per account (single flight): callers that arrive while a refresh is under
way wait for it instead of asking LWA again.
"""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass, field
from typing import Any

import aiohttp

from core.channels.amazon.client.errors import LwaError

log = logging.getLogger(__name__)

DEFAULT_LWA_URL = "https://api.amazon.com/auth/o2/token"
REFRESH_EARLY_S = 60.0


@dataclass(frozen=True)
class Credentials:
    """What the seller authorised: the app's client id and secret, the seller's refresh token."""

    client_id: str
    client_secret: str = field(repr=False)
    refresh_token: str = field(repr=False)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Credentials:
        return cls(str(data["client_id"]), str(data["client_secret"]), str(data["refresh_token"]))

    def to_dict(self) -> dict[str, str]:
        return {
            "client_id": self.client_id,
            "client_secret": self.client_secret,
            "refresh_token": self.refresh_token,
        }


class TokenSource:
    """Hands out a valid LWA access token for one account."""

    def __init__(
        self,
        session: aiohttp.ClientSession,
        credentials: Credentials,
        lwa_url: str = DEFAULT_LWA_URL,
        *,
        early_s: float = REFRESH_EARLY_S,
        clock: Any = time.monotonic,
        attempts: int = 4,
        retry_base_s: float = 0.5,
        scope: str | None = None,
    ) -> None:
        # With a scope: grantless tokens (client_credentials), e.g. for Notifications API
        # destinations, instead of the seller's refresh token.
        self.scope = scope
        self.attempts = attempts
        self.retry_base_s = retry_base_s
        self._session = session
        self._credentials = credentials
        self._url = lwa_url or DEFAULT_LWA_URL
        self._early_s = early_s
        self._clock = clock
        self._token = ""
        self._expires_at = 0.0
        self._lock = asyncio.Lock()
        self.refreshes = 0

    def grantless(self, scope: str) -> TokenSource:
        """A token source for grantless operations of the same application."""
        return TokenSource(
            self._session,
            self._credentials,
            self._url,
            early_s=self._early_s,
            clock=self._clock,
            attempts=self.attempts,
            retry_base_s=self.retry_base_s,
            scope=scope,
        )

    async def token(self) -> str:
        """A cached token, or a fresh one when the cached one is (nearly) expired."""
        if self._token and self._clock() < self._expires_at:
            return self._token
        async with self._lock:
            if self._token and self._clock() < self._expires_at:
                return self._token
            await self._refresh()
            return self._token

    def invalidate(self, token: str) -> None:
        """Forget `token` (Amazon said it expired); a newer one is kept."""
        if token == self._token:
            self._token, self._expires_at = "", 0.0

    async def _refresh(self) -> None:
        """Ask LWA, retrying its 5xx answers and broken connections a few times."""
        for attempt in range(1, self.attempts + 1):
            try:
                await self._ask()
                return
            except LwaError as exc:
                if (exc.status and exc.status < 500) or attempt == self.attempts:
                    raise
                log.info("LWA token request failed (%s), retry %d", exc.error, attempt)
                await asyncio.sleep(self.retry_base_s * 2 ** (attempt - 1))

    async def _ask(self) -> None:
        form = {
            "grant_type": "refresh_token",
            "refresh_token": self._credentials.refresh_token,
            "client_id": self._credentials.client_id,
            "client_secret": self._credentials.client_secret,
        }
        if self.scope:
            del form["refresh_token"]
            form["grant_type"], form["scope"] = "client_credentials", self.scope
        try:
            async with self._session.post(
                self._url, data=form, timeout=aiohttp.ClientTimeout(total=30)
            ) as resp:
                status = resp.status
                try:
                    body: Any = await resp.json(content_type=None)
                except ValueError:
                    body = {}
        except (aiohttp.ClientError, TimeoutError) as exc:
            raise LwaError(
                "connection_failed", f"The token service cannot be reached ({type(exc).__name__})."
            ) from None
        if status == 200 and (not isinstance(body, dict) or "access_token" not in body):
            raise LwaError("malformed_response", "The token service sent an unreadable answer.")
        if status != 200 or not isinstance(body, dict):
            data = body if isinstance(body, dict) else {}
            raise LwaError(
                str(data.get("error", "") or f"http_{status}"),
                str(data.get("error_description", "") or f"HTTP {status} from the token service"),
                status=status,
            )
        lifetime = float(body.get("expires_in", 3600))
        self._token = str(body["access_token"])
        self._expires_at = self._clock() + max(lifetime - self._early_s, lifetime / 2)
        self.refreshes += 1
        log.debug("LWA access token refreshed (valid %.0fs)", lifetime)
