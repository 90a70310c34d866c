"""`packdesk init`, `db upgrade`, `config show`, `purge-personal-data`."""

from __future__ import annotations

import argparse
import getpass
import os
import sys

import tomli_w

from console.cli import init_company
from console.cli.output import print_json
from console.runtime import database_url, open_runtime, settings_from
from core.config import Settings, config_path, load_settings
from core.security import KEY_FILE
from core.services import people
from core.services.purge import purge_personal_data
from core.services.setup import ensure_basics

SUPERVISOR_PIN_ENV = "PACKDESK_SUPERVISOR_PIN"

STARTER_CONFIG = """\
# Packdesk configuration. Every key can be overridden by PACKDESK_<SECTION>_<KEY>.
station = "desk-1"
language = "en"

[database]
# url = "postgres://packdesk@127.0.0.1:5432/packdesk"   # default: SQLite in the data dir

[company]
name = ""
street = ""
postcode = ""
city = ""
country = "DE"
vat_id = ""
email = ""     # Amazon Buy Shipping needs e-mail and phone of the ship-from address
phone = ""

[printers.paper]
kind = "folder"
path = "{printouts}"

[stations.desk-1.routes]
invoice = "paper"
delivery_note = "paper"
label = "paper"
pick_slip = "paper"
"""


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("init", help="create config, data dir, database and the basics (idempotent)")
    init_company.add_arguments(p)
    p.set_defaults(handler=run_init)

    db = sub.add_parser("db", help="database maintenance")
    db_sub = db.add_subparsers(dest="db_command", metavar="ACTION")
    up = db_sub.add_parser("upgrade", help="apply pending migrations")
    up.set_defaults(handler=run_upgrade)

    cfg = sub.add_parser("config", help="show the effective configuration")
    cfg_sub = cfg.add_subparsers(dest="config_command", metavar="ACTION")
    show = cfg_sub.add_parser("show", help="print the settings in effect (secrets masked)")
    show.add_argument("--json", action="store_true")
    show.set_defaults(handler=run_config_show)

    purge = sub.add_parser(
        "purge-personal-data", help="remove buyer data kept longer than the policy allows"
    )
    purge.add_argument("--dry-run", action="store_true", help="only count what would be removed")
    purge.add_argument(
        "--days", type=int, default=None, help="days after delivery (default: config)"
    )
    purge.add_argument("--json", action="store_true")
    purge.set_defaults(handler=run_purge)


async def run_init(args: argparse.Namespace) -> int:
    path = config_path(args.config)
    if not path.exists():
        # Defaults and environment only: the file we are about to write does not exist yet.
        environ = {k: v for k, v in os.environ.items() if k != "PACKDESK_CONFIG"}
        defaults = load_settings(os.devnull, environ=environ)
        path.parent.mkdir(parents=True, exist_ok=True)
        printouts = defaults.resolved_data_dir / "printouts"
        path.write_text(STARTER_CONFIG.format(printouts=printouts), encoding="utf-8")
        print(f"Wrote {path}")
    os.environ.setdefault("PACKDESK_CONFIG", str(path))
    current = load_settings(args.config).company
    init_company.write_company(path, init_company.collect(args, current))
    async with open_runtime(args) as rt:
        result = await ensure_basics(rt.settings.station)
        data_dir = rt.settings.resolved_data_dir
        print(f"Data dir:  {data_dir}")
        print(f"Database:  {_mask_url(rt.settings.database_url)}")
        if not os.environ.get("PACKDESK_SECRET_KEY"):
            print(f"Key file:  {data_dir / KEY_FILE} (back it up: sealed buyer data needs it)")
        for item in result.created:
            print(f"Created:   {item}")
        if any(item.startswith("supervisor") for item in result.created):
            await _ask_supervisor_pin()
        if not result.created:
            print("Everything was already set up.")
        gaps = init_company.missing(rt.settings.company)
        if gaps:
            print(f"Missing:   {gaps[0]}")
            for gap in gaps[1:]:
                print(f"           {gap}")
            print(f"           (set them in [company] of {path}, or run init again on a terminal;")
            print("           until then the jobs that need them wait as 'needs configuration')")
    return 0


async def _ask_supervisor_pin() -> None:
    """Supervisor actions stay locked until a supervisor has a PIN: ask now, on a terminal."""
    if scripted := os.environ.get(SUPERVISOR_PIN_ENV):  # scripts: never a PIN on a command line
        await people.set_pin("supervisor", scripted.strip(), actor="init")
        print(f"PIN set:   supervisor (from {SUPERVISOR_PIN_ENV})")
        return
    if sys.stdin.isatty():
        pin = getpass.getpass("PIN for the supervisor (4 to 12 digits, Enter to set it later): ")
        if pin and getpass.getpass("Again: ") == pin:
            await people.set_pin("supervisor", pin, actor="init")
            print("PIN set:   supervisor")
            return
        print("No PIN set.")
    print("Next:      packdesk packers set-pin supervisor   (supervisor actions are locked until")
    print("           a supervisor has a PIN)")


async def run_upgrade(args: argparse.Namespace) -> int:
    from core.services.maintenance import upgrade_with_report

    settings = settings_from(args)
    report = await upgrade_with_report(database_url(settings), settings.database.busy_timeout_ms)
    print(f"{report.line()}: {_mask_url(settings.database_url)}")
    return 0


def _mask_url(url: str) -> str:
    if "@" in url and "://" in url:
        scheme, rest = url.split("://", 1)
        creds, host = rest.rsplit("@", 1)
        user = creds.split(":", 1)[0]
        return f"{scheme}://{user}:***@{host}" if ":" in creds else url
    return url


def run_config_show(args: argparse.Namespace) -> int:
    settings = settings_from(args)
    data = settings.model_dump(mode="json", exclude_none=True)
    data["database"]["url"] = _mask_url(settings.database_url)
    data["data_dir"] = str(settings.resolved_data_dir)
    if args.json:
        print_json({"source": str(settings.source) if settings.source else None, "settings": data})
    else:
        print(f"# source: {settings.source or 'defaults and environment'}")
        print(tomli_w.dumps(data))
    return 0


async def _purge_spool(settings: Settings) -> int:
    from datetime import UTC, datetime

    from core.config import FolderPrinter
    from printers.retention import purge_spool

    folders = {n: p.path for n, p in settings.printers.items() if isinstance(p, FolderPrinter)}
    return await purge_spool(datetime.now(UTC), folders=folders)


async def run_purge(args: argparse.Namespace) -> int:
    async with open_runtime(args) as rt:
        days = args.days if args.days is not None else rt.settings.purge_days_after_delivery
        result = await purge_personal_data(days, dry_run=args.dry_run, settings=rt.settings)
        if not args.dry_run:  # the spool's own retention too (printers/retention.py)
            result.places["print_job (finished, spool retention)"] = await _purge_spool(rt.settings)
    if args.json:
        print_json(
            {
                "dry_run": args.dry_run,
                "days": days,
                "orders": result.orders,
                "order_ids": result.order_ids,
                "places": result.places,
            }
        )
    else:
        verb = "would be purged" if args.dry_run else "purged"
        print(
            f"{result.orders} order(s) {verb} (personal data older than {days} days after delivery)."
        )
        for place, count in result.places.items():
            print(f"  {place}: {count}")
    return 0
