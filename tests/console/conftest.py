"""A desk with a packer, a supervisor (PIN 1234), two articles and a few orders, and the App on it."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

import pytest

from console.app import PackdeskApp
from console.backend import StationBackend
from core.config import CompanySettings, DeskSettings, Settings
from core.persistence.models import OrderRow, PackerRow
from core.services.intake import upsert_orders
from core.services.people import hash_pin
from core.services.setup import ensure_basics
from tests.support.factories import ean, make_account, make_article, make_order

COMPANY = CompanySettings(
    name="Muster GmbH",
    street="Hafenstraße 1",
    postcode="20457",
    city="Hamburg",
    vat_id="DE123456789",
)


@dataclass
class Desk:
    settings: Settings
    backend: StationBackend
    orders: dict[str, int]  # external id -> id
    mug: str = ean(1)
    tea: str = ean(2)

    def app(self, **kwargs: object) -> PackdeskApp:
        kwargs.setdefault("poll_interval", None)
        kwargs.setdefault("cursor_blink", False)
        return PackdeskApp(self.backend, **kwargs)  # type: ignore[arg-type]


async def seed_desk(box, station: str = "desk-1") -> Desk:
    await ensure_basics(station)
    await PackerRow.filter(role="supervisor").update(pin_hash=hash_pin("1234"), name="sam")
    await PackerRow.create(name="anna", badge="P-ANNA", role="packer")
    acc = await make_account("amazon-de")
    await make_article("MUG", 1, account_id=acc, on_hand=20)
    await make_article("TEA", 2, account_id=acc, on_hand=20)
    await make_article("PEN", 3, account_id=acc, on_hand=20)
    orders = [
        make_order("302-0000001-0000001", account_id=acc, lines=[("MUG", 2), ("TEA", 1)]),
        make_order("302-0000002-0000002", account_id=acc, lines=[("TEA", 1)]),
        make_order("302-0000003-0000003", account_id=acc, lines=[("MUG", 1)], is_prime=True),
    ]
    await upsert_orders(acc, orders, box)
    ids = {r.external_id: r.id for r in await OrderRow.all()}
    # The undo window has its own tests (test_undo_window.py, with a clock they move); here the
    # last item ships at once, as with `desk.undo_seconds = 0`.
    settings = Settings(station=station, company=COMPANY, desk=DeskSettings(undo_seconds=0))
    return Desk(settings, StationBackend(settings, box), ids)


@pytest.fixture
async def desk(db, box) -> Desk:
    return await seed_desk(box)


class DeskClock:
    """A monotonic clock the test moves by hand (the undo window reads `app.clock`)."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


async def until(pilot, condition: Callable[[], bool], limit_s: float = 10.0) -> None:
    """Let the app run until `condition` holds; fail after `limit_s` seconds."""
    deadline = time.monotonic() + limit_s
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("condition not reached in time")
        await pilot.pause(0.01)
