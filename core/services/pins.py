"""Supervisor PINs at a desk: only a set PIN counts, wrong ones slow down and lock, all audited.

Wrong PINs are counted per packer (who is at the desk) and desk. After the n-th wrong PIN (n ≥ 2) the
next try waits 2^(n-2) seconds; after `MAX_FAILURES` the prompt is locked for `LOCKOUT`. The try is
booked *before* the PIN is checked, with a conditional update, so parallel tries (several SSH
sessions at once) cannot slip past the count. A PIN is never stored, logged or audited in clear.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from tortoise.exceptions import IntegrityError

from core.domain.people import Packer, Role
from core.errors import UserInputError
from core.persistence.models import PackerRow, PinAttemptRow
from core.services import audit
from core.services.people import check_pin, packer_from_row

MAX_FAILURES = 5
LOCKOUT = timedelta(minutes=15)


class PinRefused(UserInputError):
    """The PIN was wrong, or no try is taken now (wait, lockout, no PIN set)."""


def wait_after(failures: int) -> timedelta:
    """How long the next try waits after this many wrong PINs in a row."""
    if failures >= MAX_FAILURES:
        return LOCKOUT
    # One typo costs nothing; from the second wrong PIN on, 1 s, 2 s, 4 s …
    return timedelta(seconds=2 ** (failures - 2)) if failures > 1 else timedelta(0)


def _seconds(delta: timedelta) -> int:
    return max(1, int(delta.total_seconds() + 0.999))


async def _attempts(packer: str, station: str) -> PinAttemptRow:
    row = await PinAttemptRow.get_or_none(packer=packer, station=station)
    if row is None:
        try:
            row = await PinAttemptRow.create(packer=packer, station=station)
        except IntegrityError:  # a parallel try created it
            row = await PinAttemptRow.get(packer=packer, station=station)
    return row


async def _book_try(packer: str, station: str, now: datetime) -> int:
    """Count this try as wrong until proven right; return its number, or refuse it."""
    row = await _attempts(packer, station)
    if row.not_before is not None and row.not_before > now:
        locked = row.failures >= MAX_FAILURES
        await audit.record(packer or audit.SYSTEM, "supervisor_pin.refused", f"desk:{station}",
                           station=station, locked=locked, failures=row.failures)  # fmt: skip
        what = "Too many wrong PINs at this desk" if locked else "Wait a moment"
        raise PinRefused(
            f"{what} — try again in {_seconds(row.not_before - now)} s"
            + (" (or ask a supervisor to sign in at another desk)." if locked else ".")
        )
    failures = row.failures + 1
    booked = await PinAttemptRow.filter(id=row.id, failures=row.failures).update(
        failures=failures, not_before=now + wait_after(failures)
    )
    if not booked:  # another try at the same moment took this slot
        raise PinRefused("Wait a moment — try again in 1 s.")
    return failures


async def verify_supervisor_pin(
    pin: str, *, packer: str, station: str, now: datetime | None = None
) -> Packer:
    """The active supervisor whose PIN this is; `PinRefused` otherwise.

    A supervisor without a PIN is never matched: with no PIN set at all, nobody gets supervisor
    rights until one is set (`packdesk packers set-pin NAME`).
    """
    now = now or datetime.now(UTC)
    supervisors = [
        r for r in await PackerRow.filter(role=Role.SUPERVISOR.value, active=True) if r.pin_hash
    ]
    if not supervisors:
        raise PinRefused(
            "No supervisor has a PIN yet — set one with `packdesk packers set-pin NAME`."
        )
    failures = await _book_try(packer, station, now)
    for row in supervisors:
        # scrypt is deliberately slow; keep the event loop (other desks, the sync) running.
        if await asyncio.to_thread(check_pin, pin, row.pin_hash):
            await PinAttemptRow.filter(packer=packer, station=station).delete()
            await audit.record(row.name, "supervisor_pin.accepted", f"desk:{station}",
                               station=station, packer=packer)  # fmt: skip
            return packer_from_row(row)
    locked = failures >= MAX_FAILURES
    await audit.record(packer or audit.SYSTEM, "supervisor_pin.wrong", f"desk:{station}",
                       station=station, failures=failures, locked=locked)  # fmt: skip
    if locked:
        raise PinRefused(
            f"Wrong PIN {failures} times — the PIN prompt at this desk is locked for "
            f"{int(LOCKOUT.total_seconds() // 60)} minutes."
        )
    raise PinRefused("That PIN is not a supervisor's — ask a supervisor to enter theirs.")


async def clear_lockouts(packer: str = "", *, actor: str = audit.SYSTEM) -> int:
    """Lift PIN lockouts (all, or one packer's): a supervisor's decision, audited."""
    query = PinAttemptRow.filter(packer=packer) if packer else PinAttemptRow.all()
    cleared = await query.delete()
    await audit.record(actor, "supervisor_pin.unlocked", f"packer:{packer or '*'}", cleared=cleared)
    return cleared
