"""Fixtures for the carrier tests: the emulator (Amazon and DHL on one port), DHL set up from its
credentials, and DHL's own OpenAPI spec to hold every exchange against."""

from __future__ import annotations

import json
import os
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from core.carriers.dhl.carrier import DhlCarrier
from core.carriers.directory import import_file, settings_of
from core.persistence.models import CarrierAccountRow

REPO = Path(__file__).resolve().parents[2]
SPEC_ENV = "PACKDESK_CARRIER_MODELS"
SPEC_FILE = "dhl-parcel-de-shipping-v2.1.12.yaml"


def spec_path() -> Path:
    """``$PACKDESK_CARRIER_MODELS`` or ``../shared/carrier-models`` beside the repo."""
    return Path(os.environ.get(SPEC_ENV) or REPO.parent / "shared" / "carrier-models") / SPEC_FILE


class Contract:
    """DHL's spec as a validator of requests and answers (openapi-core)."""

    def __init__(self, path: Path) -> None:
        from openapi_core import Config, OpenAPI

        # DHL answers errors as application/problem+json, which is JSON too
        config = Config(extra_media_type_deserializers={"application/problem+json": json.loads})
        self.api = OpenAPI.from_file_path(str(path), config=config)

    def check(self, exchange: Any) -> None:
        from openapi_core.testing import MockRequest, MockResponse

        request = MockRequest(
            "https://api-eu.dhl.com",
            exchange.method.lower(),
            exchange.path,
            args=dict(_multi(exchange.query)),
            headers=exchange.headers,
            data=exchange.body or None,
            content_type="application/json" if exchange.body else None,
        )
        self.api.validate_request(request)
        response = MockResponse(
            exchange.answer, status_code=exchange.status, content_type=exchange.content_type
        )
        self.api.validate_response(request, response)


def _multi(query: str) -> Any:
    from urllib.parse import parse_qsl

    from werkzeug.datastructures import ImmutableMultiDict

    return ImmutableMultiDict(parse_qsl(query, keep_blank_values=True))


@pytest.fixture(scope="session")
def contract() -> Contract:
    path = spec_path()
    if not path.exists():
        reason = f"DHL's spec is not at {path}; set {SPEC_ENV} to run the contract tests"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(reason)
        pytest.skip(reason)
    return Contract(path)


@pytest.fixture
async def emu() -> AsyncIterator[Any]:
    from core.channels.amazon.emulator import run_emulator

    async with run_emulator(seed=5, accounts=1, orders=10, frozen=True) as e:
        yield e


@pytest.fixture
async def dhl(db, box, emu, contract) -> AsyncIterator[DhlCarrier]:
    """DHL set up as `packdesk carriers import` does it; every exchange checked against the spec."""
    [imported] = await import_file(emu.credentials, box)
    row = await CarrierAccountRow.get(name=imported.name)
    async with aiohttp.ClientSession() as session:
        yield DhlCarrier(settings_of(row, box), session)
    for exchange in emu.dhl.exchanges:
        contract.check(exchange)


def credentials_file(emu: Any, tmp_path: Path) -> Path:
    path = tmp_path / "emulator.json"
    path.write_text(json.dumps(emu.credentials))
    return path
