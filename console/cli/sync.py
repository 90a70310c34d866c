"""`packdesk sync [--once] [--json]` — keep every Amazon account and Packdesk in step."""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import signal
import sys
from contextlib import suppress

from console.cli.output import print_json
from console.runtime import Runtime, open_runtime
from console.wiring import amazon_options, outbox_handlers, outbox_runner
from core.channels.amazon import amazon_connectors
from core.channels.amazon.client import RetryPolicy
from core.channels.amazon.connector import AmazonConnector
from core.errors import UserInputError
from core.sync import SyncWorker
from core.sync.lease import SyncLeases, holder_name
from core.sync.notifications import consumer_from_settings
from core.sync.rates import keep_rates_fresh
from core.thirdparty.cycle import run_thirdparty_cycle
from printers import Spool

log = logging.getLogger("packdesk.sync")


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("sync", help="sync orders, shipments, stock and listings with Amazon")
    p.add_argument("--once", action="store_true", help="one cycle, then exit")
    p.add_argument("--json", action="store_true", help="print the summary as JSON")
    p.add_argument("--account", action="append", help="only this account (repeatable)")
    p.add_argument(
        "--orders-api",
        choices=["2026-01-01", "v0"],
        default=os.environ.get("PACKDESK_AMAZON_ORDERS_API") or None,
        help="Orders API version to read with (env PACKDESK_AMAZON_ORDERS_API; "
        "default: the setting sync.orders_api)",
    )
    p.add_argument(
        "--time-scale",
        type=float,
        default=float(os.environ.get("PACKDESK_AMAZON_TIME_SCALE", "1")),
        help=argparse.SUPPRESS,  # for the emulator's time-scaled usage plans
    )
    p.add_argument("--no-listings", action="store_true", help="skip the scheduled listings pull")
    p.add_argument(
        "--deadline",
        type=float,
        default=900.0,
        metavar="SECONDS",
        help="end each account's cycle after this long, whatever Amazon does (default 900)",
    )
    p.set_defaults(handler=run_sync)


async def run_sync(args: argparse.Namespace) -> int:
    if args.time_scale <= 0:
        raise UserInputError("--time-scale must be positive")
    if args.orders_api not in (None, "2026-01-01", "v0"):
        raise UserInputError(
            f"PACKDESK_AMAZON_ORDERS_API {args.orders_api!r} must be 2026-01-01 or v0"
        )
    async with open_runtime(args) as rt:
        connectors: dict[int, AmazonConnector] = await amazon_connectors(
            rt.box,
            names=args.account or (),
            options=amazon_options(rt.settings, args.orders_api),
            time_scale=args.time_scale,
            retry=RetryPolicy(base_s=1.0),
        )
        if not connectors:
            raise UserInputError(
                "No Amazon account yet — add one with `packdesk accounts add` or `import`."
            )
        # Documents, labels and 3PL files go through the same handlers as at the desk; print
        # jobs are only spooled here, the stations' printer workers print them.
        spool = Spool(rt.settings, box=rt.box) if rt.settings.printers else None
        runner = outbox_runner(
            rt.settings, outbox_handlers(rt.settings, rt.box, connectors, spool), "sync"
        )
        interactive = sys.stderr.isatty() and not args.json
        worker = SyncWorker(
            rt.box,
            connectors,
            runner,
            poll_interval_s=rt.settings.sync.poll_interval_s,
            listings_every_s=None
            if args.no_listings
            else rt.settings.sync.listings_pull_interval_s,
            fba_report_every_s=rt.settings.sync.fba_report_interval_s,
            vat_report_every_s=rt.settings.sync.vat_report_interval_s,
            leases=SyncLeases(holder_name("sync"), lease_s=rt.settings.sync.lease_s),
        )
        worker.safety_poll_interval_s = rt.settings.sync.safety_poll_interval_s
        worker.cycle_deadline_s = args.deadline if args.deadline > 0 else None
        worker.notifications = consumer_from_settings(
            rt.settings, worker.order_changed, worker.feed_finished
        )
        try:
            providers = rt.settings.thirdparty.providers
            if args.once:
                summary = await _with_progress(worker, interactive)
                thirdparty = await run_thirdparty_cycle(rt.settings, rt.box) if providers else None
                if args.json:
                    data = summary.to_json()
                    if thirdparty is not None:
                        data["thirdparty"] = thirdparty.to_json()
                    print_json(data)
                else:
                    for cycle in summary.accounts:
                        print(f"{cycle.account}: {cycle.health} — {cycle.reason}")
                    if thirdparty is not None:
                        print(f"3PL: {thirdparty.to_json()}")
                    print(summary.line())
                return 0 if summary.ok else 1
            worker.on_event = _log_event
            stop = asyncio.Event()
            loop = asyncio.get_running_loop()
            for sig in (signal.SIGINT, signal.SIGTERM):
                with suppress(NotImplementedError):
                    loop.add_signal_handler(sig, stop.set)
            docs = rt.settings.documents
            loops = [
                worker.run_forever(stop),
                _closeouts_forever(rt, stop),
                keep_rates_fresh(
                    docs.ecb_url,
                    every_s=docs.ecb_refresh_s,
                    stop=stop,
                    timeout_s=docs.ecb_timeout_s,
                ),
            ]
            if providers:
                loops.append(_thirdparty_forever(rt, stop))
            await asyncio.gather(*loops)
            return 0
        finally:
            if worker.leases is not None:
                await worker.leases.release_all()
            for c in connectors.values():
                await c.close()


async def _thirdparty_forever(rt: Runtime, stop: asyncio.Event) -> None:
    """Hand orders to the fulfilment providers and read their tracking files, on a schedule."""
    while not stop.is_set():
        try:
            summary = await run_thirdparty_cycle(rt.settings, rt.box)
            _log_event("3pl", str(summary.to_json()))
        except Exception:  # a provider's outage must not stop the Amazon sync
            log.exception("3PL cycle failed")
        with suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), rt.settings.thirdparty.poll_interval_s)


async def _closeouts_forever(rt: Runtime, stop: asyncio.Event) -> None:
    """Close the day at each carrier whose `closeout_at` has passed (checked every minute)."""
    from core.carriers.closeout import run_due_closeouts

    while not stop.is_set():
        try:
            for name, count in (await run_due_closeouts(rt.box)).items():
                _log_event(name, f"closed out {count} shipment(s)")
        except Exception:  # a carrier's outage must not stop the Amazon sync
            log.exception("carrier closeout failed")
        with suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), 60)


def _log_event(account: str, message: str) -> None:
    print(f"{account}: {message}", file=sys.stderr, flush=True)


async def _with_progress(worker: SyncWorker, interactive: bool):  # type: ignore[no-untyped-def]
    if not interactive:
        worker.on_event = _log_event
        return await worker.run_once()
    from rich.progress import Progress, SpinnerColumn, TaskID, TextColumn

    with Progress(SpinnerColumn(), TextColumn("{task.description}"), transient=True) as progress:
        tasks: dict[str, TaskID] = {}

        def event(account: str, message: str) -> None:
            if account not in tasks:
                tasks[account] = progress.add_task(account)
            progress.update(tasks[account], description=f"{account}: {message}")

        worker.on_event = event
        return await worker.run_once()
