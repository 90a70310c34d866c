"""The SP-API transport: token, pacing, retries with backoff and jitter, a breaker per operation.

Log lines carry the operation, HTTP status, attempt and Amazon's request id — never a URL with
its query (it can hold order ids or e-mail filters), a token, a body or a header value.
"""

from __future__ import annotations

import asyncio
import email.utils
import logging
import platform
import random
import sys
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import aiohttp

from core.channels.amazon.client.auth import TokenSource
from core.channels.amazon.client.errors import (
    AuthorizationError,
    CircuitOpenError,
    ServerError,
    SpApiError,
    ThrottledError,
    error_for,
)
from core.channels.amazon.client.limits import (
    DEFAULT_PLAN,
    USAGE_PLANS,
    CircuitBreaker,
    TokenBucket,
)

log = logging.getLogger(__name__)

RETRY_STATUSES = {429, 500, 502, 503, 504}
USER_AGENT = (
    f"Packdesk/0.1 (Language=Python/{sys.version_info.major}.{sys.version_info.minor}; "
    f"Platform={platform.system()})"
)

REGION_ENDPOINTS = {
    "na": "https://sellingpartnerapi-na.amazon.com",
    "eu": "https://sellingpartnerapi-eu.amazon.com",
    "fe": "https://sellingpartnerapi-fe.amazon.com",
}


@dataclass
class ClientStats:
    """What the client did, for the sync summary and the benchmarks."""

    requests: int = 0
    throttled: int = 0
    retries: int = 0
    errors: int = 0
    by_operation: dict[str, int] = field(default_factory=dict)
    # answered (not 429, not a lost connection): what a usage-plan bound is made of
    answered_by_operation: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class Response:
    status: int
    body: Any
    headers: Mapping[str, str]
    request_id: str


@dataclass
class RetryPolicy:
    """Exponential backoff with 0–25 % jitter (Amazon's SDK: 1 s, 2 s, 4 s …)."""

    max_retries: int = 5
    base_s: float = 1.0
    max_s: float = 60.0

    def delay(self, attempt: int, rng: random.Random) -> float:
        base = min(self.max_s, self.base_s * 2 ** (attempt - 1))
        return float(base * (1 + rng.uniform(0, 0.25)))


class SpApiClient:
    """Calls one seller's SP-API endpoint. One per account; share its aiohttp session."""

    def __init__(
        self,
        session: aiohttp.ClientSession,
        tokens: TokenSource,
        endpoint: str,
        *,
        time_scale: float = 1.0,
        retry: RetryPolicy | None = None,
        rate_margin: float = 0.97,
        rng: random.Random | None = None,
        timeout_s: float = 60.0,
    ) -> None:
        self.session = session
        self.tokens = tokens
        self.endpoint = endpoint.rstrip("/")
        self.time_scale = time_scale
        self.retry = retry or RetryPolicy()
        self.rate_margin = rate_margin
        self.rng = rng or random.Random()
        # total bounds a slow answer; sock_read one that stops sending half-way
        self.timeout = aiohttp.ClientTimeout(total=timeout_s, sock_read=min(timeout_s, 30.0))
        self.max_answer_bytes = MAX_ANSWER_BYTES
        self.stats = ClientStats()
        self.clock_offset: timedelta | None = None  # server time minus ours, from `Date`
        self._buckets: dict[str, TokenBucket] = {}
        self._breakers: dict[str, CircuitBreaker] = {}

    def bucket(self, operation: str) -> TokenBucket:
        if operation not in self._buckets:
            rate, burst = USAGE_PLANS.get(operation, DEFAULT_PLAN)
            self._buckets[operation] = TokenBucket(
                rate * self.rate_margin, burst, time_scale=self.time_scale
            )
        return self._buckets[operation]

    def breaker(self, operation: str) -> CircuitBreaker:
        if operation not in self._breakers:
            self._breakers[operation] = CircuitBreaker(
                cool_down_s=4.0 / self.time_scale, max_cool_down_s=120.0 / self.time_scale
            )
        return self._breakers[operation]

    def server_now(self) -> datetime:
        """Amazon's idea of now (corrects our clock by the `Date` header seen last)."""
        return datetime.now(UTC) + (self.clock_offset or timedelta())

    async def call(
        self,
        operation: str,
        method: str,
        path: str,
        *,
        params: Mapping[str, Any] | None = None,
        json: Any = None,
        token: str | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> Response:
        """One SP-API operation with pacing and retries; raises a typed `SpApiError`.
        `headers` are the operation's own (an idempotency key)."""
        breaker = self.breaker(operation)
        wait = breaker.check()
        if wait:
            raise CircuitOpenError(
                "paused after repeated failures",
                retry_after_s=wait,
                operation=operation,
                code="CircuitOpen",
            )
        refreshed = False
        attempt = 0
        query = {k: _param(v) for k, v in (params or {}).items() if v is not None}
        extra = dict(headers or {})
        while True:
            attempt += 1
            await self.bucket(operation).acquire()
            access = token or await self.tokens.token()
            sent = {
                **extra,
                "x-amz-access-token": access,
                "user-agent": USER_AGENT,
                "x-amz-date": datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ"),
            }
            started = time.monotonic()
            self.stats.requests += 1
            self.stats.by_operation[operation] = self.stats.by_operation.get(operation, 0) + 1
            try:
                async with self.session.request(
                    method,
                    self.endpoint + path,
                    params=query,
                    json=json,
                    headers=sent,
                    timeout=self.timeout,
                ) as resp:
                    status = resp.status
                    raw = await read_capped(resp, self.max_answer_bytes, operation)
                    resp_headers = dict(resp.headers)
            except (aiohttp.ClientError, TimeoutError) as exc:
                log.info(
                    "%s: connection failed on attempt %d (%s)",
                    operation,
                    attempt,
                    type(exc).__name__,
                )
                if attempt > self.retry.max_retries:
                    breaker.failure()
                    self.stats.errors += 1
                    raise ServerError(
                        f"connection failed ({type(exc).__name__})", operation=operation
                    ) from None
                self.stats.retries += 1
                await asyncio.sleep(self.retry.delay(attempt, self.rng) / self.time_scale)
                continue
            request_id = resp_headers.get("x-amzn-RequestId", "")
            if status != 429:
                answered = self.stats.answered_by_operation
                answered[operation] = answered.get(operation, 0) + 1
            self._observe(operation, status, resp_headers)
            body = _decode(raw)
            log.debug(
                "%s %s → %d in %.0f ms (request id %s)",
                operation,
                method,
                status,
                (time.monotonic() - started) * 1000,
                request_id,
            )
            if status < 400 and raw and isinstance(body, str):
                # A 2xx whose JSON is cut off or garbled: the answer is lost, ask again.
                if attempt <= self.retry.max_retries:
                    self.stats.retries += 1
                    log.info(
                        "%s: unreadable answer (request id %s), retry %d",
                        operation,
                        request_id,
                        attempt,
                    )
                    await asyncio.sleep(self.retry.delay(attempt, self.rng) / self.time_scale)
                    continue
                breaker.failure()
                self.stats.errors += 1
                raise ServerError(
                    "the answer was not valid JSON",
                    status=status,
                    request_id=request_id,
                    operation=operation,
                )
            if status < 400:
                breaker.success()
                return Response(status, body, resp_headers, request_id)
            if status == 429:
                self.stats.throttled += 1
                self.bucket(operation).drain()
            error = error_for(
                status,
                body,
                request_id=request_id,
                operation=operation,
                retry_after_s=1 / max(self.bucket(operation).rate, 1e-6),
            )
            if isinstance(error, AuthorizationError) and not refreshed and token is None:
                # An access token that expired early (or was revoked server-side): one fresh try.
                refreshed = True
                self.tokens.invalidate(access)
                log.info("%s: 403 %s, refreshing the access token once", operation, error.code)
                continue
            if status in RETRY_STATUSES and attempt <= self.retry.max_retries:
                self.stats.retries += 1
                delay = self.retry.delay(attempt, self.rng) / self.time_scale
                log.info(
                    "%s: HTTP %d (request id %s), retry %d in %.2fs",
                    operation,
                    status,
                    request_id,
                    attempt,
                    delay,
                )
                await asyncio.sleep(delay)
                continue
            if status in RETRY_STATUSES:
                breaker.failure()
            self.stats.errors += 1
            log.warning(
                "%s failed: HTTP %d %s (request id %s)", operation, status, error.code, request_id
            )
            raise error

    def _observe(self, operation: str, status: int, headers: Mapping[str, str]) -> None:
        limit = headers.get("x-amzn-RateLimit-Limit")
        if limit and status != 429:
            try:
                self.bucket(operation).set_rate(float(limit) * self.rate_margin)
            except ValueError:
                pass
        if date := headers.get("Date"):
            try:
                server = email.utils.parsedate_to_datetime(date)
                self.clock_offset = server - datetime.now(UTC)
            except (TypeError, ValueError):
                pass


MAX_ANSWER_BYTES = 16 * 1024**2  # an API answer (not a report document) is never near this


class AnswerTooLarge(ServerError):
    """An answer beyond any Amazon sends: refused unread instead of filling the memory."""


async def read_capped(resp: aiohttp.ClientResponse, limit: int, operation: str) -> bytes:
    """The body, or `AnswerTooLarge` as soon as it passes `limit` bytes."""
    declared = resp.content_length
    if declared is not None and declared > limit:
        raise AnswerTooLarge(
            f"the answer is {declared / 1024**2:.0f} MiB, more than the {limit // 1024**2} MiB "
            "an answer may have; not read",
            status=resp.status,
            operation=operation,
        )
    chunks, size = [], 0
    async for chunk in resp.content.iter_chunked(1 << 16):
        size += len(chunk)
        if size > limit:
            raise AnswerTooLarge(
                f"the answer passed the {limit // 1024**2} MiB an answer may have; reading stopped",
                status=resp.status,
                operation=operation,
            )
        chunks.append(chunk)
    return b"".join(chunks)


def _param(value: Any) -> str:
    if isinstance(value, list | tuple | set):
        return ",".join(str(v) for v in value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return str(value)


def _decode(raw: bytes) -> Any:
    if not raw:
        return None
    import json as _json

    try:
        return _json.loads(raw)
    except ValueError:
        return raw.decode("utf-8", "replace")


__all__ = [
    "REGION_ENDPOINTS",
    "ClientStats",
    "Response",
    "RetryPolicy",
    "SpApiClient",
    "SpApiError",
    "ThrottledError",
]
