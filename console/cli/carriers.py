"""`packdesk carriers list|import|test|closeout` and `packdesk profiles list|set`.

A seller sets up DHL from a file (the emulator's credentials or their own), checks it with a
validate-only order, closes the day, and switches a fulfilment profile to DHL without SQL.
"""

from __future__ import annotations

import argparse
import asyncio
import json
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from console.cli.output import print_json, print_table
from console.runtime import open_runtime
from console.wiring import ship_from
from core.carriers.directory import (
    contract_summaries,
    import_file,
    set_profile_carrier,
)
from core.carriers.overview import (
    carrier_of_package,
    dhl_carrier,
    profile_list,
    profile_problem_list,
)
from core.domain.orders import Address, Buyer, Channel, Order, OrderLine
from core.errors import PackdeskError, UserInputError
from core.ports import LabelRequest


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    carriers = sub.add_parser(
        "carriers", help="carrier contracts (DHL): list, import, test, closeout, cancel"
    )
    act = carriers.add_subparsers(dest="carriers_command", metavar="ACTION")
    ls = act.add_parser("list", help="carriers set up, and the profiles that use them")
    ls.add_argument("--json", action="store_true")
    ls.set_defaults(handler=run_list)
    imp = act.add_parser("import", help='import a JSON file with a "dhl" section')
    imp.add_argument("file")
    imp.add_argument(
        "--account", help="the Amazon account (seller) this contract ships for; default: every"
    )
    imp.set_defaults(handler=run_import)
    test = act.add_parser("test", help="a validate-only order at the carrier; profiles checked")
    test.add_argument("name")
    test.add_argument("--json", action="store_true")
    test.set_defaults(handler=run_test)
    close = act.add_parser("closeout", help="close the day at the carrier (DHL manifest)")
    close.add_argument("name")
    close.set_defaults(handler=run_closeout)

    cancel = act.add_parser(
        "cancel", help="void a package's label at its carrier (before closeout)"
    )
    cancel.add_argument("package_id", type=int)
    cancel.set_defaults(handler=run_cancel)

    clear = act.add_parser(
        "clear-pending",
        help="after checking at DHL that no label exists for a package stopped mid-purchase",
    )
    clear.add_argument("package_id", type=int)
    clear.set_defaults(handler=run_clear_pending)

    profiles = sub.add_parser("profiles", help="fulfilment profiles: list, set carrier")
    pact = profiles.add_subparsers(dest="profiles_command", metavar="ACTION")
    pls = pact.add_parser("list", help="profiles with process and carrier rules")
    pls.add_argument("--json", action="store_true")
    pls.set_defaults(handler=run_profiles_list)
    pset = pact.add_parser("set", help="choose a profile's carrier (and carrier rules)")
    pset.add_argument("name")
    pset.add_argument("--carrier", required=True, help="dhl, amazon_buy_shipping, manual …")
    pset.add_argument(
        "--rule",
        action="append",
        default=[],
        help="CARRIER[:max_weight_g][@CC,CC] e.g. dhl:1000@DE,AT (first match wins; repeat)",
    )
    pset.set_defaults(handler=run_profiles_set)


async def run_list(args: argparse.Namespace) -> int:
    async with open_runtime(args):
        data = await contract_summaries()
    if args.json:
        print_json(data)
        return 0
    print_table(
        ["name", "code", "seller", "ekp", "url", "profiles"],
        [
            (
                d["name"],
                d["code"],
                d["account"] or "(every)",
                d["ekp"],
                d["base_url"],
                ",".join(d["profiles"]),
            )
            for d in data
        ],
    )
    return 0


def _read_json(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


async def run_import(args: argparse.Namespace) -> int:
    path = Path(args.file)
    try:
        data: Any = await asyncio.to_thread(_read_json, path)
    except FileNotFoundError:
        raise UserInputError(f"{path}: no such file") from None
    except ValueError as exc:
        raise UserInputError(f"{path}: not valid JSON ({exc})") from None
    if not isinstance(data, dict):
        raise UserInputError(f"{path}: expected a JSON object")
    async with open_runtime(args) as rt:
        contracts = await import_file(data, rt.box, account=args.account)
    whose = f"seller {args.account}" if args.account else "every seller without its own"
    names = ", ".join(c.name for c in contracts)
    print(f"Imported carrier(s): {names} for {whose} (secrets encrypted).")
    return 0


def _sample(origin: dict[str, str]) -> LabelRequest:
    """A parcel to a real-looking German address, for a validate-only order."""
    order = Order(
        account_id=0,
        external_id="PACKDESK-TEST",
        marketplace_id="",
        channel=Channel.MFN,
        purchased_at=datetime.now(UTC),
        currency="EUR",
        buyer=Buyer(name="Erika Mustermann"),
        ship_to=Address(
            name="Erika Mustermann",
            line1="Sträßchensweg 10",
            postcode="53113",
            city="Bonn",
            country="DE",
        ),
        lines=[OrderLine("1", "TEST", "Test", 1, Decimal("10"), Decimal("19"))],
    )
    return LabelRequest(order, "1", [("1", 1)], 1000, ship_from=origin)


async def run_test(args: argparse.Namespace) -> int:
    async with open_runtime(args) as rt:
        carrier = await dhl_carrier(args.name, rt.box)
        problems = await profile_problem_list()
        try:
            await carrier.check(_sample(ship_from(rt.settings)))
            ok, summary = True, f"{args.name}: DHL accepts a test parcel (validate only)."
        except PackdeskError as exc:
            ok, summary = False, f"{args.name}: {exc}"
    ok = ok and not problems
    lines = [
        f"profile {p} names carrier(s) not set up: {', '.join(m)}" for p, m in problems.items()
    ]
    if args.json:
        print_json({"ok": ok, "summary": summary, "profiles": problems})
    else:
        print(("OK  " if ok else "FAILED  ") + summary)
        for line in lines:
            print("    " + line)
    return 0 if ok else 1


async def run_closeout(args: argparse.Namespace) -> int:
    from core.carriers.closeout import close_day_of

    async with open_runtime(args) as rt:
        day = await close_day_of(args.name, rt.box)
    print(day.sentence())
    return 0


async def run_cancel(args: argparse.Namespace) -> int:
    from core.carriers.packages import cancel_label

    async with open_runtime(args) as rt:
        carrier = await carrier_of_package(args.package_id, rt.box)
        result = await cancel_label(args.package_id, carrier, actor="cli")
    print(f"Label {result.tracking_number} cancelled; the order is {result.order_status} again.")
    return 0


async def run_clear_pending(args: argparse.Namespace) -> int:
    from core.carriers.crash_guard import clear_pending

    async with open_runtime(args):
        cleared = await clear_pending(args.package_id)
    if not cleared:
        raise UserInputError(f"Package {args.package_id} is not waiting on an unsure purchase.")
    print(f"Package {args.package_id}: cleared — retry its label job in the outbox monitor.")
    return 0


def parse_rule(text: str) -> dict[str, Any]:
    """``dhl:1000@DE,AT`` → {carrier, max_weight_g, countries}."""
    head, _, countries = text.partition("@")
    carrier, _, limit = head.partition(":")
    rule: dict[str, Any] = {"carrier": carrier.strip()}
    if limit.strip():
        if not limit.strip().isdigit():
            raise UserInputError(f"--rule {text!r}: the weight limit is whole grams, e.g. dhl:1000")
        rule["max_weight_g"] = int(limit)
    if countries.strip():
        rule["countries"] = [c.strip().upper() for c in countries.split(",") if c.strip()]
    return rule


async def run_profiles_set(args: argparse.Namespace) -> int:
    rules = [parse_rule(r) for r in args.rule]
    async with open_runtime(args):
        await set_profile_carrier(args.name, args.carrier, rules)
    print(
        f"Profile {args.name}: carrier {args.carrier}"
        + (f", {len(rules)} rule(s)" if rules else "")
    )
    return 0


async def run_profiles_list(args: argparse.Namespace) -> int:
    async with open_runtime(args):
        data = await profile_list()
    if args.json:
        print_json(data)
        return 0
    print_table(
        ["name", "process", "channel", "carrier", "rules", "not set up"],
        [
            (
                d["name"],
                d["process"],
                d["channel"] or "",
                d["carrier"],
                json.dumps(d["rules"]),
                ",".join(d["not_set_up"]),
            )
            for d in data
        ],
    )
    return 0
