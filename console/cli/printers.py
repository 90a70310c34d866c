"""`packdesk printers list|status|test` — what is configured, how it is, and a test page."""

from __future__ import annotations

import argparse

from console.cli.output import print_json, print_table
from console.runtime import open_runtime, settings_from
from core.config import Settings
from core.errors import PackdeskError, UserInputError


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    printers = sub.add_parser("printers", help="configured printers, their status, test pages")
    printers_sub = printers.add_subparsers(dest="printers_command", metavar="ACTION")
    ls = printers_sub.add_parser("list", help="printers and which document kinds go to them")
    ls.add_argument("--json", action="store_true")
    ls.set_defaults(handler=run_list)
    status = printers_sub.add_parser(
        "status", help="ask every printer now: online, offline, paper out"
    )
    status.add_argument("--json", action="store_true")
    status.set_defaults(handler=run_status)
    test = printers_sub.add_parser(
        "test", help="print a test page or label (name, time, Code128, QR)"
    )
    test.add_argument("name", help="printer name from the config")
    test.set_defaults(handler=run_test)


def _address(settings: Settings, name: str) -> str:
    p = settings.printers[name]
    if p.kind == "folder":
        return str(p.path)
    if p.kind == "cups":
        return f"{p.server}/printers/{p.queue}"
    if p.kind == "zpl" and p.connection == "cups":
        return f"{p.server}/printers/{p.queue}"
    if p.kind == "escpos" and p.connection == "usb":
        return f"usb {p.usb_vendor or 0:04x}:{p.usb_product or 0:04x}"
    if p.kind == "escpos" and p.connection == "serial":
        return p.serial_device
    if p.kind == "escpos" and p.connection == "file":
        return str(p.path)
    return f"{p.host}:{p.port}"


def _routes(settings: Settings, name: str) -> list[str]:
    return sorted(
        f"{station}:{kind}"
        for station, cfg in settings.stations.items()
        for kind, printer in cfg.routes.items()
        if printer == name
    )


def run_list(args: argparse.Namespace) -> int:
    settings = settings_from(args)
    rows = [
        {
            "name": name,
            "kind": settings.printers[name].kind,
            "address": _address(settings, name),
            "routes": _routes(settings, name),
        }
        for name in sorted(settings.printers)
    ]
    if args.json:
        print_json(rows)
        return 0
    if not rows:
        print("No printers configured (add [printers.NAME] to the config).")
        return 0
    print_table(
        ["printer", "kind", "address", "prints (station:kind)"],
        [(r["name"], r["kind"], r["address"], ", ".join(r["routes"])) for r in rows],
    )
    return 0


async def run_status(args: argparse.Namespace) -> int:
    from printers import Spool  # imported here: `packdesk --help` stays quick

    async with open_runtime(args) as rt:
        statuses = await Spool(rt.settings).status(probe=True)
    rows = [{"name": s.name, "state": s.state, "detail": s.detail} for s in statuses]
    if args.json:
        print_json(rows)
    elif not rows:
        print("No printers configured.")
    else:
        print_table(
            ["printer", "state", "detail"], [(r["name"], r["state"], r["detail"]) for r in rows]
        )
    return 0 if all(s.state == "online" for s in statuses) else 1


async def run_test(args: argparse.Namespace) -> int:
    from printers import Spool

    settings = settings_from(args)
    if args.name not in settings.printers:
        known = ", ".join(sorted(settings.printers)) or "none"
        raise UserInputError(f"no printer named {args.name!r} (known: {known})")
    async with open_runtime(args, settings=settings) as rt:
        job = await Spool(rt.settings, box=rt.box).print_test_page(args.name)
    if job.status == "done":
        where = f" ({job.transport_ref})" if job.transport_ref else ""
        print(f"Test page sent to {args.name}{where}, print job {job.id}.")
        return 0
    raise PackdeskError(f"{args.name}: {job.last_error or job.status}")
