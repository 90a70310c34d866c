"""Packers and supervisors: who may sign in at a desk, and the PINs that guard supervisor work."""

from __future__ import annotations

import hashlib
import hmac
import os
from dataclasses import dataclass

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from core.domain.people import Packer, Role, possible_pin
from core.errors import ConflictError, NotFound, UserInputError
from core.persistence.models import PackerRow
from core.services import audit, claim, sessions


def hash_pin(pin: str, salt: bytes | None = None) -> str:
    """A PIN as stored in `packer.pin_hash` (scrypt, salted)."""
    salt = salt or os.urandom(16)
    digest = hashlib.scrypt(pin.encode(), salt=salt, n=2**14, r=8, p=1)
    return f"scrypt${salt.hex()}${digest.hex()}"


def check_pin(pin: str, stored: str) -> bool:
    try:
        scheme, salt, digest = stored.split("$")
    except ValueError:
        return False
    if scheme != "scrypt":
        return False
    return hmac.compare_digest(hash_pin(pin, bytes.fromhex(salt)).split("$")[2], digest)


def _valid_pin(pin: str) -> str:
    if not possible_pin(pin):
        raise UserInputError("A PIN is 4 to 12 digits.")
    return pin


def packer_from_row(row: PackerRow) -> Packer:
    return Packer(row.name, row.badge, Role(row.role), row.language, row.active, row.id)


async def list_packers(include_inactive: bool = False) -> list[Packer]:
    query = PackerRow.all() if include_inactive else PackerRow.filter(active=True)
    return [packer_from_row(r) for r in await query.order_by("name")]


async def add_packer(
    name: str, badge: str, *, role: Role = Role.PACKER, language: str = "", pin: str = "",
    actor: str = audit.SYSTEM,
) -> Packer:  # fmt: skip
    """A new person at the desks; the badge is what they scan to sign in."""
    name, badge = name.strip(), badge.strip()
    if not name or not badge:
        raise UserInputError("A packer needs a name and a badge code.")
    if role is Role.SUPERVISOR and not pin:
        raise UserInputError("A supervisor needs a PIN (4 to 12 digits).")
    try:
        async with in_transaction() as conn:
            row = await PackerRow.create(
                name=name, badge=badge, role=role.value, language=language,
                pin_hash=hash_pin(_valid_pin(pin)) if pin else "", using_db=conn,
            )  # fmt: skip
            await audit.record(actor, "packer.added", f"packer:{row.id}", using_db=conn,
                               role=role.value)  # fmt: skip
    except IntegrityError:
        raise ConflictError(f"A packer named {name!r} or with badge {badge!r} exists.") from None
    return packer_from_row(row)


async def set_pin(name: str, pin: str, *, actor: str = audit.SYSTEM) -> None:
    """Set or change a person's PIN."""
    pin_hash = hash_pin(_valid_pin(pin))
    async with in_transaction() as conn:
        row = await PackerRow.filter(name=name).using_db(conn).first()
        if row is None:
            raise NotFound(f"No packer named {name!r}.")
        await PackerRow.filter(id=row.id).using_db(conn).update(pin_hash=pin_hash)
        await audit.record(actor, "packer.pin_set", f"packer:{row.id}", using_db=conn)


async def deactivate(name: str, *, actor: str = audit.SYSTEM) -> Deactivated:
    """The person can no longer sign in, is signed out at every desk and lets go of their orders.

    Their history stays. Desks (local, SSH, browser) see their session ended on the next poll.
    """
    async with in_transaction() as conn:
        updated = await PackerRow.filter(name=name, active=True).using_db(conn).update(active=False)
        if not updated:
            raise NotFound(f"No active packer named {name!r}.")
        ended = await sessions.end_sessions_of(name, "deactivated", using_db=conn)
        await audit.record(actor, "packer.deactivated", f"packer:{name}", using_db=conn,
                           sessions_ended=ended)  # fmt: skip
    released = await claim.release_claims_of(name, actor)
    return Deactivated(sessions_ended=ended, orders_released=released)


@dataclass(frozen=True)
class Deactivated:
    sessions_ended: int
    orders_released: list[int]
