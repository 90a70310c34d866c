"""Closing the day at the carrier on a schedule: a DHL contract with ``closeout_at = "HH:MM"``
(local time) is manifested once a day after that time by `packdesk sync`; `packdesk carriers
closeout NAME` does it by hand. Closing twice is harmless (DHL manifests nothing new)."""

from __future__ import annotations

import logging
from datetime import datetime, time

from core.carriers.dhl.carrier import DhlCarrier
from core.carriers.directory import configured, settings_of
from core.errors import PackdeskError, UserInputError
from core.persistence.models import CarrierAccountRow
from core.security import SecretBox

log = logging.getLogger(__name__)


def closeout_time(text: str) -> time:
    try:
        hours, minutes = (int(p) for p in text.split(":"))
        return time(hours, minutes)
    except ValueError:
        raise UserInputError(f"closeout_at {text!r}: use HH:MM, e.g. 18:00") from None


async def run_due_closeouts(box: SecretBox, now: datetime | None = None) -> dict[str, int]:
    """Manifest every contract whose closeout time has passed today; shipments closed by name."""
    now = now or datetime.now().astimezone()
    done: dict[str, int] = {}
    for row in await configured():
        at = str(row.settings.get("closeout_at") or "")
        if not at or now.time() < closeout_time(at):
            continue
        today = now.date().isoformat()
        if row.settings.get("closed_out_on") == today:
            continue
        try:
            closed = await DhlCarrier(settings_of(row, box), name=row.name).closeout()
        except PackdeskError as exc:  # tried again at the next round; the sync goes on
            log.warning("closeout of %s failed: %s", row.name, exc)
            continue
        settings = {**row.settings, "closed_out_on": today}
        await CarrierAccountRow.filter(id=row.id).update(settings=settings)
        done[row.name] = len(closed)
        log.info("closed out %s: %d shipment(s)", row.name, len(closed))
    return done
