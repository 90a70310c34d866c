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
    "console.cli.sync",
    "console.cli.threepl",
)


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(2, f"packdesk: {message}\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="packdesk", description="Warehouse console for Amazon sellers.")
    parser.add_argument("--version", action="version", version=f"packdesk {__version__}")
    parser.add_argument("--config", help="config file (default: PACKDESK_CONFIG or the user dir)")
    parser.add_argument("--debug", action="store_true", help="show tracebacks and debug logs")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for name in COMMAND_MODULES:
        import_module(name).register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
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
