"""`packdesk demo [--headless --orders N] [--carrier dhl]`: one command, nothing to configure."""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
from datetime import datetime
from pathlib import Path


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "demo", help="a whole warehouse on this machine: emulator, printers, console"
    )
    p.add_argument(
        "--data-dir",
        help="keep the demo here (default: a new run directory in the user's cache; "
        f"the last {KEEP_RUNS} are kept)",
    )
    p.add_argument(
        "--headless", action="store_true", help="pack orders without a screen, then report"
    )
    p.add_argument("--orders", type=int, default=5, help="with --headless: how many to pack (5)")
    p.add_argument(
        "--seed", type=int, default=7, help="the emulator's seed (same seed, same orders)"
    )
    p.add_argument(
        "--carrier",
        choices=["amazon_buy_shipping", "dhl"],
        default="amazon_buy_shipping",
        help="who makes the labels: Amazon Buy Shipping or DHL Parcel DE (both emulated)",
    )
    p.set_defaults(handler=run_demo)


KEEP_RUNS = 3


def demo_run_dir(now: datetime | None = None) -> Path:
    """A fresh directory for one demo run, in the user's cache (not /tmp), older runs pruned.

    Each run used to leave a `packdesk-demo-*` directory in /tmp for ever; now the runs live in
    one place, and only the last few stay for looking at their printouts.
    """
    import platformdirs

    base = Path(platformdirs.user_cache_dir("packdesk")) / "demo"
    stamp = (now or datetime.now()).strftime("%Y%m%d-%H%M%S")
    run = base / f"run-{stamp}-{os.getpid()}"
    run.mkdir(parents=True, exist_ok=False)
    prune_runs(base, keep=KEEP_RUNS)
    return run


def prune_runs(base: Path, keep: int) -> list[Path]:
    """Remove all but the newest `keep` run directories; returns what was removed."""
    runs = sorted((p for p in base.glob("run-*") if p.is_dir()), key=lambda p: p.stat().st_mtime)
    gone = runs[:-keep] if keep else runs
    for old in gone:
        shutil.rmtree(old, ignore_errors=True)
    return gone


def say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


async def run_demo(args: argparse.Namespace) -> int:
    from console.cli.console_cmd import hang_up_ends_the_console
    from console.demo.headless import pack_headless
    from console.demo.setup import (
        STATION,
        demo_settings,
        import_emulator_accounts,
        packable_orders,
        seed_people_and_stock,
        write_cheat_sheet,
    )
    from console.i18n import _, use_language
    from console.runtime import open_runtime
    from console.services import station_services
    from core.channels.amazon.articles import pull_listings
    from core.channels.amazon.emulator import run_emulator
    from core.errors import UserInputError
    from core.services.setup import ensure_basics

    if args.headless and args.orders < 1:
        raise UserInputError("--orders must be at least 1")
    data_dir = Path(args.data_dir) if args.data_dir else demo_run_dir()
    data_dir.mkdir(parents=True, exist_ok=True)
    settings = demo_settings(data_dir)
    use_language(settings.language)
    say(f"Packdesk demo in {data_dir}")
    if not args.headless:
        from console.logfile import log_to_file

        say(f"Log: {log_to_file(data_dir / 'logs' / 'demo.log')}")
    async with run_emulator(seed=args.seed, accounts=3, orders=60) as emu:
        say(f"Amazon emulator on {emu.url} (3 sellers, 60 orders)")
        async with open_runtime(settings=settings) as rt:
            await ensure_basics(STATION, company="default")
            await import_emulator_accounts(emu.credentials, rt.box)
            await load_demo_rates(emu.url)  # ECB rates from the emulator: VAT in EUR on PLN/SEK
            # and the sync's rate refresh asks the emulator too: the demo works offline
            rt.settings.documents.ecb_url = f"{emu.url}/ecb/eurofxref-hist-90d.xml"
            if args.carrier == "dhl":
                from core.carriers.directory import import_file

                await import_file(emu.credentials, rt.box)
            async with station_services(rt, sync=True) as services:
                for connector in services.connectors.values():
                    await pull_listings(connector)
                await seed_people_and_stock(carrier=args.carrier)
                summary = await services.sync_worker.run_once()
                say(summary.line())
                wanted = args.orders if args.headless else 12
                orders = await packable_orders(wanted)
                sheet = data_dir / "DEMO-BARCODES.txt"
                await write_cheat_sheet(sheet, orders)
                (data_dir / "demo.json").write_text(
                    json.dumps(
                        {
                            "emulator": emu.url,
                            "orders": [{"order": o.external_id, "codes": o.codes} for o in orders],
                        },
                        indent=2,
                    ),
                    encoding="utf-8",
                )
                if args.headless:
                    result = await pack_headless(services, orders, emu, data_dir / "printouts")
                    for line in result.lines():
                        print(line)
                    return 0 if result.ok else 1
                from console.app import PackdeskApp

                first = orders[0] if orders else None
                hint = _("Demo: type P-ANNA and Enter to sign in (supervisor SUP-0001, PIN 1234).")
                if first is not None:
                    hint += "\n" + _("Then order {order}, then {codes}.").format(
                        order=first.external_id, codes=" ".join(first.codes)
                    )
                hint += "\n" + _("More in {sheet}").format(sheet=sheet)
                app = PackdeskApp(services.backend, hint=hint)
                os.environ.setdefault("PACKDESK_DEMO_DIR", str(data_dir))
                hang_up_ends_the_console()
                async with services.running():
                    await app.run_async()
    say(f"Demo data kept in {data_dir} (printouts/, DEMO-BARCODES.txt)")
    return 0


async def load_demo_rates(base_url: str) -> None:
    """The emulator's ECB feed, as `packdesk documents rates --url` would load it."""
    import aiohttp

    from core.services.fx import load_ecb_xml

    async with aiohttp.ClientSession() as session:
        async with session.get(f"{base_url}/ecb/eurofxref-hist-90d.xml") as response:
            response.raise_for_status()
            await load_ecb_xml(await response.read())
