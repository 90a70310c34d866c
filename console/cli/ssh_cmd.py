"""`packdesk ssh-server [--port 2222]`: the console over SSH, public keys only."""

from __future__ import annotations

import argparse
import asyncio
import signal
from contextlib import suppress
from pathlib import Path

from console.runtime import settings_from


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("ssh-server", help="serve the console over SSH (public keys only)")
    p.add_argument("--host", default="0.0.0.0")
    p.add_argument("--port", type=int, default=2222)
    p.add_argument(
        "--authorized-keys",
        help="file of 'PACKER KEYTYPE KEY' lines (default: ssh_authorized_keys in the data dir)",
    )
    p.add_argument("--host-key", help="server key (default: ssh_host_ed25519_key in the data dir)")
    p.add_argument("--idle-timeout", type=float, default=900, help="seconds (default 900)")
    p.set_defaults(handler=run_ssh_server)


async def run_ssh_server(args: argparse.Namespace) -> int:
    from console.cli.console_cmd import console_command
    from console.ssh.keys import load_authorized_keys
    from console.ssh.server import start_server

    settings = settings_from(args)
    data = settings.resolved_data_dir
    keys_file = Path(args.authorized_keys) if args.authorized_keys else data / "ssh_authorized_keys"
    keys = load_authorized_keys(keys_file)
    acceptor = await start_server(
        host=args.host,
        port=args.port,
        host_key=Path(args.host_key) if args.host_key else data / "ssh_host_ed25519_key",
        keys=keys,
        command_for=lambda who: console_command(
            args.config, who.partition("@")[2] or None, who.partition("@")[0]
        ),
        idle_timeout_s=args.idle_timeout,
    )
    print(f"Packdesk SSH on {args.host}:{args.port} — {len(keys)} key(s) from {keys_file}")
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with suppress(NotImplementedError):
            loop.add_signal_handler(sig, stop.set)
    await stop.wait()
    acceptor.close()
    await acceptor.wait_closed()
    return 0
