"""Handing orders over to a fulfilment provider.

`export_orders` moves each open order of a `third_party` profile to `handed_over` and, in the same
transaction, writes the audit event and an outbox job `thirdparty.deliver:<order id>` that puts the
order XML into the provider's drop. The XML is rendered when the job runs (personal data never
sits in the outbox in clear text) and written atomically under a fixed name, so a retried
delivery replaces the same file instead of making a second order at the provider.

With `release_queue` on, an order waits until a person releases it (`release_orders`, recorded as
an audit event `thirdparty.released`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from tortoise.transactions import in_transaction

from core.carriers.registry import choose_carrier
from core.config import ThirdPartySettings
from core.domain.orders import Order, OrderStatus, Process, check_transition
from core.domain.outbox import JobKind, OutboxJob
from core.errors import NotFound, UserInputError
from core.persistence.models import (
    ArticleRow,
    AuditEventRow,
    FulfilmentProfileRow,
    OrderRow,
)
from core.persistence.repositories import load_order
from core.security import SecretBox
from core.services import audit
from core.services.outbox import Handler, PermanentFailure, queue_job
from core.thirdparty.drops import Drop
from core.thirdparty.files import render_orders
from core.thirdparty.routing import provider_for

RELEASED = "thirdparty.released"


@dataclass
class ExportResult:
    """What one export did (or, dry, would do)."""

    dry_run: bool = False
    exported: dict[str, list[str]] = field(default_factory=dict)  # provider → order ids
    waiting_release: list[str] = field(default_factory=list)
    skipped: dict[str, str] = field(default_factory=dict)  # order id → reason
    jobs: list[str] = field(default_factory=list)


def file_name(order: Order) -> str:
    return f"packdesk-order-{order.external_id}.xml"


async def _weight_g(order: Order) -> int:
    weights = {
        a.sku: a.weight_g
        for a in await ArticleRow.filter(sku__in=[ln.sku for ln in order.lines]).only(
            "sku", "weight_g"
        )
    }
    return sum(weights.get(ln.sku, 0) * ln.quantity_open for ln in order.lines)


async def shipping_wish(order: Order, profile: FulfilmentProfileRow | None) -> str:
    """The carrier the seller wants for this order (profile and weight), '' for the provider's choice."""
    if profile is None:
        return ""
    carrier = choose_carrier(profile.carrier, profile.options or {}, await _weight_g(order))
    return "" if carrier in {"", "manual", "amazon_buy_shipping"} else carrier


async def render_order_file(
    order: Order, profile: FulfilmentProfileRow | None, provider: str, now: datetime
) -> bytes:
    return render_orders([(order, await shipping_wish(order, profile), "")], provider, now)


async def release_orders(refs: list[str], *, actor: str) -> list[str]:
    """Let held 3PL orders go to the provider at the next export. Returns the order ids released."""
    released = []
    for ref in refs:
        row = await OrderRow.get_or_none(external_id=ref.strip(), process=Process.THIRD_PARTY.value)
        if row is None:
            raise NotFound(f"No fulfilment-provider order {ref!r}.")
        if row.status != OrderStatus.OPEN.value:
            raise UserInputError(
                f"Order {row.external_id} is {row.status.replace('_', ' ')} — only open orders "
                "wait for release."
            )
        await audit.record(actor, RELEASED, f"order:{row.id}")
        released.append(row.external_id)
    return released


async def export_orders(
    settings: ThirdPartySettings,
    box: SecretBox,
    *,
    dry_run: bool = False,
    actor: str = audit.SYSTEM,
    now: datetime | None = None,
) -> ExportResult:
    """Hand every open 3PL order to its provider (see the module docstring)."""
    now = now or datetime.now(UTC)
    result = ExportResult(dry_run=dry_run)
    providers = list(settings.providers)
    rows = await OrderRow.filter(
        process=Process.THIRD_PARTY.value, status=OrderStatus.OPEN.value
    ).order_by("purchased_at", "id")
    profiles = {
        p.id: p
        for p in await FulfilmentProfileRow.filter(
            id__in={r.profile_id for r in rows if r.profile_id}
        )
    }
    released: set[str] = {
        str(v)
        for v in await AuditEventRow.filter(
            action=RELEASED, subject__in=[f"order:{r.id}" for r in rows]
        ).values_list("subject", flat=True)
    }
    for row in rows:
        profile = profiles.get(row.profile_id) if row.profile_id else None
        provider = provider_for(profile.options if profile else {}, providers)
        if provider is None:
            wanted = (profile.options or {}).get("provider") if profile else None
            result.skipped[row.external_id] = (
                f"provider {wanted!r} is not configured under [thirdparty.providers]"
                if wanted
                else "no provider: set options.provider on the profile or configure exactly one"
            )
            continue
        if settings.providers[provider].release_queue and f"order:{row.id}" not in released:
            result.waiting_release.append(row.external_id)
            continue
        order = await load_order(row.id, box)
        try:
            await render_order_file(order, profile, provider, now)  # fails now, not at the provider
        except Exception as exc:  # schema or data problem: keep the order open, say why
            result.skipped[row.external_id] = f"order file would be invalid: {exc}"
            continue
        if not dry_run and not await _hand_over(row.id, provider, order, actor, result):
            continue
        result.exported.setdefault(provider, []).append(row.external_id)
    return result


async def _hand_over(
    order_id: int, provider: str, order: Order, actor: str, result: ExportResult
) -> bool:
    async with in_transaction() as conn:
        row = await OrderRow.filter(id=order_id).select_for_update().using_db(conn).get()
        if row.status != OrderStatus.OPEN.value:
            return False  # someone else handed it over (or held it) meanwhile
        check_transition(
            Process.THIRD_PARTY,
            OrderStatus.OPEN,
            OrderStatus.HANDED_OVER,
            f"Order {row.external_id}",
        )
        await (
            OrderRow.filter(id=order_id).using_db(conn).update(status=OrderStatus.HANDED_OVER.value)
        )
        key = await queue_job(
            JobKind.DELIVER_TO_PROVIDER,
            order_id,
            {"order_id": order_id, "provider": provider, "file": file_name(order)},
            using_db=conn,
            account_id=row.account_id,
        )
        await audit.record(
            actor,
            "order.handed_over",
            f"order:{order_id}",
            using_db=conn,
            provider=provider,
            file=file_name(order),
        )
    result.jobs.append(key)
    return True


def deliver_handler(
    settings: ThirdPartySettings, box: SecretBox, drop_for: Callable[[str], Drop]
) -> Handler:
    """`thirdparty.deliver` with payload `{"order_id", "provider", "file"}`: put the order file."""

    async def handle(job: OutboxJob) -> None:
        provider = str(job.payload["provider"])
        if provider not in settings.providers:
            raise PermanentFailure(f"fulfilment provider {provider!r} is no longer configured")
        order_id = int(job.payload["order_id"])
        try:
            order = await load_order(order_id, box)
        except NotFound as exc:
            raise PermanentFailure(str(exc)) from exc
        profile = (
            await FulfilmentProfileRow.get_or_none(id=order.profile_id)
            if order.profile_id
            else None
        )
        data = await render_order_file(order, profile, provider, datetime.now(UTC))
        await drop_for(provider).put(str(job.payload["file"]), data)
        await audit.record(
            audit.SYSTEM,
            "thirdparty.delivered",
            f"order:{order_id}",
            provider=provider,
            file=str(job.payload["file"]),
        )

    return handle
