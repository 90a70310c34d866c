"""The sync worker: per Amazon account, concurrently — poll orders, drain the outbox, push stock,
pull listings and the FBA shipments report on a schedule — and record the account's health.

The order checkpoint is saved only after every page of a poll is in the database, so a process
killed midway polls the same window again; intake is idempotent, so nothing is doubled.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from core.channels.amazon.accounts import explain, set_health
from core.channels.amazon.articles import pull_listings
from core.channels.amazon.client import ThrottledError
from core.channels.amazon.connector import AmazonConnector, OrderPage
from core.channels.amazon.invoice_report import MissingRole
from core.channels.amazon.normalize import order_from_2026, parse_time, should_import
from core.channels.amazon.stock import push_dirty_stock
from core.domain.outbox import JobKind, JobStatus
from core.persistence.models import OutboxJobRow, SyncCheckpointRow
from core.security import SecretBox
from core.services.intake import upsert_orders
from core.services.outbox import OutboxRunner
from core.sync.fba import pull_fba_shipments
from core.sync.lease import SyncLeases, lease_holders
from core.sync.notifications import NotificationConsumer
from core.sync.summary import AccountCycle, SyncSummary
from core.sync.vat_invoices import check_vat_invoices

log = logging.getLogger(__name__)

ORDERS = "orders"
LISTINGS = "listings"
Event = Callable[[str, str], None]


async def load_checkpoint(account_id: int, stream: str) -> str | None:
    row = await SyncCheckpointRow.get_or_none(account_id=account_id, stream=stream)
    return row.value if row and row.value else None


async def save_checkpoint(account_id: int, stream: str, value: str) -> None:
    updated = await SyncCheckpointRow.filter(account_id=account_id, stream=stream).update(
        value=value
    )
    if not updated:
        await SyncCheckpointRow.create(account_id=account_id, stream=stream, value=value)


@dataclass
class SyncWorker:
    """Keeps every connected Amazon account in step with Packdesk."""

    box: SecretBox
    connectors: Mapping[int, AmazonConnector]
    runner: OutboxRunner
    poll_interval_s: float = 120.0
    listings_every_s: float | None = 3600.0
    cycle_deadline_s: float | None = 900.0  # one account's cycle ends by then, whatever Amazon does
    fba_report_every_s: float | None = 3600.0  # FBA shipments report; None: not requested
    vat_report_every_s: float | None = 43200.0  # VAT invoice data report; None: not requested
    on_event: Event = field(default=lambda account, message: None)
    throttled_share: float = 0.05  # more 429s than this share of requests: health "throttled"
    # Accounts fetch concurrently but write one at a time: intake of two accounts touches the
    # same articles' listings, and interleaved writes deadlock on PostgreSQL.
    intake_lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    # With leases, only the process holding an account's lease syncs it (core/sync/lease.py);
    # None: this process syncs every account (one process, or tests).
    leases: SyncLeases | None = None
    # Amazon's ORDER_CHANGE notifications (core/sync/notifications.py); None: polling only.
    notifications: NotificationConsumer | None = None
    safety_poll_interval_s: float = 900.0  # polling while the notification queue is read
    _wakes: dict[int, asyncio.Event] = field(default_factory=dict)

    @property
    def interval_s(self) -> float:
        """Rest between polls: long while notifications bring the orders, else the normal one."""
        if self.notifications is not None and self.notifications.status.reading:
            return max(self.poll_interval_s, self.safety_poll_interval_s)
        return self.poll_interval_s

    async def feed_finished(self, seller_id: str, feed_id: str) -> None:
        """FEED_PROCESSING_FINISHED: the invoice verdict waiting for this feed is due now, and the
        account's next cycle (which reads stock feed results) starts now."""
        ids = [i for i, c in self.connectors.items() if c.account.seller_id == seller_id]
        if not ids or not feed_id:
            return
        waiting = await OutboxJobRow.filter(
            kind=JobKind.CHECK_INVOICE_UPLOAD.value,
            status=JobStatus.PENDING.value,
            account_id__in=ids,
        )
        due = [j.id for j in waiting if str((j.payload or {}).get("feed_id")) == feed_id]
        if due:
            await OutboxJobRow.filter(id__in=due).update(due_at=datetime.now(UTC))
        for account_id in ids:
            self.wake(account_id)

    def wake(self, account_id: int) -> None:
        """Start the account's next cycle now rather than after the rest."""
        self._wakes.setdefault(account_id, asyncio.Event()).set()

    async def order_changed(
        self, seller_id: str, marketplace_id: str, order_id: str
    ) -> bool | None:
        """A notification said this order changed: fetch it and take it in (if we sync it)."""
        matching = [
            c
            for c in self.connectors.values()
            if c.account.seller_id == seller_id
            and (not marketplace_id or marketplace_id in c.account.marketplace_ids)
        ]
        if not matching:
            return None
        connector = matching[0]
        if self.leases is not None and connector.account_id not in self.leases.held:
            return False
        raw = await connector.get_order(order_id)
        if not raw:
            return None
        order = order_from_2026(raw, connector.account_id)
        if not should_import(order.channel, order.channel_status):
            return True
        async with self.intake_lock:
            result = await upsert_orders(connector.account_id, [order], self.box)
        if result.new or result.updated:
            self.on_event(
                connector.account.name,
                f"notification: order {order_id} {'new' if result.new else 'updated'}",
            )
        return True

    async def run_once(self) -> SyncSummary:
        """One cycle for every account at once (with leases: every account this process holds)."""
        started = time.monotonic()
        if self.leases is None:
            cycles = await asyncio.gather(*(self.sync_account(c) for c in self.connectors.values()))
            return SyncSummary(list(cycles), seconds=time.monotonic() - started)
        leases = self.leases
        mine = [c for i, c in self.connectors.items() if await leases.take(i)]
        stop = asyncio.Event()
        renewing = asyncio.create_task(self._renew(stop))
        try:
            synced = await asyncio.gather(*(self.sync_account(c) for c in mine))
        finally:
            stop.set()
            await renewing
        holders = await lease_holders()
        standby = []
        for i, c in self.connectors.items():
            if i in leases.held:
                continue
            holder = holders[i].holder if i in holders else ""
            cycle = AccountCycle(
                account=c.account.name,
                health="standby",
                reason=f"synced by {holder or 'another process'}",
                synced_by=holder,
            )
            # The outbox is shared by claims (SKIP LOCKED), not by the lease: its jobs run here too.
            await self._step(cycle, c, "outbox", self._drain)
            standby.append(cycle)
        return SyncSummary([*synced, *standby], seconds=time.monotonic() - started)

    async def _renew(self, stop: asyncio.Event) -> None:
        """Keep the leases held while a long cycle runs (a searchOrders wait can take minutes)."""
        assert self.leases is not None
        while not await _wait(stop, self.leases.renew_every_s):
            for account_id in list(self.leases.held):
                await self.leases.take(account_id)

    async def run_forever(self, stop: asyncio.Event) -> None:
        """Cycle until `stop` is set, resting `poll_interval_s` in between."""
        if self.leases is not None:
            await self._run_leased(stop, self.leases)
            return
        reading = (
            asyncio.create_task(self.notifications.run(stop))
            if self.notifications is not None
            else None
        )
        try:
            while not stop.is_set():
                await self.run_once()
                await _wait(stop, self.interval_s)
        finally:
            if reading is not None:
                reading.cancel()
                await asyncio.gather(reading, return_exceptions=True)

    async def _run_leased(self, stop: asyncio.Event, leases: SyncLeases) -> None:
        """Every renewal period: renew what this process holds, take what nobody holds; each
        held account cycles on its own; an account whose lease was lost stops at once."""
        running: dict[int, asyncio.Task[None]] = {}
        standing_by: set[int] = set()
        reading: asyncio.Task[None] | None = None
        try:
            while not stop.is_set():
                for account_id, connector in self.connectors.items():
                    task = running.get(account_id)
                    if await leases.take(account_id):
                        if task is None or task.done():
                            if task is None:
                                self.on_event(
                                    connector.account.name, f"synced here by {leases.holder}"
                                )
                            running[account_id] = asyncio.create_task(
                                self._account_forever(connector, stop)
                            )
                    else:
                        if task is not None:
                            log.warning(
                                "account %s: another process syncs it now; stopping here",
                                connector.account.name,
                            )
                            task.cancel()
                            running.pop(account_id)
                        if account_id not in standing_by:
                            standing_by.add(account_id)
                            holder = (await lease_holders()).get(account_id)
                            self.on_event(
                                connector.account.name,
                                f"standing by; synced by {holder.holder if holder else '?'}",
                            )
                        continue
                    standing_by.discard(account_id)
                # The queue is read by a process that syncs accounts, never by a standby.
                if self.notifications is not None and reading is None and leases.held:
                    reading = asyncio.create_task(self.notifications.run(stop))
                elif reading is not None and not leases.held:
                    reading.cancel()
                    await asyncio.gather(reading, return_exceptions=True)
                    reading = None
                await _wait(stop, leases.renew_every_s)
        finally:
            tasks = [*running.values(), *([reading] if reading is not None else [])]
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            await leases.release_all()

    async def _account_forever(self, connector: AmazonConnector, stop: asyncio.Event) -> None:
        wake = self._wakes.setdefault(connector.account_id, asyncio.Event())
        while not stop.is_set():
            wake.clear()
            await self.sync_account(connector)
            rest = asyncio.ensure_future(stop.wait())
            woken = asyncio.ensure_future(wake.wait())
            _, pending = await asyncio.wait(
                {rest, woken}, timeout=self.interval_s, return_when=asyncio.FIRST_COMPLETED
            )
            for task in pending:
                task.cancel()
            await asyncio.gather(*pending, return_exceptions=True)

    async def sync_account(self, connector: AmazonConnector) -> AccountCycle:
        """Orders, outbox, stock and listings of one account; health recorded at the end."""
        cycle = AccountCycle(account=connector.account.name)
        if self.leases is not None:
            cycle.synced_by = self.leases.holder
        stats = connector.client.stats
        requests0, throttled0 = stats.requests, stats.throttled
        try:
            # A slow or hostile server must not hold the cycle: each step saves as it goes.
            async with asyncio.timeout(self.cycle_deadline_s):
                await self._steps(cycle, connector)
        except TimeoutError:
            cycle.failed = True
            cycle.problems.append(
                f"the cycle ran past its deadline of {self.cycle_deadline_s:.0f} s (Amazon "
                "answered too slowly); what was read is saved, the next cycle goes on from there"
            )
        cycle.requests = stats.requests - requests0
        cycle.throttled = stats.throttled - throttled0
        cycle.health, cycle.reason = self._health(cycle)
        if self.notifications is not None:
            # The sync monitor shows whether orders come by notification or by polling.
            cycle.reason = f"{cycle.reason}; {self.notifications.status.line()}"[:500]
        await set_health(connector.account_id, cycle.health, cycle.reason)
        self.on_event(cycle.account, f"{cycle.health}: {cycle.reason}")
        return cycle

    async def _steps(self, cycle: AccountCycle, connector: AmazonConnector) -> None:
        await asyncio.gather(
            self._step(cycle, connector, "orders", self._poll_orders),
            self._step(cycle, connector, "outbox", self._drain),
        )
        # After the order poll: the report only adds FBA orders searchOrders has not brought.
        await self._step(cycle, connector, "fba shipments", self._fba_shipments)
        # Jobs the intake just queued (FBA invoices, cancellations' credit notes) run this cycle.
        await self._step(cycle, connector, "outbox", self._drain)
        await self._step(cycle, connector, "stock", self._push_stock)
        await self._step(cycle, connector, "VAT invoices", self._vat_invoices)
        await self._step(cycle, connector, "listings", self._pull_listings)

    async def _step(
        self,
        cycle: AccountCycle,
        connector: AmazonConnector,
        name: str,
        fn: Callable[[AccountCycle, AmazonConnector], object],
    ) -> None:
        try:
            await fn(cycle, connector)  # type: ignore[misc]
        except ThrottledError as exc:
            cycle.throttled_out = True
            cycle.problems.append(
                f"{name}: Amazon's rate limit is exhausted for now ({exc.operation})"
            )
            log.warning("account %s: %s throttled: %s", connector.account.name, name, exc.code)
        except Exception as exc:  # one failing step must not stop the others or other accounts
            diagnosis = explain(exc, connector)
            cycle.failed = True
            cycle.problems.append(f"{name}: {diagnosis.summary}")
            log.warning(
                "account %s: %s failed: %s", connector.account.name, name, type(exc).__name__
            )
            log.debug("account %s: %s failed", connector.account.name, name, exc_info=True)

    async def _poll_orders(self, cycle: AccountCycle, connector: AmazonConnector) -> None:
        account_id = connector.account_id
        since = await load_checkpoint(account_id, ORDERS)
        pages: asyncio.Queue[OrderPage | None] = asyncio.Queue(maxsize=4)

        async def fetch() -> None:
            try:
                async for page in connector.order_pages(since):
                    await pages.put(page)
            finally:
                await pages.put(None)

        producer = asyncio.create_task(fetch())
        checkpoint = since
        try:
            while (page := await pages.get()) is not None:
                if page.orders:
                    async with self.intake_lock:
                        result = await upsert_orders(account_id, page.orders, self.box)
                    cycle.orders_new += result.new
                    cycle.orders_updated += result.updated
                checkpoint = page.checkpoint
                if page.in_order and checkpoint and checkpoint != since:
                    # progress per page: a walk that ends badly later keeps what it read
                    await save_checkpoint(account_id, ORDERS, checkpoint)
                self.on_event(
                    cycle.account, f"orders: {cycle.orders_new} new, {cycle.orders_updated} updated"
                )
        finally:
            if not producer.done():
                producer.cancel()
            await asyncio.gather(producer, return_exceptions=True)
        producer.result()  # a failed fetch raises here, before the checkpoint moves
        if checkpoint and checkpoint != since:
            await save_checkpoint(account_id, ORDERS, checkpoint)

    async def _fba_shipments(self, cycle: AccountCycle, connector: AmazonConnector) -> None:
        if self.fba_report_every_s is None:
            return
        result = await pull_fba_shipments(
            connector, self.box, timedelta(seconds=self.fba_report_every_s), self.intake_lock
        )
        cycle.orders_new += result.new
        cycle.orders_updated += result.updated
        if result.new or result.updated:
            self.on_event(
                cycle.account, f"FBA shipments: {result.new} new, {result.updated} updated"
            )

    async def _drain(self, cycle: AccountCycle, connector: AmazonConnector) -> None:
        summary = await self.runner.drain(account_id=connector.account_id)
        cycle.jobs_done += summary.done
        cycle.jobs_failed += summary.dead
        cycle.jobs_retrying += summary.retried
        if summary.done or summary.dead:
            self.on_event(cycle.account, f"outbox: {summary.done} done, {summary.dead} failed")
        if summary.needs_config:
            self.on_event(
                cycle.account,
                f"outbox: {summary.needs_config} job(s) wait for configuration (outbox monitor, "
                "'needs_config'): they run once the setting is filled in",
            )

    async def _push_stock(self, cycle: AccountCycle, connector: AmazonConnector) -> None:
        pushed = await push_dirty_stock(connector)
        cycle.stock_pushed, cycle.stock_rejected = pushed.listings, pushed.rejected

    async def _vat_invoices(self, cycle: AccountCycle, connector: AmazonConnector) -> None:
        if self.vat_report_every_s is None:
            return
        try:
            judged = await check_vat_invoices(connector, timedelta(seconds=self.vat_report_every_s))
        except MissingRole as exc:  # the other steps and accounts go on; the reason says why
            cycle.notes.append(f"VAT invoices: {exc}")
            log.warning("account %s: no %s role", connector.account.name, exc.role)
            return
        cycle.invoices_rejected += len(judged.not_accepted)
        if judged.not_accepted:
            self.on_event(
                cycle.account,
                f"VAT invoices: Amazon did not accept {', '.join(judged.not_accepted[:5])}"
                " (packdesk documents rejected)",
            )

    async def _pull_listings(self, cycle: AccountCycle, connector: AmazonConnector) -> None:
        if self.listings_every_s is None:
            return
        last = parse_time(await load_checkpoint(connector.account_id, LISTINGS))
        now = datetime.now(UTC)
        if last and now - last < timedelta(seconds=self.listings_every_s):
            return
        result = await pull_listings(connector)
        cycle.listings_pulled = result.listings_seen
        await save_checkpoint(connector.account_id, LISTINGS, now.strftime("%Y-%m-%dT%H:%M:%SZ"))

    def _health(self, cycle: AccountCycle) -> tuple[str, str]:
        if cycle.failed:
            return "failing", "; ".join([*cycle.problems, *cycle.notes])
        share = cycle.throttled / cycle.requests if cycle.requests else 0.0
        if cycle.throttled_out or share > self.throttled_share:
            return "throttled", (
                "; ".join(cycle.problems)
                or f"{cycle.throttled} of {cycle.requests} requests were answered 429; Packdesk slowed down"
            )
        if cycle.jobs_failed:
            gave_up = f"{cycle.jobs_failed} outbox job(s) gave up — see the outbox monitor"
            return "ok", "; ".join([gave_up, *cycle.notes])
        extra = f", {cycle.throttled} request(s) throttled and retried" if cycle.throttled else ""
        notes = "".join(f"; {note}" for note in cycle.notes)
        return (
            "ok",
            f"{cycle.orders_new} new and {cycle.orders_updated} updated orders{extra}{notes}",
        )


async def _wait(stop: asyncio.Event, seconds: float) -> bool:
    """Rest up to `seconds`; True when `stop` was set meanwhile."""
    try:
        await asyncio.wait_for(stop.wait(), seconds)
    except TimeoutError:
        return False
    return True
