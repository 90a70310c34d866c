"""The ``packdesk`` command line: one module per command group, each with ``register(subparsers)``.

Exit codes: 0 ok, 1 the work failed, 2 bad input (arguments, config, unknown ids). A person sees one
line on stderr, never a traceback, unless ``--debug`` is given.
"""

from __future__ import annotations

import argparse
import asyncio
import inspect
import logging
import sys
from collections.abc import Sequence
from importlib import import_module

from core import __version__
from core.errors import PackdeskError, UserInputError

# Each module adds its sub-commands; order is the order of `packdesk --help`.
COMMAND_MODULES = (
    "console.cli.console_cmd",
    "console.cli.setup",
    "console.cli.orders",
    "console.cli.packers",
    "console.cli.documents",
    "console.cli.printers",
    "console.cli.emulator",
    "console.cli.accounts",
    "console.cli.carriers",
    "console.cli.articles",
    "console.cli.sync",
    "console.cli.threepl",
    "console.cli.secrets",
    "console.cli.maintenance",
    "console.cli.service_cmd",
)


# The top-level commands, their module and the line `packdesk --help` shows. Only the module of
# the command being run is imported: `--version` and `--help` must not pay for the ORM, the emulator
# and Factur-X (reference: 1.7 s of CPU before, ≤ 0.3 s now). A module in COMMAND_MODULES that
# names none of its commands here is still imported for every run, so new commands get a line here.
LAZY_COMMANDS: dict[str, tuple[str, str]] = {
    "console": ("console.cli.console_cmd", "open the packing console (the default command)"),
    "web": (
        "console.cli.console_cmd",
        "serve the console to a browser (token; TLS beyond localhost)",
    ),
    "ssh-server": ("console.cli.console_cmd", "serve the console over SSH (public keys only)"),
    "demo": (
        "console.cli.console_cmd",
        "a whole warehouse on this machine: emulator, printers, console",
    ),
    "init": (
        "console.cli.setup",
        "create config, data dir, database and the basics (idempotent)",
    ),
    "db": ("console.cli.setup", "database maintenance"),
    "config": ("console.cli.setup", "show the effective configuration"),
    "purge-personal-data": (
        "console.cli.setup",
        "remove buyer data kept longer than the policy allows",
    ),
    "orders": ("console.cli.orders", "list and inspect orders"),
    "packers": ("console.cli.packers", "packers and supervisors: badges and PINs"),
    "documents": ("console.cli.documents", "invoices, delivery notes and credit notes"),
    "printers": ("console.cli.printers", "configured printers, their status, test pages"),
    "emulator": ("console.cli.emulator", "run a local Amazon SP-API emulator"),
    "accounts": ("console.cli.accounts", "Amazon accounts: add, import, list, test"),
    "carriers": (
        "console.cli.carriers",
        "carrier contracts (DHL): list, import, test, closeout, cancel",
    ),
    "articles": ("console.cli.articles", "article weights and customs data for labels"),
    "profiles": ("console.cli.carriers", "fulfilment profiles: list, set carrier"),
    "holds": ("console.cli.holds", "hold reasons: the desk sheet with their barcodes"),
    "listings": ("console.cli.listings", "Amazon listings: pushed stock, Amazon's answers"),
    "sync": ("console.cli.sync", "sync orders, shipments, stock and listings with Amazon"),
    "3pl": ("console.cli.threepl", "fulfilment providers: export orders, import tracking"),
    "secrets": ("console.cli.secrets", "the secret key: check sealed data, rotate the key"),
    "backup": (
        "console.cli.maintenance",
        "copy the database to FILE while it runs (SQLite: online backup; pg_dump)",
    ),
    "restore": (
        "console.cli.maintenance",
        "replace the database by a backup made with this key",
    ),
    "service": ("console.cli.service_cmd", "run sync and the SSH server as systemd services"),
}
DEFAULT_COMMAND = "console"


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(2, f"packdesk: {message}\n")


def _chosen_command(argv: Sequence[str]) -> str | None:
    """The command word in argv (skipping global options and --config's value), or None."""
    skip = False
    for word in argv:
        if skip:
            skip = False
        elif word == "--config":
            skip = True
        elif word == "--" or not word.startswith("-"):
            return None if word == "--" else word
    return None


def build_parser(argv: Sequence[str] | None = None) -> argparse.ArgumentParser:
    """The parser for argv: the chosen command's module registers itself, the rest are names.

    Without argv (tests, documentation) every module registers, as before.
    """
    parser = _Parser(prog="packdesk", description="Warehouse console for Amazon sellers.")
    parser.add_argument("--version", action="version", version=f"packdesk {__version__}")
    parser.add_argument("--config", help="config file (default: PACKDESK_CONFIG or the user dir)")
    parser.add_argument("--debug", action="store_true", help="show tracebacks and debug logs")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    lazy_modules = {module for module, _ in LAZY_COMMANDS.values()}
    if argv is None:
        wanted = set(COMMAND_MODULES) | lazy_modules
    else:
        words = list(argv)
        chosen = _chosen_command(words)
        asks_only = any(w in ("-h", "--help", "--version") for w in words)
        if chosen is None and not asks_only:
            chosen = DEFAULT_COMMAND  # a bare `packdesk` opens the console
        wanted = {m for m in COMMAND_MODULES if m not in lazy_modules}
        if chosen in LAZY_COMMANDS:
            wanted.add(LAZY_COMMANDS[chosen][0])
    for name in (*COMMAND_MODULES, *sorted(lazy_modules - set(COMMAND_MODULES))):
        if name in wanted:
            import_module(name).register(sub)
    for command, (_, help_text) in LAZY_COMMANDS.items():
        if command not in sub.choices:
            sub.add_parser(command, help=help_text)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    words = sys.argv[1:] if argv is None else list(argv)
    parser = build_parser(words)
    args = parser.parse_args(words)
    logging.basicConfig(
        level=logging.DEBUG if args.debug else logging.WARNING,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    # Database drivers log SQL with its parameters at DEBUG; those may carry sealed-but-still
    # personal rows or credentials, so they stay quiet even under --debug.
    if args.debug:
        for name in ("tortoise", "aiosqlite", "asyncpg", "db_client"):
            logging.getLogger(name).setLevel(logging.INFO)
    handler = getattr(args, "handler", None)
    if handler is None:
        default = getattr(args, "default_handler", None)
        if default is None:
            parser.print_help()
            return 2
        handler = default
    try:
        result = handler(args)
        if inspect.iscoroutine(result):
            result = asyncio.run(result)
        return int(result or 0)
    except KeyboardInterrupt:
        return 130
    except UserInputError as exc:
        if args.debug:
            raise
        print(f"packdesk: {exc}", file=sys.stderr)
        return 2
    except PackdeskError as exc:
        if args.debug:
            raise
        print(f"packdesk: {exc}", file=sys.stderr)
        return 1
    except Exception as exc:  # the last net: one line for people, the traceback with --debug
        if args.debug:
            raise
        print(
            f"packdesk: {type(exc).__name__}: {exc} (run with --debug for details)", file=sys.stderr
        )
        return 1


if __name__ == "__main__":
    sys.exit(main())
