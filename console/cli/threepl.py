"""`packdesk 3pl export|import|release|status` — the fulfilment-provider exchange (docs/3pl.md)."""

from __future__ import annotations

import argparse
import asyncio
from pathlib import Path
from typing import Any

from console.cli.output import print_json, print_table
from console.runtime import open_runtime
from core.errors import UserInputError
from core.thirdparty.cycle import run_thirdparty_cycle
from core.thirdparty.export import export_orders, release_orders
from core.thirdparty.files import BadFile
from core.thirdparty.inbound import apply_file
from core.thirdparty.status import thirdparty_status


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    tpl = sub.add_parser("3pl", help="fulfilment providers: export orders, import tracking")
    tpl_sub = tpl.add_subparsers(dest="threepl_command", metavar="ACTION")
    export = tpl_sub.add_parser("export", help="hand open 3PL orders over and deliver their files")
    export.add_argument("--dry-run", action="store_true", help="show what would go, change nothing")
    export.add_argument("--json", action="store_true")
    export.set_defaults(handler=run_export)
    imp = tpl_sub.add_parser("import", help="apply tracking files (inboxes, or PATH)")
    imp.add_argument("path", nargs="?", help="a tracking XML file to apply by hand")
    imp.add_argument("--provider", help="whose file PATH is (default: the only provider)")
    imp.add_argument("--json", action="store_true")
    imp.set_defaults(handler=run_import)
    release = tpl_sub.add_parser("release", help="let held orders go at the next export")
    release.add_argument("orders", nargs="+", help="order ids (e.g. 302-1234567-1234567)")
    release.set_defaults(handler=run_release)
    status = tpl_sub.add_parser("status", help="orders, deliveries and files per provider")
    status.add_argument("--json", action="store_true")
    status.set_defaults(handler=run_status)


def _need_providers(names: list[str]) -> None:
    if not names:
        raise UserInputError(
            "No fulfilment provider is configured — add a [thirdparty.providers.NAME] section."
        )


async def run_export(args: argparse.Namespace) -> int:
    async with open_runtime(args) as rt:
        _need_providers(list(rt.settings.thirdparty.providers))
        data: dict[str, Any]
        if args.dry_run:
            result = await export_orders(rt.settings.thirdparty, rt.box, dry_run=True)
            data = {
                "dry_run": True,
                "exported": result.exported,
                "waiting_release": result.waiting_release,
                "skipped": result.skipped,
            }
        else:
            summary = await run_thirdparty_cycle(rt.settings, rt.box, imports=False)
            data = {"dry_run": False, **summary.to_json()}
            data.pop("files", None)
    if args.json:
        print_json(data)
        return 0
    verb = "Would hand over" if args.dry_run else "Handed over"
    for provider, orders in data["exported"].items():
        print(f"{verb} {len(orders)} order(s) to {provider}: {', '.join(orders)}")
    if not data["exported"]:
        print("No order to hand over.")
    for order in data["waiting_release"]:
        print(f"Waiting for release: {order}")
    for order, reason in data["skipped"].items():
        print(f"Skipped {order}: {reason}")
    if data.get("delivery_failures"):
        print(f"{data['delivery_failures']} file(s) not delivered yet — they are retried.")
    return 1 if data.get("errors") else 0


async def run_import(args: argparse.Namespace) -> int:
    async with open_runtime(args) as rt:
        names = list(rt.settings.thirdparty.providers)
        _need_providers(names)
        if args.path:
            return await _import_path(args, rt.settings, rt.box, names)
        summary = await run_thirdparty_cycle(rt.settings, rt.box, export=False)
    data = summary.to_json()
    if args.json:
        print_json({"files": data["files"], "errors": data["errors"]})
    else:
        rows = [
            (p, f["name"], f["status"], ", ".join(f["orders"]) or f["reason"])
            for p, files in data["files"].items()
            for f in files
        ]
        print_table(["provider", "file", "result", "orders / reason"], rows)
        for provider, error in data["errors"].items():
            print(f"{provider}: {error}")
    return 1 if data["errors"] else 0


async def _import_path(args, settings, box, names: list[str]) -> int:  # type: ignore[no-untyped-def]
    provider = args.provider or (names[0] if len(names) == 1 else "")
    if provider not in names:
        raise UserInputError(f"--provider must be one of: {', '.join(names)}")
    path = Path(args.path)
    if not await asyncio.to_thread(path.is_file):
        raise UserInputError(f"{path}: no such file")
    data = await asyncio.to_thread(path.read_bytes)
    try:
        applied = await apply_file(
            data,
            provider=provider,
            name=path.name,
            providers=names,
            company=settings.company,
            box=box,
        )
    except BadFile as exc:
        raise UserInputError(f"{path.name}: {exc}") from None
    if args.json:
        print_json({"file": path.name, "orders": applied.orders, "jobs": applied.jobs})
    else:
        print(f"Applied {path.name}: {', '.join(applied.orders) or applied.kind}")
    return 0


async def run_release(args: argparse.Namespace) -> int:
    async with open_runtime(args):
        released = await release_orders(args.orders, actor="cli")
    print(f"Released: {', '.join(released)}")
    return 0


async def run_status(args: argparse.Namespace) -> int:
    async with open_runtime(args) as rt:
        data = await thirdparty_status(rt.settings.thirdparty)
    if args.json:
        print_json(data)
        return 0
    rows = []
    for name, p in data["providers"].items():
        o = p["orders"]
        rows.append(
            (
                name,
                p["kind"],
                o["awaiting_release"],
                o["to_export"],
                o["handed_over"],
                o["partially_shipped"],
                f"{p['deliveries']['pending']}/{p['deliveries']['dead']}",
                f"{p['files']['applied']}/{p['files']['rejected']}",
            )
        )
    print_table(
        [
            "provider",
            "drop",
            "held",
            "to export",
            "handed over",
            "partial",
            "deliv. wait/dead",
            "files ok/bad",
        ],
        rows,
    )
    for name, p in data["providers"].items():
        for r in p["recent_rejections"][:3]:
            print(f"{name}: {r['file']} rejected — {r['reason']}")
    if data["unassigned_orders"]:
        print(f"{data['unassigned_orders']} 3PL order(s) have no provider configured.")
    return 0
