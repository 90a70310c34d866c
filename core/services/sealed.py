"""Every place that holds sealed values, for `packdesk secrets check` and `secrets rotate`.

A new sealed column is one more `SealedPlace` here; check, rotate and the key guard then cover it.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any, Literal

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.models import Model
from tortoise.transactions import in_transaction

from core.documents.sealing import FERNET_PREFIX, SEALED_KEY
from core.persistence.models import (
    AccountRow,
    CarrierAccountRow,
    DocumentRow,
    OrderRow,
    PackageRow,
    SecretKeyRow,
)
from core.security import SecretBox, SecretsError

Shape = Literal["text", "bytes", "json"]  # token in a TEXT column, in a BLOB, in a JSON object
BATCH = 500


@dataclass(frozen=True)
class SealedPlace:
    name: str
    model: type[Model]
    column: str
    shape: Shape


PLACES: tuple[SealedPlace, ...] = (
    SealedPlace("account.credentials_sealed", AccountRow, "credentials_sealed", "text"),
    SealedPlace(
        "carrier_account.credentials_sealed", CarrierAccountRow, "credentials_sealed", "text"
    ),
    SealedPlace("order.personal_sealed", OrderRow, "personal_sealed", "text"),
    SealedPlace("document.content", DocumentRow, "content", "json"),
    SealedPlace("document.pdf", DocumentRow, "pdf", "bytes"),
    SealedPlace("package.label", PackageRow, "label", "bytes"),
)


def _token(shape: Shape, value: Any) -> str | None:
    """The sealed token inside a stored value, None when the value holds nothing sealed."""
    if not value:
        return None
    if shape == "text":
        return str(value)
    if shape == "bytes":
        data = bytes(value)
        # Rows from before sealing hold plain files (PDF, ZPL …): nothing sealed in them.
        return data.decode("ascii") if data.startswith(FERNET_PREFIX) else None
    token = value.get(SEALED_KEY) if isinstance(value, dict) else None
    return str(token) if token else None


def _replace(shape: Shape, value: Any, token: str) -> Any:
    if shape == "text":
        return token
    if shape == "bytes":
        return token.encode("ascii")
    return {**value, SEALED_KEY: token}


async def _rows(
    place: SealedPlace, conn: BaseDBAsyncClient | None = None
) -> AsyncIterator[tuple[int, Any]]:
    last = 0
    while True:
        batch = (
            await place.model.filter(id__gt=last)
            .using_db(conn)
            .order_by("id")
            .limit(BATCH)
            .values_list("id", place.column)
        )
        if not batch:
            return
        for row_id, value in batch:
            yield row_id, value
        last = batch[-1][0]


async def first_sealed_token() -> str | None:
    """Any one sealed value, to tell whether the database holds sealed data and to test a key."""
    for place in PLACES:
        async for _, value in _rows(place):
            if (token := _token(place.shape, value)) is not None:
                return token
    return None


@dataclass
class CheckResult:
    opened: dict[str, int] = field(default_factory=dict)
    failed: dict[str, list[int]] = field(default_factory=dict)  # place → row ids

    @property
    def ok(self) -> bool:
        return not any(self.failed.values())


async def check_sealed(box: SecretBox) -> CheckResult:
    """Open every sealed value; report per place how many opened and which rows did not."""
    result = CheckResult()
    for place in PLACES:
        result.opened[place.name] = 0
        result.failed[place.name] = []
        async for row_id, value in _rows(place):
            if (token := _token(place.shape, value)) is None:
                continue
            try:
                box.open(token)
            except SecretsError:
                result.failed[place.name].append(row_id)
            else:
                result.opened[place.name] += 1
    return result


def _order_tokens(data: dict[str, Any] | None, new: SecretBox) -> str:
    if not data:
        return ""
    names = []
    for part in ("buyer", "ship_to"):
        person = data.get(part) or {}
        names += [person.get("name") or "", person.get("company") or ""]
    return new.blind_tokens(*names)


async def rotate(old: SecretBox, new: SecretBox) -> dict[str, int]:
    """Re-seal every sealed value under `new` and record its fingerprint, in one transaction.

    Either all of it is under the new key or (on any failure) all of it is still under the old one.
    The blind search index is derived from the key too, so it is rebuilt on the way.
    """
    counts: dict[str, int] = {}
    async with in_transaction() as conn:
        for place in PLACES:
            counts[place.name] = 0
            async for row_id, value in _rows(place, conn):
                if (token := _token(place.shape, value)) is None:
                    continue
                opened = old.open(token)
                changes: dict[str, Any] = {
                    place.column: _replace(place.shape, value, new.seal(opened))
                }
                if place.model is OrderRow:
                    changes["buyer_tokens"] = _order_tokens(opened, new)
                await place.model.filter(id=row_id).using_db(conn).update(**changes)
                counts[place.name] += 1
        updated = await SecretKeyRow.filter(id=1).using_db(conn).update(fingerprint=new.fingerprint)
        if not updated:
            await SecretKeyRow.create(id=1, fingerprint=new.fingerprint, using_db=conn)
    return counts
