"""An emulator per test, time-scaled so that Amazon's usage plans hold but tests stay quick."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from tests.amazon.support import SCALE


@pytest.fixture
async def emu() -> AsyncIterator[Any]:
    from core.channels.amazon.emulator import run_emulator

    async with run_emulator(
        seed=7, accounts=2, orders=60, time_scale=SCALE, frozen=True
    ) as emulator:
        yield emulator
