"""Claiming orders for packing: one station at a time, claims of dead stations expire.

The claim is one conditional UPDATE, so it is atomic on SQLite and PostgreSQL alike: whoever's
UPDATE matches the row wins, everyone else learns who has it.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tortoise.expressions import Q
from tortoise.transactions import in_transaction

from core.domain.orders import OrderStatus, Process, check_transition
from core.errors import ConflictError, NotFound
from core.persistence.models import OrderLineRow, OrderRow
from core.services import audit

PACKABLE = (OrderStatus.OPEN.value, OrderStatus.PARTIALLY_SHIPPED.value)


def _now() -> datetime:
    return datetime.now(UTC)


# A released order is nobody's, and the next claim, anywhere, starts with empty progress.
UNCLAIMED: dict[str, object] = {
    "claimed_by": "",
    "claimed_at": None,
    "claimed_packer": "",
    "pack_progress": None,
}


async def claim_order(
    order_id: int,
    station: str,
    packer: str,
    *,
    timeout_minutes: int = 30,
    takeover: bool = False,
    now: datetime | None = None,
) -> None:
    """Make `station` the one packing the order. Raises ConflictError if another station has it.

    A claim older than `timeout_minutes` without stored progress counts as abandoned; `takeover`
    (a supervisor) ignores age and progress.
    """
    now = now or _now()
    stale = now - timedelta(minutes=timeout_minutes)
    mine_or_free = Q(status__in=PACKABLE) | Q(status=OrderStatus.PACKING.value, claimed_by=station)
    if takeover:
        mine_or_free |= Q(status=OrderStatus.PACKING.value)
    else:
        # A dead desk's claim expires, unless it holds scanned progress: those goods lie packed
        # at that desk (a sign-out, core/services/desk/progress.py) until its next packer, a
        # put-back or a supervisor's takeover.
        mine_or_free |= Q(
            status=OrderStatus.PACKING.value, claimed_at__lt=stale, pack_progress__isnull=True
        )
    claimable = OrderRow.filter(Q(id=order_id), mine_or_free, process=Process.SHIP.value)
    async with in_transaction() as conn:
        # Counts stored by another desk describe goods lying there: a claim that moves the order
        # drops them in the same transaction (the row stays locked until it commits).
        await claimable.exclude(claimed_by=station).using_db(conn).update(pack_progress=None)
        won = await claimable.using_db(conn).update(
            status=OrderStatus.PACKING.value,
            claimed_by=station,
            claimed_at=now,
            claimed_packer=packer,
        )
        if won:
            await audit.record(
                packer,
                "order.claimed",
                f"order:{order_id}",
                station=station,
                using_db=conn,
                takeover=takeover,
            )
            return
    row = await OrderRow.get_or_none(id=order_id)
    if row is None:
        raise NotFound(f"No order with id {order_id}.")
    if row.status == OrderStatus.PACKING.value:
        since = row.claimed_at.strftime("%H:%M") if row.claimed_at else "a moment ago"
        raise ConflictError(
            f"Order {row.external_id} is being packed at {row.claimed_by} since {since} — "
            "take the next order."
        )
    check_transition(
        Process(row.process),
        OrderStatus(row.status),
        OrderStatus.PACKING,
        f"Order {row.external_id}",
    )
    raise ConflictError(f"Order {row.external_id} cannot be packed right now.")


async def _resting_status(order_id: int) -> OrderStatus:
    shipped = await OrderLineRow.filter(order_id=order_id, quantity_shipped__gt=0).exists()
    return OrderStatus.PARTIALLY_SHIPPED if shipped else OrderStatus.OPEN


async def release_claim(order_id: int, station: str, packer: str) -> bool:
    """Give an order back to the queue (the packer stops, or a dropped connection's cleanup)."""
    resting = await _resting_status(order_id)
    async with in_transaction() as conn:
        released = (
            await OrderRow.filter(id=order_id, status=OrderStatus.PACKING.value, claimed_by=station)
            .using_db(conn)
            .update(status=resting.value, **UNCLAIMED)
        )
        if released:
            await audit.record(
                packer, "order.released", f"order:{order_id}", station=station, using_db=conn
            )
    return bool(released)


async def put_on_hold(
    order_id: int, reason: str, packer: str, station: str = "", *, code: str = ""
) -> None:
    """Stop an order until a supervisor releases it (damaged item, address question …).

    `code` is the reason's code from the desk's list (core/services/holds.py), kept in the audit.
    """
    if not reason.strip():
        raise ConflictError("Say why the order goes on hold.")
    async with in_transaction() as conn:
        row = await OrderRow.filter(id=order_id).select_for_update().using_db(conn).first()
        if row is None:
            raise NotFound(f"No order with id {order_id}.")
        if station and row.status == OrderStatus.PACKING.value and row.claimed_by != station:
            # checked under the lock: a takeover just before must not let this desk hold it
            raise ConflictError(
                f"Order {row.external_id} is being packed at {row.claimed_by} — it stays there."
            )
        check_transition(
            Process(row.process),
            OrderStatus(row.status),
            OrderStatus.ON_HOLD,
            f"Order {row.external_id}",
        )
        await (
            OrderRow.filter(id=order_id)
            .using_db(conn)
            .update(status=OrderStatus.ON_HOLD.value, hold_reason=reason.strip(), **UNCLAIMED)
        )
        await audit.record(
            packer,
            "order.held",
            f"order:{order_id}",
            station=station,
            using_db=conn,
            reason=reason.strip(),
            code=code,
        )


async def release_hold(order_id: int, supervisor: str, station: str = "") -> None:
    """A supervisor sends a held order back to the queue."""
    resting = await _resting_status(order_id)
    async with in_transaction() as conn:
        row = await OrderRow.filter(id=order_id).select_for_update().using_db(conn).first()
        if row is None:
            raise NotFound(f"No order with id {order_id}.")
        check_transition(
            Process(row.process), OrderStatus(row.status), resting, f"Order {row.external_id}"
        )
        await (
            OrderRow.filter(id=order_id).using_db(conn).update(status=resting.value, hold_reason="")
        )
        held = await audit.last_detail(f"order:{order_id}", "order.held", using_db=conn)
        await audit.record(
            supervisor,
            "order.hold_released",
            f"order:{order_id}",
            station=station,
            using_db=conn,
            reason=row.hold_reason,  # why it waited stays in the history after the release
            code=str(held.get("code", "")),
        )


async def release_claims_of(packer: str, actor: str) -> list[int]:
    """Give back every order `packer` is packing, wherever (they were deactivated)."""
    ids = [
        r.id
        for r in await OrderRow.filter(
            status=OrderStatus.PACKING.value, claimed_packer=packer
        ).only("id")
    ]
    released = []
    for order_id in ids:
        resting = await _resting_status(order_id)
        async with in_transaction() as conn:
            done = (
                await OrderRow.filter(
                    id=order_id, status=OrderStatus.PACKING.value, claimed_packer=packer
                )
                .using_db(conn)
                .update(status=resting.value, **UNCLAIMED)
            )
            if done:
                await audit.record(actor, "order.released", f"order:{order_id}", using_db=conn,
                                   packer=packer, reason="packer deactivated")  # fmt: skip
                released.append(order_id)
    return released
