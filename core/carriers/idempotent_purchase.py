"""Buying a label where the purchase takes an idempotency key (Amazon's Shipping API v2).

The purchase about to be sent — the carrier's quote and a fresh key, as the carrier's own text —
is stored on the package (`label_purchase`) in its own commit; then it is sent. A rerun after a
crash or a lost answer sends exactly that again, and the carrier answers the first purchase: the
label paid for is found, never bought twice. Only a repeat the carrier refuses stops for a person.
"""

from __future__ import annotations

from core.errors import UserInputError
from core.persistence.models import PackageRow
from core.ports import IdempotentCarrier, Label, LabelRequest, QuoteExpired
from core.services.outbox import PermanentFailure


async def buy_once(carrier: IdempotentCarrier, request: LabelRequest, package: PackageRow) -> Label:
    """Store the purchase, then send it; a rerun repeats the stored one (never a new one)."""
    purchase = package.label_purchase
    repeat = bool(purchase)
    if not repeat:
        purchase = await carrier.quote(request)
        stored = await PackageRow.filter(
            id=package.id, tracking_number="", label_purchase=""
        ).update(label_purchase=purchase)
        if not stored:
            raise PermanentFailure(
                f"package {package.reference} changed while its label was bought"
            )
    try:
        return await carrier.buy(request, purchase)
    except (QuoteExpired, UserInputError) as exc:
        if repeat:  # was the first send carried out? The carrier no longer says: a person looks
            raise PermanentFailure(
                f"A label for package {package.reference} may already exist at {carrier.code}: "
                f"repeating the stored purchase was refused ({exc}). Look the order up in "
                "Seller Central — type that tracking number at the desk, or cancel it there and "
                "clear the package — so no parcel is paid twice."
            ) from exc
        # refused on its first send (or already stale on a slow machine): nothing was bought
        await PackageRow.filter(id=package.id, label_purchase=purchase).update(label_purchase="")
        if isinstance(exc, UserInputError):
            raise PermanentFailure(str(exc)) from exc
        raise
