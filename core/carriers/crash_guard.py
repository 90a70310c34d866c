"""Never two paid labels for one parcel, even when the process dies mid-request.

DHL Parcel DE takes no idempotency key and cannot
be searched by our reference (its `GET /orders` takes shipment numbers only). So a guarded
purchase leaves marks on the package, each in its own commit:

- ``pending:<time>:<reference>`` before the request;
- ``…@<shipment number>`` the moment the carrier names the shipment, before anything else;
- the label replaces the mark.

A rerun that finds a mark settles by itself where the carrier allows it (`Recovering`):

- the shipment number is known: its label is fetched again; nothing is bought;
- only the request is known (the process died, or the answer was lost, while the carrier
  answered): when the carrier says such a lost shipment costs nothing unless a parcel carries it
  (DHL bills its domestic products on production data), a new label is bought — the lost one was
  never printed, so no parcel carries it; otherwise (DHL's international products are billed on
  the day's shipment data) the job stops with the reference for a person.

A definite refusal before the shipment was named (the carrier said no, or could not be reached at
all) clears the mark. Carriers opt in with ``crash_guard = True``.

A carrier whose purchase takes an idempotency key (`IdempotentCarrier`: Amazon's Shipping API v2)
needs no marks and no person: `core.carriers.idempotent_purchase` stores the very purchase before
it is sent, and a rerun sends it again.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Protocol, runtime_checkable

from core.errors import UserInputError
from core.persistence.models import PackageRow
from core.ports import Carrier, IdempotentCarrier, Label, LabelRequest
from core.services import audit
from core.services.outbox import PermanentFailure

log = logging.getLogger(__name__)

PENDING = "pending:"
Noted = Callable[[str], Awaitable[None]]


@runtime_checkable
class Recovering(Protocol):
    """A guarded carrier that can settle an interrupted purchase by itself."""

    async def create_label(self, request: LabelRequest, noted: Noted | None = None) -> Label:
        """Buy; await `noted(number)` as soon as the carrier has named the shipment."""

    async def label_again(self, request: LabelRequest, number: str) -> Label:
        """The label of a shipment made earlier (refused with UserInputError once gone)."""

    async def rebuy_after_lost_answer(self, request: LabelRequest) -> bool:
        """Whether a shipment whose answer never came is free unless a parcel carries it."""


@dataclass(frozen=True)
class Pending:
    """A purchase that started and has not been stored: when, our reference, the carrier's number."""

    at: str
    reference: str
    number: str = ""

    @classmethod
    def of(cls, label_ref: str) -> Pending | None:
        if not label_ref.startswith(PENDING):
            return None
        _, at, rest = [*label_ref.split(":", 2), "", ""][:3]
        reference, _, number = rest.partition("@")
        return cls(at, reference, number)

    @property
    def mark(self) -> str:
        return f"{PENDING}{self.at}:{self.reference}" + (f"@{self.number}" if self.number else "")


def _ask_a_person(carrier: Carrier, package: PackageRow, found: Pending) -> str:
    return (
        f"A label for package {package.reference} may already exist at {carrier.code} "
        f"(reference {found.reference}): the last attempt stopped before its answer was stored, "
        "and this carrier bills such a label even if no parcel carries it. Look the reference "
        "up at the carrier — type that tracking number at the desk, or cancel it there and run "
        "`packdesk carriers clear-pending` — so no parcel is paid twice."
    )


async def _settle(carrier: Carrier, request: LabelRequest, package: PackageRow, found: Pending
                  ) -> Label | None:  # fmt: skip
    """The label of an interrupted purchase, or None when buying again is safe; else stop."""
    recovering = carrier if isinstance(carrier, Recovering) else None
    if found.number and recovering is not None:
        try:
            return await recovering.label_again(request, found.number)
        except UserInputError as exc:
            raise PermanentFailure(
                f"{carrier.code} made shipment {found.number} for package {package.reference} "
                f"but no longer gives its label ({exc}). If it was cancelled there, run "
                "`packdesk carriers clear-pending`; if it was closed out, type "
                f"{found.number} at the desk."
            ) from exc
    if found.number or recovering is None or not await recovering.rebuy_after_lost_answer(request):
        raise PermanentFailure(_ask_a_person(carrier, package, found))
    log.warning(
        "label for package %s: the answer to %s was lost; that shipment is billed only if a "
        "parcel carries it, so a new label is bought",
        package.reference,
        found.reference,
    )
    await audit.record(
        "packdesk",
        "package.label_answer_lost",
        f"package:{package.id}",
        carrier=carrier.code,
        reference=found.reference,
        requested_at=found.at,
    )
    return None


async def create_once(carrier: Carrier, request: LabelRequest, package: PackageRow) -> Label:
    """`carrier.create_label`, guarded when the carrier asks for it."""
    if isinstance(carrier, IdempotentCarrier):
        from core.carriers.idempotent_purchase import buy_once

        return await buy_once(carrier, request, package)
    if not getattr(carrier, "crash_guard", False):
        return await carrier.create_label(request)
    found = Pending.of(package.label_ref)
    if found is not None:
        label = await _settle(carrier, request, package, found)
        if label is not None:
            return label
    reference_for = getattr(carrier, "reference_for", None)
    reference = reference_for(request) if reference_for else request.package_reference
    mark = Pending(f"{datetime.now(UTC):%Y%m%dT%H%M%S}", reference).mark
    marked = await PackageRow.filter(
        id=package.id, tracking_number="", label_ref=package.label_ref
    ).update(label_ref=mark)
    if not marked:
        raise PermanentFailure(f"package {package.reference} changed while its label was bought")
    named = ""

    async def noted(number: str) -> None:
        nonlocal named
        await PackageRow.filter(id=package.id, label_ref=mark).update(label_ref=f"{mark}@{number}")
        named = number

    try:
        if isinstance(carrier, Recovering):
            return await carrier.create_label(request, noted=noted)
        return await carrier.create_label(request)
    except Exception as exc:
        if named:  # the shipment exists: the next attempt fetches its label, whatever failed
            raise
        if not getattr(exc, "ambiguous", False):  # nothing was made: the next attempt may buy
            await PackageRow.filter(id=package.id, label_ref=mark).update(label_ref="")
        if isinstance(exc, UserInputError):  # the carrier said no: a person must change something
            raise PermanentFailure(str(exc)) from exc
        raise


async def clear_pending(package_id: int) -> bool:
    """After a person settled a `pending:` package with the carrier: allow a new label."""
    pending = await PackageRow.filter(
        id=package_id, tracking_number="", label_ref__startswith=PENDING
    ).update(label_ref="")
    stored = (
        await PackageRow.filter(id=package_id, tracking_number="")
        .exclude(label_purchase="")
        .update(label_purchase="")
    )
    return bool(pending or stored)
