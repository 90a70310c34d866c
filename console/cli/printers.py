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
    picks = printers_sub.add_parser(
        "pick-list", help="one pick list for the next orders of the queue, sorted by bin"
    )
    picks.add_argument("--next", type=int, default=20, metavar="N", help="orders (default 20)")
    picks.add_argument("--printer", help="printer name (default: the station's pick_slip route)")
    picks.set_defaults(handler=run_pick_list)


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


async def run_pick_list(args: argparse.Namespace) -> int:
    import uuid

    from core.ports import PrintRequest
    from core.services.pick_slips import PICK_SLIP_TYPE, pick_list_payload
    from core.services.queries import packing_queue
    from printers import Spool

    if args.next < 1:
        raise UserInputError("--next must be at least 1")
    settings = settings_from(args)
    async with open_runtime(args, settings=settings) as rt:
        orders = await packing_queue(limit=args.next)
        if not orders:
            print("The queue is empty: no pick list.")
            return 0
        station = rt.settings.station
        request = PrintRequest(
            station=station,
            kind="pick_slip",
            title=f"Pick list {len(orders)} orders",
            content_type=PICK_SLIP_TYPE,
            payload=await pick_list_payload([o.id for o in orders], station),
            key=f"pick_list:{uuid.uuid4().hex}",
        )
        spool = Spool(rt.settings, box=rt.box)
        job_id = (
            await spool.submit_to(args.printer, request)
            if args.printer
            else await spool.submit(request)
        )
    print(f"Pick list for {len(orders)} orders spooled as print job {job_id}.")
    return 0
