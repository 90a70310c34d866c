"""The FBA shipments report on a schedule, without holding up a sync cycle.

Amazon takes minutes to make a report, so one cycle requests it and a later cycle (a report
is looked at every cycle until it is ready) records it. The checkpoint keeps the pending report
and the end of the last window recorded; the next window starts an overlap before that end, so a
shipment reported late is still seen, and recording is idempotent.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import ClassVar

from core.channels.amazon.client import NotFoundError, SpApiError
from core.channels.amazon.connector import AmazonConnector
from core.channels.amazon.fba_shipments import FbaIntake, record_fba_shipments
from core.channels.amazon.normalize import parse_time
from core.security import SecretBox
from core.sync.checkpoints import ReportCheckpoint

log = logging.getLogger(__name__)

STREAM = "fba_shipments"


@dataclass
class FbaReportState(ReportCheckpoint):
    """The `fba_shipments` checkpoint: pending report, its window, last window recorded."""

    STREAM: ClassVar[str] = STREAM

    until: str = ""  # end of the last window recorded
    requested_at: str = ""
    report_id: str = ""
    start: str = ""
    end: str = ""


def _iso(value: datetime) -> str:
    return value.strftime("%Y-%m-%dT%H:%M:%SZ")


async def pull_fba_shipments(
    connector: AmazonConnector,
    box: SecretBox,
    every: timedelta,
    intake_lock: asyncio.Lock,
) -> FbaIntake:
    """Record a finished report if one is pending; request the next one when it is due."""
    account_id = connector.account_id
    state = await FbaReportState.load(account_id)
    result = FbaIntake()
    if state.report_id:
        try:
            items = await connector.fba_shipments(state.report_id)
        except NotFoundError:
            # Amazon no longer knows the report (it expired): ask for the same window again now.
            log.info("account %s: FBA report %s is gone; asking again",
                     connector.account.name, state.report_id)  # fmt: skip
            state = FbaReportState(until=state.until)
            items = []
        except SpApiError:
            # A failed report is dropped, so the same window is asked for again next time.
            await FbaReportState(until=state.until).save(account_id)
            raise
        if items is None:
            return result  # Amazon is still making it: look again next cycle
        if state.report_id:
            if items:
                async with intake_lock:
                    result = await record_fba_shipments(account_id, items, box)
            log.info(
                "account %s: FBA shipments report recorded: %d new, %d updated orders",
                connector.account.name,
                result.new,
                result.updated,
            )
            state = FbaReportState(until=state.end, requested_at=state.requested_at)
            await state.save(account_id)
    now = connector.client.server_now()
    last = parse_time(state.requested_at)
    if last is not None and now - last < every:
        return result
    until = parse_time(state.until)
    start = until - connector.options.overlap if until else now - connector.options.initial_lookback
    state.report_id = await connector.request_fba_shipments(start, now)
    state.start, state.end, state.requested_at = _iso(start), _iso(now), _iso(now)
    await state.save(account_id)
    return result


__all__ = ["STREAM", "FbaReportState", "pull_fba_shipments"]
