"""The VAT invoice data report on a schedule: which uploaded invoices Amazon did not accept.

As with the FBA shipments report, one cycle asks for the report and a later one (looking every
cycle until it is ready) reads it. Only accounts that have uploaded invoices ask. Without the
restricted Tax Invoicing role Amazon answers 403: the cycle goes on, the account's reason says
which role is missing, and the report is asked for again only at the next scheduled time.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import ClassVar

from core.channels.amazon.client import NotFoundError
from core.channels.amazon.connector import AmazonConnector
from core.channels.amazon.invoice_report import (
    offered_in,
    read_pending_view,
    request_pending_view,
)
from core.channels.amazon.invoice_verdicts import Judged, has_processed_uploads, judge_uploads
from core.sync.checkpoints import ReportCheckpoint

log = logging.getLogger(__name__)

STREAM = "vat_invoices"
EVERY = timedelta(hours=12)  # Amazon: "at least twice a day"


@dataclass
class VatReportState(ReportCheckpoint):
    """The `vat_invoices` checkpoint: the pending report and when it was asked for."""

    STREAM: ClassVar[str] = STREAM

    report_id: str = ""
    requested_at: str = ""


def _time(value: str) -> datetime | None:
    try:
        return datetime.fromisoformat(value) if value else None
    except ValueError:
        return None


async def _has_uploads(account_id: int) -> bool:
    """Whether Amazon has processed any invoice upload of this account (else: nothing to ask)."""
    return await has_processed_uploads(account_id)


async def check_vat_invoices(connector: AmazonConnector, every: timedelta = EVERY) -> Judged:
    """Read a finished pending view if one is waiting; ask for the next one when it is due.

    Raises `MissingRole` (after noting the time, so the next ask waits for the schedule).
    """
    account_id = connector.account_id
    state = await VatReportState.load(account_id)
    judged = Judged()
    if state.report_id:
        try:
            pending = await read_pending_view(connector.client, state.report_id)
        except NotFoundError:
            pending = None
            state.report_id = ""  # Amazon no longer knows it: ask again now
            state.requested_at = ""
        if pending is None and state.report_id:
            return judged  # Amazon is still making it
        if pending is not None:
            asked = _time(state.requested_at) or datetime.now(UTC)
            judged = await judge_uploads(account_id, pending, asked, state.report_id)
            log.info(
                "account %s: VAT invoice data report read: %d accepted, %d not accepted",
                connector.account.name,
                judged.accepted,
                len(judged.not_accepted),
            )
            state.report_id = ""
            await state.save(account_id)
    last = _time(state.requested_at)
    now = datetime.now(UTC)
    if last is not None and now - last < every:
        return judged
    marketplaces = offered_in(list(connector.account.marketplace_ids))
    if not marketplaces or not await _has_uploads(account_id):
        return judged
    # noted before asking: a refusal (no role) waits for the schedule too
    state.requested_at = now.isoformat()  # to the microsecond: uploads are judged against it
    await state.save(account_id)
    state.report_id = await request_pending_view(connector.client, marketplaces)
    await state.save(account_id)
    return judged


__all__ = ["EVERY", "STREAM", "VatReportState", "check_vat_invoices"]
