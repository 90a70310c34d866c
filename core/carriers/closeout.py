"""Closing the day at the carrier on a schedule: a DHL contract with ``closeout_at = "HH:MM"``
(local time) is manifested once a day after that time by `packdesk sync`; `packdesk carriers
closeout NAME` does it by hand. Closing twice is harmless (DHL manifests nothing new).

DHL names every shipment it closed; those on no package here are named too: labels other software
made on the same contract, or ones whose answer was lost in a crash (docs/dhl-labels.md)."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, time

from core.carriers.dhl.carrier import DhlCarrier
from core.carriers.directory import configured, settings_of
from core.errors import NotFound, PackdeskError, UserInputError
from core.persistence.models import CarrierAccountRow, PackageRow
from core.security import SecretBox

log = logging.getLogger(__name__)


def closeout_time(text: str) -> time:
    try:
        hours, minutes = (int(p) for p in text.split(":"))
        return time(hours, minutes)
    except ValueError:
        raise UserInputError(f"closeout_at {text!r}: use HH:MM, e.g. 18:00") from None


@dataclass(frozen=True)
class DayClosed:
    """What one contract's closeout manifested, and which of it no package here carries."""

    contract: str
    closed: list[str]
    not_ours: list[str]

    def sentence(self) -> str:
        text = f"{self.contract}: {len(self.closed)} shipment(s) closed out for today."
        if self.not_ours:
            text += (
                f" {len(self.not_ours)} of them on no package here: {', '.join(self.not_ours)} "
                "— made by other software on this contract, or labels whose answer was lost in a "
                "crash (never printed: DHL bills a domestic one only if a parcel carries it)."
            )
        return text


async def close_day(row: CarrierAccountRow, box: SecretBox) -> DayClosed:
    """Manifest the contract's open shipments at DHL (`POST /manifests?all=true`)."""
    closed = await DhlCarrier(settings_of(row, box), name=row.name).closeout()
    ours = {p.tracking_number for p in await PackageRow.filter(tracking_number__in=closed)}
    return DayClosed(row.name, closed, [n for n in closed if n not in ours])


async def close_day_of(name: str, box: SecretBox) -> DayClosed:
    row = await CarrierAccountRow.get_or_none(name=name)
    if row is None:
        raise NotFound(f"No carrier named {name!r} is set up (see `packdesk carriers list`).")
    return await close_day(row, box)


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
            day = await close_day(row, box)
        except PackdeskError as exc:  # tried again at the next round; the sync goes on
            log.warning("closeout of %s failed: %s", row.name, exc)
            continue
        settings = {**row.settings, "closed_out_on": today}
        await CarrierAccountRow.filter(id=row.id).update(settings=settings)
        done[row.name] = len(day.closed)
        (log.warning if day.not_ours else log.info)("%s", day.sentence())
    return done
