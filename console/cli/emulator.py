"""`packdesk emulator` — run the local Amazon SP-API emulator until Ctrl-C."""

from __future__ import annotations

import argparse
import asyncio
import json
import os
from pathlib import Path

from core.channels.amazon.emulator import FaultSpecError, models_dir, run_emulator
from core.channels.amazon.emulator.faults import parse_spec
from core.errors import UserInputError


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = sub.add_parser("emulator", help="run a local Amazon SP-API emulator")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8700)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--accounts", type=int, default=2, help="seller accounts (1-50)")
    parser.add_argument("--orders", type=int, default=60, help="orders over the last days")
    parser.add_argument(
        "--time-scale", type=float, default=1.0, help="emulated seconds per real second"
    )
    parser.add_argument("--faults", help="e.g. '429:op=searchOrders:rate=0.3,500:count=2'")
    parser.add_argument(
        "--sandbox", action="store_true", help="answer Amazon's static sandbox examples"
    )
    parser.add_argument(
        "--sqs-endpoint",
        metavar="URL",
        help="send subscribed notifications to SQS queues at this endpoint (e.g. moto_server)",
    )
    parser.add_argument(
        "--write-credentials",
        metavar="FILE",
        help="write endpoint, LWA client and accounts as JSON",
    )
    parser.set_defaults(handler=run)


def _check(args: argparse.Namespace) -> None:
    if not 0 <= args.port <= 65535:
        raise UserInputError(f"--port {args.port} is not a TCP port; use 0-65535")
    if not 1 <= args.accounts <= 50:
        raise UserInputError(f"--accounts {args.accounts} is out of range; use 1-50")
    if args.orders < 0:
        raise UserInputError("--orders must not be negative")
    if args.time_scale <= 0:
        raise UserInputError("--time-scale must be greater than 0")
    try:
        parse_spec(args.faults)
    except FaultSpecError as exc:
        raise UserInputError(f"--faults: {exc}") from None
    if args.sandbox and not models_dir().is_dir():
        raise UserInputError(
            f"--sandbox needs Amazon's models in {models_dir()}; set PACKDESK_SPAPI_MODELS"
        )


def _write_private(path: Path, text: str) -> None:
    """Write a file only its owner can read: refresh tokens and the client secret are in it."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text)
    os.chmod(path, 0o600)


async def run(args: argparse.Namespace) -> int:
    """Serve until interrupted."""
    _check(args)
    try:
        async with run_emulator(
            seed=args.seed,
            accounts=args.accounts,
            orders=args.orders,
            time_scale=args.time_scale,
            faults=args.faults,
            sandbox=args.sandbox,
            host=args.host,
            port=args.port,
            sqs_endpoint=args.sqs_endpoint,
        ) as emu:
            if args.write_credentials:
                path = Path(args.write_credentials)
                await asyncio.to_thread(
                    _write_private, path, json.dumps(emu.credentials, indent=2) + "\n"
                )
                print(f"credentials written to {path}")
            print(
                f"Amazon SP-API emulator listening on {emu.url} (LWA: {emu.url}/auth/o2/token, state: {emu.url}/_emulator/state)",
                flush=True,
            )
            print(f"DHL Parcel DE emulator on {emu.url}/parcel/de/shipping/v2/", flush=True)
            await asyncio.Event().wait()
    except OSError as exc:
        raise UserInputError(
            f"cannot listen on {args.host}:{args.port}: {exc.strerror or exc}"
        ) from None
    return 0
