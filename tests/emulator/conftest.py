"""Fixtures for the emulator suite: a running emulator, an authorised client, Amazon's models."""

from __future__ import annotations

import json
import os
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from core.channels.amazon.emulator import Emulator, run_emulator

REPO = Path(__file__).resolve().parents[2]
MODELS_ENV = "PACKDESK_SPAPI_MODELS"


def models_path() -> Path:
    """``$PACKDESK_SPAPI_MODELS`` or ``../shared/spapi-models`` beside the repo."""
    return Path(os.environ.get(MODELS_ENV) or REPO.parent / "shared" / "spapi-models")


@pytest.fixture(scope="session")
def models() -> Path:
    """Amazon's models folder; skips (fails under CI=true) when it is absent."""
    path = models_path()
    if not (path / "ordersV0.json").exists():
        reason = (
            f"Amazon's SP-API models are not at {path}; set {MODELS_ENV} to run the contract tests"
        )
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(reason)
        pytest.skip(reason)
    return path


class Api:
    """A tiny SP-API caller for tests: one seller's LWA token, JSON in and out."""

    def __init__(self, emu: Emulator, session: aiohttp.ClientSession, account: int = 0) -> None:
        self.emu = emu
        self.session = session
        self.account = emu.credentials["accounts"][account]
        self.token = ""

    @property
    def seller_id(self) -> str:
        return str(self.account["seller_id"])

    @property
    def marketplaces(self) -> list[str]:
        return list(self.account["marketplace_ids"])

    async def login(self) -> str:
        creds = self.emu.credentials
        async with self.session.post(
            creds["lwa_url"],
            data={
                "grant_type": "refresh_token",
                "refresh_token": self.account["refresh_token"],
                "client_id": creds["client_id"],
                "client_secret": creds["client_secret"],
            },
        ) as resp:
            assert resp.status == 200, await resp.text()
            self.token = (await resp.json())["access_token"]
        return self.token

    async def call(
        self,
        method: str,
        path: str,
        *,
        params: dict[str, Any] | None = None,
        body: Any = None,
        token: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> tuple[int, Any, aiohttp.typedefs.LooseHeaders]:
        headers = {
            **(headers or {}),
            "x-amz-access-token": token if token is not None else self.token,
            "user-agent": "packdesk-tests/1.0",
        }
        async with self.session.request(
            method, self.emu.url + path, params=params, json=body, headers=headers
        ) as resp:
            text = await resp.text()
            return resp.status, (json.loads(text) if text else None), resp.headers


@pytest.fixture
async def emu() -> AsyncIterator[Emulator]:
    """A running emulator with a frozen clock (time moves only by ``advance``)."""
    async with run_emulator(seed=7, accounts=3, orders=60, frozen=True) as running:
        yield running


@pytest.fixture
async def api(emu: Emulator) -> AsyncIterator[Api]:
    """Seller 1 (DE+FR), logged in."""
    async with aiohttp.ClientSession() as session:
        client = Api(emu, session)
        await client.login()
        yield client


def since(days: int = 10) -> str:
    """An ISO date-time comfortably in the past."""
    return "2000-01-01T00:00:00Z" if days <= 0 else _ago(days)


def _ago(days: int) -> str:
    from datetime import UTC, datetime, timedelta

    return (datetime.now(UTC) - timedelta(days=days)).strftime("%Y-%m-%dT%H:%M:%SZ")
