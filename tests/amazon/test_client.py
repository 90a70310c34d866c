"""The SP-API client against small aiohttp servers: tokens, pacing, retries, breaker, errors."""

from __future__ import annotations

import asyncio
from decimal import Decimal
from typing import Any

import aiohttp
import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer
from hypothesis import given
from hypothesis import strategies as st

from core.channels.amazon.client import (
    AuthorizationError,
    CircuitOpenError,
    Credentials,
    InvalidInputError,
    RetryPolicy,
    ServerError,
    SpApiClient,
    TokenSource,
)
from core.channels.amazon.client.limits import CircuitBreaker, TokenBucket
from core.channels.amazon.normalize import tax_rate

CREDS = Credentials("cid", "secret-xyz", "Atzr|refresh")


class Fake:
    """A token endpoint and one SP-API route whose answers a test scripts."""

    def __init__(self) -> None:
        self.token_calls = 0
        self.answers: list[tuple[int, Any]] = []
        self.seen_tokens: list[str] = []

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_post("/auth/o2/token", self.token)
        app.router.add_get("/thing", self.thing)
        return app

    async def token(self, request: web.Request) -> web.Response:
        self.token_calls += 1
        await asyncio.sleep(0.01)
        return web.json_response({"access_token": f"Atza|t{self.token_calls}", "expires_in": 3600})

    async def thing(self, request: web.Request) -> web.Response:
        self.seen_tokens.append(request.headers["x-amz-access-token"])
        status, body = self.answers.pop(0) if self.answers else (200, {"ok": True})
        return web.json_response(
            body,
            status=status,
            headers={"x-amzn-RequestId": "rid-1", "x-amzn-RateLimit-Limit": "5"},
        )


@pytest.fixture
async def fake():
    f = Fake()
    async with TestServer(f.app()) as server, aiohttp.ClientSession() as session:
        base = str(server.make_url("")).rstrip("/")
        tokens = TokenSource(session, CREDS, base + "/auth/o2/token")
        client = SpApiClient(session, tokens, base, retry=RetryPolicy(max_retries=3, base_s=0.001))
        yield f, client


async def test_token_is_fetched_once_for_concurrent_callers(fake):
    f, client = fake
    tokens = await asyncio.gather(*(client.tokens.token() for _ in range(20)))
    assert set(tokens) == {"Atza|t1"} and f.token_calls == 1


async def test_token_is_renewed_sixty_seconds_early():
    now = [0.0]

    class Session:  # only what TokenSource touches
        pass

    source = TokenSource(Session(), CREDS, "http://x", clock=lambda: now[0])  # type: ignore[arg-type]
    calls = []

    async def ask() -> None:
        calls.append(now[0])
        source._token, source._expires_at = f"t{len(calls)}", now[0] + 3600 - 60

    source._ask = ask  # type: ignore[method-assign]
    assert await source.token() == "t1"
    now[0] = 3539
    assert await source.token() == "t1"
    now[0] = 3541
    assert await source.token() == "t2"


async def test_expired_token_403_refreshes_once_and_retries(fake):
    f, client = fake
    f.answers = [
        (
            403,
            {
                "errors": [
                    {
                        "code": "Unauthorized",
                        "message": "Access to requested resource is denied.",
                        "details": "The access token you provided has expired.",
                    }
                ]
            },
        )
    ]
    resp = await client.call("getThing", "GET", "/thing")
    assert resp.body == {"ok": True}
    assert f.seen_tokens == ["Atza|t1", "Atza|t2"]


async def test_a_second_403_is_a_typed_error_with_request_id(fake):
    f, client = fake
    denied = (
        403,
        {
            "errors": [
                {"code": "Unauthorized", "message": "Access to requested resource is denied."}
            ]
        },
    )
    f.answers = [denied, denied]
    with pytest.raises(AuthorizationError) as info:
        await client.call("getThing", "GET", "/thing")
    assert info.value.code == "Unauthorized" and info.value.request_id == "rid-1"
    assert "Atza" not in str(info.value)


async def test_429_and_500_are_retried_400_is_not(fake):
    f, client = fake
    f.answers = [
        (429, {"errors": [{"code": "QuotaExceeded", "message": "q"}]}),
        (500, {"errors": [{"code": "InternalFailure", "message": "x"}]}),
    ]
    assert (await client.call("getThing", "GET", "/thing")).body == {"ok": True}
    assert client.stats.throttled == 1 and client.stats.retries == 2
    f.answers = [(400, {"errors": [{"code": "InvalidInput", "message": "bad", "details": "d"}]})]
    with pytest.raises(InvalidInputError):
        await client.call("getThing", "GET", "/thing")


async def test_breaker_opens_after_repeated_exhaustion(fake):
    f, client = fake
    f.answers = [(503, {"errors": [{"code": "ServiceUnavailable", "message": "x"}]})] * 12
    for _ in range(3):
        with pytest.raises(ServerError):
            await client.call("getThing", "GET", "/thing")
    with pytest.raises(CircuitOpenError):
        await client.call("getThing", "GET", "/thing")


def test_breaker_cool_down_doubles_and_probe_closes_it():
    now = [0.0]
    b = CircuitBreaker(threshold=1, cool_down_s=4, max_cool_down_s=10, clock=lambda: now[0])
    b.failure()
    assert b.check() > 0
    now[0] = 4.1
    assert b.check() == 0  # the probe
    b.failure()
    assert b.current_cool_down == 8
    now[0] = 20
    assert b.check() == 0
    b.success()
    assert not b.is_open


async def test_bucket_allows_the_burst_then_paces_at_the_rate():
    now = [0.0]
    bucket = TokenBucket(rate=2.0, burst=3, clock=lambda: now[0])
    for _ in range(3):
        assert await bucket.acquire() == 0
    assert bucket.wait_time() == pytest.approx(0.5)
    bucket.set_rate(4.0)
    assert bucket.wait_time() == pytest.approx(0.25)


@given(
    rate=st.sampled_from(
        [Decimal("19"), Decimal("7"), Decimal("20"), Decimal("5.5"), Decimal("23"), Decimal("0")]
    ),
    cents=st.integers(min_value=500, max_value=1_000_000),  # below ~5 EUR a cent blurs 7 % and 8 %
)
def test_tax_rate_is_recovered_from_gross_and_included_tax(rate, cents):
    gross = Decimal(cents) / 100
    tax = (gross - gross / (1 + rate / 100)).quantize(Decimal("0.01"))
    assert tax_rate(gross, tax) == rate
