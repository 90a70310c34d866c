"""Hold reasons as codes: the configured list, how a packer picks one, and the order's hold history.

A packer picks a reason by its number in the list or by scanning its barcode on the desk sheet
(`packdesk holds sheet`); the code and the words go into the audit trail with the hold and again
with its release, so the order's history says why it waited long after `hold_reason` is cleared.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime

from core.documents.desk_sheet import SheetCode
from core.domain.desk import clean_code
from core.persistence.models import AuditEventRow
from core.services import claim

OTHER = "other"  # typed words that name no configured reason


@dataclass(frozen=True)
class HoldReason:
    number: int  # its place in the list: typed as a key at the desk (1, 2 …)
    code: str
    text: str
    prefix: str = ""  # `desk.hold_code_prefix`: what its barcode carries before the code

    @property
    def barcode(self) -> str:
        return self.prefix + self.code.upper()

    @property
    def recorded(self) -> str:
        """As the order keeps it (`hold_reason`)."""
        return self.text if self.code == OTHER else f"{self.text} ({self.code})"


@dataclass(frozen=True)
class HoldEvent:
    action: str  # order.held | order.hold_released
    code: str
    text: str
    actor: str
    at: datetime | None


def reasons(configured: Mapping[str, str], prefix: str) -> list[HoldReason]:
    """The desk's reasons in the order of the config (`desk.hold_reasons`), barcodes `prefix`+code."""
    return [
        HoldReason(n, code, text, prefix) for n, (code, text) in enumerate(configured.items(), 1)
    ]


def scanned_reason(code: str, listed: Iterable[HoldReason]) -> HoldReason | None:
    """The reason a scanned desk-sheet barcode names, or None for any other code."""
    wanted = clean_code(code).strip().upper()
    return next((r for r in listed if r.barcode == wanted), None)


def pick(entry: str, listed: list[HoldReason]) -> HoldReason | None:
    """What the packer typed or scanned in the hold prompt: a number, a barcode, a code or words."""
    text = clean_code(entry).strip()
    if not text:
        return None
    if text.isdigit():
        return next((r for r in listed if r.number == int(text)), None)
    found = scanned_reason(text, listed) or next(
        (r for r in listed if r.code == text.lower()), None
    )
    return found or HoldReason(0, OTHER, text[:200])


async def hold(order_id: int, reason: HoldReason, packer: str, station: str) -> None:
    """Put the order on hold for `reason` (the code travels with it into the audit trail)."""
    await claim.put_on_hold(order_id, reason.recorded, packer, station, code=reason.code)


async def history(order_id: int) -> list[HoldEvent]:
    """Every hold of the order and its release, oldest first, with code and words."""
    rows = await AuditEventRow.filter(
        subject=f"order:{order_id}", action__in=["order.held", "order.hold_released"]
    ).order_by("at", "id")
    return [
        HoldEvent(
            r.action,
            str(r.detail.get("code", "")),
            str(r.detail.get("reason", "")),
            r.actor,
            r.at,
        )
        for r in rows
    ]


def sheet_codes(listed: list[HoldReason], cancel_code: str) -> list[SheetCode]:
    """The desk sheet's rows: every reason with its number key, then the undo window's stop code
    (`desk.cancel_code`)."""
    rows = [SheetCode(str(r.number), r.text, r.barcode) for r in listed]
    return [*rows, SheetCode("Esc", "Stop the shipment (undo window)", cancel_code)]
