"""Supervisor PINs mean something: none set is no rights, wrong ones slow down, lock and are audited."""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime, timedelta

import pytest

from console.backend import StationBackend
from core.config import Settings
from core.domain.people import Role
from core.errors import UserInputError
from core.persistence.models import AuditEventRow
from core.security import SecretBox
from core.services import people
from core.services.pins import LOCKOUT, MAX_FAILURES, PinRefused, verify_supervisor_pin, wait_after
from core.services.setup import ensure_basics
from tests.support.logs import names_number

T0 = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


def _backend() -> StationBackend:
    return StationBackend(Settings(station="desk-1"), SecretBox(SecretBox.generate_key()))


async def test_supervisor_from_init_without_pin_grants_nothing(db):
    await ensure_basics("desk-1")  # creates "supervisor" without a PIN
    for pin in ("0000", "1234", ""):
        with pytest.raises(UserInputError, match="packers set-pin"):
            await _backend().check_supervisor(pin, "anna")


async def test_pinless_supervisor_is_never_matched_when_another_has_a_pin(db):
    await ensure_basics("desk-1")
    await people.add_packer("sam", "SUP-2", role=Role.SUPERVISOR, pin="482913")
    with pytest.raises(UserInputError, match="not a supervisor's"):
        await _backend().check_supervisor("0000", "anna")
    assert (await _backend().check_supervisor("482913", "anna")).name == "sam"


async def test_wrong_pins_wait_longer_then_lock_and_are_audited(db):
    await people.add_packer("sam", "SUP-2", role=Role.SUPERVISOR, pin="482913")
    now = T0
    for n in range(1, MAX_FAILURES + 1):
        with pytest.raises(PinRefused):
            await verify_supervisor_pin("1111", packer="anna", station="desk-1", now=now)
        if n > 1:  # from the second wrong PIN on, the very next try is not even checked
            with pytest.raises(PinRefused, match="try again in"):
                await verify_supervisor_pin("482913", packer="anna", station="desk-1", now=now)
        if n < MAX_FAILURES:
            now += wait_after(n)
    # Locked: the right PIN is refused too, until the lockout is over.
    with pytest.raises(PinRefused, match="Too many wrong PINs"):
        await verify_supervisor_pin("482913", packer="anna", station="desk-1",
                                    now=now + LOCKOUT - timedelta(seconds=5))  # fmt: skip
    # Another packer, or the same one at another desk, is not locked out.
    assert (await verify_supervisor_pin("482913", packer="ben", station="desk-1", now=now)).name
    assert (await verify_supervisor_pin("482913", packer="anna", station="desk-2", now=now)).name
    ok = await verify_supervisor_pin("482913", packer="anna", station="desk-1", now=now + LOCKOUT)
    assert ok.name == "sam"
    events = await AuditEventRow.filter(action__startswith="supervisor_pin").order_by("id")
    wrong = [e for e in events if e.action == "supervisor_pin.wrong"]
    assert [e.detail["failures"] for e in wrong] == list(range(1, MAX_FAILURES + 1))
    assert wrong[-1].detail["locked"] is True and all(e.actor == "anna" for e in wrong)
    assert any(e.action == "supervisor_pin.refused" for e in events)
    assert events[-1].action == "supervisor_pin.accepted" and events[-1].actor == "sam"
    everything = repr([(e.actor, e.subject, e.detail) for e in await AuditEventRow.all()])
    assert "482913" not in everything and "1111" not in everything


async def test_a_burst_of_parallel_wrong_pins_is_counted_not_raced(db):
    await people.add_packer("sam", "SUP-2", role=Role.SUPERVISOR, pin="482913")
    results = await asyncio.gather(
        *(verify_supervisor_pin(f"{1000 + i}", packer="anna", station="desk-1", now=T0)
          for i in range(20)),
        return_exceptions=True,
    )  # fmt: skip
    assert all(isinstance(r, PinRefused) for r in results)
    # The first wrong PIN is free of delay, so at most two of the burst get checked at all.
    assert await AuditEventRow.filter(action="supervisor_pin.wrong").count() <= 2


async def test_200_wrong_pins_through_the_desk_are_mostly_not_even_tried(db):
    """The issue's attack: 200 wrong PINs in a row at one desk (real clock)."""
    await people.add_packer("sam", "SUP-2", role=Role.SUPERVISOR, pin="482913")
    backend = _backend()
    for i in range(200):
        with pytest.raises(UserInputError):
            await backend.check_supervisor(f"{i:04d}", "mallory")
    assert await AuditEventRow.filter(action="supervisor_pin.wrong").count() <= MAX_FAILURES


async def test_a_pin_is_never_logged(db, caplog):
    caplog.set_level(logging.DEBUG)  # everything, the database drivers' SQL included
    await people.add_packer("sam", "SUP-2", role=Role.SUPERVISOR, pin="482913")
    with pytest.raises(PinRefused):
        await verify_supervisor_pin("777111", packer="anna", station="desk-1", now=T0)
    await verify_supervisor_pin("482913", packer="anna", station="desk-1", now=T0)
    assert caplog.records and not names_number(caplog.text, "482913", "777111")
