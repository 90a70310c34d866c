"""Never two paid labels for one parcel, even when the process dies mid-request.

A carrier that sells labels without an idempotency key (DHL Parcel DE has none, and cannot be
asked "did you make one for reference X?") is guarded: before the request the package is marked
``pending:`` in its own commit; the label replaces the mark. A definite refusal (DHL answered, or
could not be reached at all) clears it. A rerun that finds the mark — the process died, or the
answer was lost — does not buy again: the job stops with the reference to look up, so a person
either records the label DHL made or cancels it. Carriers opt in with ``crash_guard = True``.
"""

from __future__ import annotations

from datetime import UTC, datetime

from core.errors import UserInputError
from core.persistence.models import PackageRow
from core.ports import Carrier, Label, LabelRequest
from core.services.outbox import PermanentFailure

PENDING = "pending:"


async def create_once(carrier: Carrier, request: LabelRequest, package: PackageRow) -> Label:
    """`carrier.create_label`, guarded when the carrier asks for it."""
    if not getattr(carrier, "crash_guard", False):
        return await carrier.create_label(request)
    if package.label_ref.startswith(PENDING):
        reference = package.label_ref.split(":", 2)[-1]
        raise PermanentFailure(
            f"A label for package {package.reference} may already exist at {carrier.code} "
            f"(reference {reference}): the last attempt stopped before its answer was stored. "
            "Look the reference up at the carrier — type that tracking number at the desk, or "
            "cancel it there and clear the package — so no parcel is paid twice."
        )
    reference_for = getattr(carrier, "reference_for", None)
    reference = reference_for(request) if reference_for else request.package_reference
    mark = f"{PENDING}{datetime.now(UTC):%Y%m%dT%H%M%S}:{reference}"
    marked = await PackageRow.filter(id=package.id, tracking_number="", label_ref="").update(
        label_ref=mark
    )
    if not marked:
        raise PermanentFailure(f"package {package.reference} changed while its label was bought")
    try:
        return await carrier.create_label(request)
    except Exception as exc:
        if not getattr(exc, "ambiguous", False):  # nothing was made: the next attempt may buy
            await PackageRow.filter(id=package.id, label_ref=mark).update(label_ref="")
        if isinstance(exc, UserInputError):  # the carrier said no: a person must change something
            raise PermanentFailure(str(exc)) from exc
        raise


async def clear_pending(package_id: int) -> bool:
    """After a person settled a `pending:` package with the carrier: allow a new label."""
    return bool(
        await PackageRow.filter(
            id=package_id, tracking_number="", label_ref__startswith=PENDING
        ).update(label_ref="")
    )
