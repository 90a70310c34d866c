"""`packdesk packers list|add|set-pin|deactivate` — who may sign in at the desks."""

from __future__ import annotations

import argparse
import getpass
import os
import sys

from console.cli.output import print_json, print_table
from console.runtime import open_runtime
from core.domain.people import Role
from core.errors import UserInputError
from core.services import people, pins

PIN_ENV = "PACKDESK_PACKER_PIN"  # for scripts; a person is asked instead


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    packers = sub.add_parser("packers", help="packers and supervisors: badges and PINs")
    packers_sub = packers.add_subparsers(dest="packers_command", metavar="ACTION")
    ls = packers_sub.add_parser("list", help="who may sign in")
    ls.add_argument("--all", action="store_true", help="include deactivated people")
    ls.add_argument("--json", action="store_true")
    ls.set_defaults(handler=run_list)
    add = packers_sub.add_parser("add", help="a new packer or supervisor")
    add.add_argument("name")
    add.add_argument("--badge", required=True, help="the code on the badge they scan")
    add.add_argument("--role", choices=[r.value for r in Role], default=Role.PACKER.value)
    add.add_argument("--language", default="", help="en or de (default: the station's)")
    add.add_argument("--pin", action="store_true", help=f"ask for a PIN (or read ${PIN_ENV})")
    add.set_defaults(handler=run_add)
    pin = packers_sub.add_parser("set-pin", help="set or change a PIN")
    pin.add_argument("name")
    pin.set_defaults(handler=run_set_pin)
    off = packers_sub.add_parser("deactivate", help="no more sign-ins; history stays")
    off.add_argument("name")
    off.set_defaults(handler=run_deactivate)
    unlock = packers_sub.add_parser("unlock", help="lift PIN lockouts after wrong PINs")
    unlock.add_argument("name", nargs="?", default="", help="the packer at the desk (default: all)")
    unlock.set_defaults(handler=run_unlock)


def _pin() -> str:
    if env := os.environ.get(PIN_ENV):
        return env
    if not sys.stdin.isatty():
        raise UserInputError(f"No terminal to ask for the PIN; set {PIN_ENV}.")
    first = getpass.getpass("PIN (4 to 12 digits): ")
    if getpass.getpass("Again: ") != first:
        raise UserInputError("The two PINs differ; nothing changed.")
    return first


async def run_list(args: argparse.Namespace) -> int:
    async with open_runtime(args):
        found = await people.list_packers(include_inactive=args.all)
    if args.json:
        print_json([{"name": p.name, "badge": p.badge, "role": p.role.value,
                     "language": p.language, "active": p.active} for p in found])  # fmt: skip
    else:
        print_table(["name", "badge", "role", "language", "active"],
                    [(p.name, p.badge, p.role.value, p.language, p.active) for p in found])  # fmt: skip
    return 0


async def run_add(args: argparse.Namespace) -> int:
    role = Role(args.role)
    pin = _pin() if args.pin or role is Role.SUPERVISOR else ""
    async with open_runtime(args):
        packer = await people.add_packer(args.name, args.badge, role=role,
                                         language=args.language, pin=pin, actor="cli")  # fmt: skip
    print(f"Added {packer.role.value} {packer.name} (badge {packer.badge}).")
    return 0


async def run_set_pin(args: argparse.Namespace) -> int:
    pin = _pin()
    async with open_runtime(args):
        await people.set_pin(args.name, pin, actor="cli")
    print(f"PIN set for {args.name}.")
    return 0


async def run_deactivate(args: argparse.Namespace) -> int:
    async with open_runtime(args):
        done = await people.deactivate(args.name, actor="cli")
    print(
        f"{args.name} can no longer sign in; {done.sessions_ended} desk session(s) ended, "
        f"{len(done.orders_released)} order(s) back in the queue."
    )
    return 0


async def run_unlock(args: argparse.Namespace) -> int:
    async with open_runtime(args):
        cleared = await pins.clear_lockouts(args.name, actor="cli")
    print(f"Lifted {cleared} PIN lockout(s).")
    return 0
