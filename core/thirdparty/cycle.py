"""One round of the 3PL exchange, for the sync worker and `packdesk 3pl`: export, deliver, import.

The inbox rules, in order: only ``*.xml`` names that are not temporary (drops.is_candidate); a file
whose size changed while we read it, or that does not yet end with the closing tag of its root
element, is still being copied — it is left alone, unless it has not changed for `stale_after_s`,
then it is rejected as incomplete. Everything else is applied (inbound.apply_file) and archived,
or moved to the error folder next to a ``.reason.txt`` that says why.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from core.config import CompanySettings, Settings, ThirdPartySettings
from core.domain.outbox import JobKind
from core.errors import PackdeskError
from core.security import SecretBox
from core.services import audit
from core.services.outbox import Handler, OutboxRunner
from core.thirdparty.drops import (
    Drop,
    DropUnavailable,
    InboxFile,
    UnsafeFile,
    open_drop,
    too_big,
)
from core.thirdparty.export import ExportResult, deliver_handler, export_orders
from core.thirdparty.files import BadFile, looks_complete
from core.thirdparty.inbound import apply_file

log = logging.getLogger(__name__)


@dataclass
class FileOutcome:
    name: str
    status: str  # applied | rejected | waiting
    reason: str = ""
    orders: list[str] = field(default_factory=list)


@dataclass
class CycleSummary:
    """What a round did; `to_json` is what `3pl status`/the sync monitor show."""

    export: ExportResult | None = None
    delivered: int = 0
    delivery_failures: int = 0
    files: dict[str, list[FileOutcome]] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)  # provider → why it was unreachable

    def to_json(self) -> dict[str, Any]:
        return {
            "exported": self.export.exported if self.export else {},
            "waiting_release": self.export.waiting_release if self.export else [],
            "skipped": self.export.skipped if self.export else {},
            "delivered": self.delivered,
            "delivery_failures": self.delivery_failures,
            "files": {
                p: [
                    {"name": f.name, "status": f.status, "reason": f.reason, "orders": f.orders}
                    for f in outcomes
                ]
                for p, outcomes in self.files.items()
            },
            "errors": self.errors,
        }


async def import_inbox(
    provider: str,
    drop: Drop,
    settings: ThirdPartySettings,
    company: CompanySettings,
    box: SecretBox,
    *,
    clock: Callable[[], float] = time.time,
) -> list[FileOutcome]:
    """Apply every finished file in one provider's inbox (see the module docstring)."""
    cfg = settings.providers[provider]
    outcomes = []
    for entry in await drop.inbox():
        try:
            outcome = await _one_file(
                provider, entry, drop, cfg.stale_after_s, settings, company, box, clock
            )
        except DropUnavailable:
            raise  # the drop itself is gone: the round stops, the next one tries again
        except Exception as exc:  # one bad file never blocks the others
            log.warning("3pl %s: file %r failed", provider, entry.name, exc_info=True)
            outcome = FileOutcome(entry.name, "error", f"{type(exc).__name__}: {exc}")
        outcomes.append(outcome)
    return outcomes


async def _one_file(
    provider: str,
    entry: InboxFile,
    drop: Drop,
    stale_after_s: float,
    settings: ThirdPartySettings,
    company: CompanySettings,
    box: SecretBox,
    clock: Callable[[], float],
) -> FileOutcome:
    if not entry.regular:
        link = "The entry is a symbolic link or not a plain file; only plain files are read."
        return await _reject(provider, entry.name, link, drop)
    if big := too_big(entry.size, settings.providers[provider]):
        return await _reject(provider, entry.name, big, drop)
    try:
        data = await drop.read(entry.name)
    except UnsafeFile as exc:
        return await _reject(provider, entry.name, str(exc), drop)
    if len(data) != entry.size or not looks_complete(data):
        if clock() - entry.mtime < stale_after_s:
            return FileOutcome(entry.name, "waiting", "still being written")
        reason = (
            f"The file is incomplete: it has not changed for {stale_after_s:.0f} s and does not "
            "end with the closing tag of its root element."
        )
        return await _reject(provider, entry.name, reason, drop)
    try:
        applied = await apply_file(
            data,
            provider=provider,
            name=entry.name,
            providers=list(settings.providers),
            company=company,
            box=box,
        )
    except BadFile as exc:
        return await _reject(provider, entry.name, str(exc), drop)
    await drop.archive(entry.name)
    return FileOutcome(entry.name, "applied", orders=applied.orders)


async def _reject(provider: str, name: str, reason: str, drop: Drop) -> FileOutcome:
    log.info("3pl %s: file %s rejected: %s", provider, name, reason)
    moved_to = await drop.reject(name, reason)
    await audit.record(
        f"3pl:{provider}",
        "thirdparty.file_rejected",
        f"3pl:{provider}",
        file=name,
        moved_to=moved_to,
        reason=reason,
    )
    return FileOutcome(name, "rejected", reason)


class Drops:
    """Open drops for one round, closed together at the end."""

    def __init__(self, settings: ThirdPartySettings) -> None:
        self.settings = settings
        self.open: dict[str, Drop] = {}

    def __call__(self, provider: str) -> Drop:
        if provider not in self.open:
            self.open[provider] = open_drop(self.settings.providers[provider])
        return self.open[provider]

    async def close(self) -> None:
        for drop in self.open.values():
            try:
                await drop.close()
            except Exception:  # closing a broken connection must not hide the round's result
                log.debug("closing a 3PL drop failed", exc_info=True)
        self.open.clear()


def thirdparty_handlers(
    settings: Settings, box: SecretBox, drops: Drops | None = None
) -> dict[str, Handler]:
    """Outbox handlers for the sync worker's runner: `thirdparty.deliver`."""
    return {
        JobKind.DELIVER_TO_PROVIDER: deliver_handler(
            settings.thirdparty, box, drops or Drops(settings.thirdparty)
        )
    }


async def run_thirdparty_cycle(
    settings: Settings,
    box: SecretBox,
    *,
    export: bool = True,
    imports: bool = True,
    dry_run: bool = False,
    clock: Callable[[], float] = time.time,
) -> CycleSummary:
    """Export open orders, deliver their files, then import every provider's inbox."""
    cfg = settings.thirdparty
    summary = CycleSummary()
    drops = Drops(cfg)
    try:
        if export:
            summary.export = await export_orders(cfg, box, dry_run=dry_run)
            if not dry_run:
                runner = OutboxRunner(
                    thirdparty_handlers(settings, box, drops),
                    worker="3pl",
                    max_attempts=settings.outbox.max_attempts,
                    base_delay_s=settings.outbox.base_delay_s,
                    max_delay_s=settings.outbox.max_delay_s,
                )
                ran = await runner.drain(kinds=[JobKind.DELIVER_TO_PROVIDER])
                summary.delivered, summary.delivery_failures = ran.done, ran.retried + ran.dead
        if imports and not dry_run:
            for provider in cfg.providers:
                try:
                    summary.files[provider] = await import_inbox(
                        provider, drops(provider), cfg, settings.company, box, clock=clock
                    )
                except (OSError, PackdeskError) as exc:
                    summary.errors[provider] = str(exc)
                except Exception as exc:  # an SFTP error mid-round: report it, try next round
                    log.warning("3pl %s: import failed", provider, exc_info=True)
                    summary.errors[provider] = f"{type(exc).__name__}: {exc}"
    finally:
        await drops.close()
    if not dry_run:
        exported = summary.export.exported if summary.export else {}
        outcomes = [f for v in summary.files.values() for f in v]
        await audit.record(
            audit.SYSTEM,
            "thirdparty.cycle",
            "3pl",
            at=datetime.now(UTC).isoformat(),
            exported=sum(len(v) for v in exported.values()),
            applied=sum(1 for f in outcomes if f.status == "applied"),
            rejected=sum(1 for f in outcomes if f.status == "rejected"),
            errors=summary.errors,
        )
    return summary
