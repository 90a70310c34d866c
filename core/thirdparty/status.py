"""What the sync monitor and `packdesk 3pl status` show about the fulfilment providers.

Read from the database only (orders, outbox, audit) — it never connects to a provider, so it is
quick and works while an SFTP server is down. The JSON shape is documented in docs/3pl.md.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from core.config import ThirdPartySettings
from core.domain.orders import OrderStatus, Process
from core.domain.outbox import JobKind
from core.persistence.models import AuditEventRow, FulfilmentProfileRow, OrderRow, OutboxJobRow
from core.thirdparty.export import RELEASED
from core.thirdparty.routing import provider_for

ACTIVE = [
    OrderStatus.OPEN.value,
    OrderStatus.HANDED_OVER.value,
    OrderStatus.PARTIALLY_SHIPPED.value,
    OrderStatus.ON_HOLD.value,
]


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


async def thirdparty_status(settings: ThirdPartySettings, recent: int = 10) -> dict[str, Any]:
    """Per provider: orders by state, deliveries, files applied and rejected, last activity."""
    names = list(settings.providers)
    profiles = {
        p.id: p for p in await FulfilmentProfileRow.filter(process=Process.THIRD_PARTY.value)
    }
    rows = await OrderRow.filter(process=Process.THIRD_PARTY.value, status__in=ACTIVE).only(
        "id", "status", "profile_id", "external_id"
    )
    released: set[str] = {
        str(v)
        for v in await AuditEventRow.filter(
            action=RELEASED, subject__in=[f"order:{r.id}" for r in rows]
        ).values_list("subject", flat=True)
    }
    counts: dict[str | None, Counter[str]] = {}
    for row in rows:
        profile = profiles.get(row.profile_id) if row.profile_id else None
        provider = provider_for(profile.options if profile else {}, names)
        state = row.status
        if (
            provider
            and state == OrderStatus.OPEN.value
            and settings.providers[provider].release_queue
            and f"order:{row.id}" not in released
        ):
            state = "awaiting_release"
        counts.setdefault(provider, Counter())[state] += 1

    out: dict[str, Any] = {"providers": {}, "unassigned_orders": sum(counts.get(None, {}).values())}
    for name, cfg in settings.providers.items():
        jobs = [
            j
            for j in await OutboxJobRow.filter(kind=JobKind.DELIVER_TO_PROVIDER).only(
                "status", "payload", "created_at"
            )
            if j.payload.get("provider") == name
        ]
        deliveries = Counter(j.status for j in jobs)
        files = [
            j
            for j in await OutboxJobRow.filter(kind=JobKind.PROVIDER_FILE)
            .order_by("-id")
            .only("payload", "done_at")
            if j.payload.get("provider") == name
        ]
        rejected = await AuditEventRow.filter(
            action="thirdparty.file_rejected", subject=f"3pl:{name}"
        ).order_by("-id")
        c = counts.get(name, Counter())
        out["providers"][name] = {
            "kind": cfg.kind,
            "release_queue": cfg.release_queue,
            "orders": {
                "awaiting_release": c["awaiting_release"],
                "to_export": c[OrderStatus.OPEN.value],
                "handed_over": c[OrderStatus.HANDED_OVER.value],
                "partially_shipped": c[OrderStatus.PARTIALLY_SHIPPED.value],
                "on_hold": c[OrderStatus.ON_HOLD.value],
            },
            "deliveries": {
                "pending": deliveries["pending"] + deliveries["running"],
                "dead": deliveries["dead"],
                "done": deliveries["done"],
            },
            "files": {"applied": len(files), "rejected": len(rejected)},
            "last_export_at": _iso(max(j.created_at for j in jobs)) if jobs else None,
            "last_import_at": _iso(files[0].done_at) if files else None,
            "recent_rejections": [
                {
                    "at": _iso(e.at),
                    "file": e.detail.get("file"),
                    "moved_to": e.detail.get("moved_to"),
                    "reason": e.detail.get("reason"),
                }
                for e in rejected[:recent]
            ],
        }
    return out
