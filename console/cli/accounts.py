"""`packdesk accounts add|import|list|test` — Amazon accounts with sealed credentials."""

from __future__ import annotations

import argparse
import getpass
import json
import os
import sys
from collections.abc import Coroutine
from pathlib import Path
from typing import Any

from console.cli.output import print_json, print_table
from console.runtime import open_runtime
from console.wiring import amazon_options
from core.channels.amazon import connector_named
from core.channels.amazon.accounts import (
    diagnose,
    import_credentials,
    list_accounts,
    save_account,
    set_health,
)
from core.channels.amazon.client import Credentials
from core.errors import UserInputError

SECRET_ENV = "PACKDESK_LWA_CLIENT_SECRET"
REFRESH_ENV = "PACKDESK_LWA_REFRESH_TOKEN"


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    accounts = sub.add_parser("accounts", help="Amazon accounts: add, import, list, test")
    acc = accounts.add_subparsers(dest="accounts_command", metavar="ACTION")
    add = acc.add_parser("add", help="add or update an account (secrets from a prompt or env)")
    add.add_argument("--name")
    add.add_argument("--seller-id")
    add.add_argument("--region", choices=["eu", "na", "fe"])
    add.add_argument(
        "--marketplace", action="append", help="marketplace id (repeat or comma-separate)"
    )
    add.add_argument("--client-id")
    add.add_argument("--endpoint", default="", help="SP-API endpoint (default: the region's)")
    add.add_argument("--lwa-url", default="", help="token URL (default: api.amazon.com)")
    add.add_argument("--company", default="default")
    add.set_defaults(handler=run_add)
    imp = acc.add_parser(
        "import", help="import the JSON `packdesk emulator --write-credentials` writes"
    )
    imp.add_argument("file")
    imp.set_defaults(handler=run_import)
    ls = acc.add_parser("list", help="accounts with their health")
    ls.add_argument("--json", action="store_true")
    ls.set_defaults(handler=run_list)
    test = acc.add_parser("test", help="get a token and make one cheap call; explain failures")
    test.add_argument("name")
    test.set_defaults(handler=run_test)
    subscribe = acc.add_parser(
        "subscribe", help="have Amazon send this account's order changes to the [aws] queue"
    )
    subscribe.add_argument("name")
    subscribe.set_defaults(handler=run_subscribe)


def _ask(value: str | None, prompt: str) -> str:
    if value:
        return value
    if not sys.stdin.isatty():
        raise UserInputError(f"{prompt} is required (give it as a flag).")
    return input(f"{prompt}: ").strip()


def _secret(env: str, prompt: str) -> str:
    if value := os.environ.get(env):
        return value
    if not sys.stdin.isatty():
        raise UserInputError(f"{prompt} is required: set {env} or run in a terminal to be asked.")
    return getpass.getpass(f"{prompt}: ").strip()


async def run_add(args: argparse.Namespace) -> int:
    name = _ask(args.name, "Account name")
    seller_id = _ask(args.seller_id, "Seller id (merchant token)")
    region = _ask(args.region, "Region (eu, na, fe)")
    markets = [m.strip() for raw in args.marketplace or [] for m in raw.split(",") if m.strip()]
    if not markets:
        markets = [
            m.strip()
            for m in _ask(None, "Marketplace ids (comma separated)").split(",")
            if m.strip()
        ]
    client_id = _ask(args.client_id, "LWA client id")
    credentials = Credentials(
        client_id, _secret(SECRET_ENV, "LWA client secret"), _secret(REFRESH_ENV, "Refresh token")
    )
    async with open_runtime(args) as rt:
        account = await save_account(
            name,
            seller_id=seller_id,
            region=region,
            marketplace_ids=markets,
            credentials=credentials,
            box=rt.box,
            endpoint=args.endpoint,
            lwa_url=args.lwa_url,
            company=args.company,
        )
    print(
        f"Account {account.name} saved (credentials encrypted). Check it with: packdesk accounts test {account.name}"
    )
    return 0


def run_import(args: argparse.Namespace) -> Coroutine[Any, Any, int]:
    path = Path(args.file)
    try:
        data: Any = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise UserInputError(f"{path}: no such file") from None
    except ValueError as exc:
        raise UserInputError(f"{path}: not valid JSON ({exc})") from None
    if not isinstance(data, dict):
        raise UserInputError(f"{path}: expected a JSON object")
    return _import(args, data)


async def _import(args: argparse.Namespace, data: dict[str, Any]) -> int:
    async with open_runtime(args) as rt:
        accounts = await import_credentials(data, rt.box)
    print(f"Imported {len(accounts)} account(s): {', '.join(a.name for a in accounts)}")
    return 0


async def run_list(args: argparse.Namespace) -> int:
    async with open_runtime(args):
        rows = await list_accounts()
    if args.json:
        print_json(rows)
        return 0
    print_table(
        ["name", "seller", "region", "marketplaces", "health", "why"],
        [
            (
                r["name"],
                r["seller_id"],
                r["region"],
                ",".join(r["marketplace_ids"]),
                r["health"],
                r["health_reason"],
            )
            for r in rows
        ],
    )
    return 0


async def run_test(args: argparse.Namespace) -> int:
    async with open_runtime(args) as rt:
        # probe with the Orders API the sync is configured to use
        connector = await connector_named(args.name, rt.box, options=amazon_options(rt.settings))
        try:
            result = await diagnose(connector)
        finally:
            await connector.close()
        await set_health(connector.account_id, "ok" if result.ok else "failing", result.summary)
    print(("OK  " if result.ok else "FAILED  ") + result.summary)
    if result.advice:
        print("    " + result.advice)
    if result.request_id:
        print(f"    Amazon request id: {result.request_id}")
    return 0 if result.ok else 1


async def run_subscribe(args: argparse.Namespace) -> int:
    from core.sync.subscribe import queue_arn, queue_policy, subscribe

    async with open_runtime(args) as rt:
        if not rt.settings.aws.queue_url:
            raise UserInputError(
                "Set [aws] queue_url (PACKDESK_AWS_QUEUE_URL) to the SQS queue Amazon should use."
            )
        arn = queue_arn(rt.settings.aws.queue_url, rt.settings.aws.region)
        connector = await connector_named(args.name, rt.box)
        try:
            result = await subscribe(connector, arn)
        finally:
            await connector.close()
    print(f"Destination {result.destination_id} → {arn}")
    for kind in result.created:
        print(f"  subscribed: {kind}")
    for kind in result.kept:
        print(f"  already subscribed: {kind}")
    print(
        "In AWS, allow Amazon to send to the queue (SQS → the queue → Access policy):\n"
        + queue_policy(arn)
    )
    print("Then set [sync] notifications = true (PACKDESK_SYNC_NOTIFICATIONS=true) and restart.")
    return 0
