"""`packdesk console` (also plain `packdesk`), `packdesk web`, and the SSH server and demo commands."""

from __future__ import annotations

import argparse
import os
import shlex
import signal
import sys

from console.i18n import use_language
from console.runtime import open_runtime, settings_from

SESSION_KIND_ENV = "PACKDESK_SESSION_KIND"  # set to "web" for consoles started for a browser


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    from console.cli import demo_cmd, ssh_cmd

    p = sub.add_parser("console", help="open the packing console (the default command)")
    p.add_argument("--station", help="this desk's name (default: config `station`)")
    p.add_argument("--packer", help=argparse.SUPPRESS)  # set by the SSH server: the key's packer
    p.add_argument("--no-sync", action="store_true", help="do not run the sync inside the console")
    p.set_defaults(handler=run_console)
    # A bare `packdesk` opens the console: the sub-parsers' group shares the parser's defaults.
    sub.container.set_defaults(default_handler=run_console)  # type: ignore[attr-defined]

    web = sub.add_parser("web", help="serve the console to a browser (token; TLS beyond localhost)")
    web.add_argument("--host", default="127.0.0.1", help="beyond localhost needs --tls-cert/key")
    web.add_argument("--tls-cert", help="certificate (PEM) for https")
    web.add_argument("--tls-key", help="its private key (PEM)")
    web.add_argument(
        "--no-token",
        action="store_true",
        help="localhost only: no access token (a reverse proxy does the login)",
    )
    web.add_argument("--port", type=int, default=8000)
    web.add_argument("--station", help="this desk's name (default: config `station`)")
    web.set_defaults(handler=run_web)
    ssh_cmd.register(sub)
    demo_cmd.register(sub)


def hang_up_ends_the_console() -> None:
    """A hang-up ends this console, even when it was started with hang-ups ignored (nohup, a
    service manager): its terminal is gone, and Textual would read the dead terminal's EOF in a
    loop while its screen writes wait forever. Every scan is stored with the claim when it is
    made, so the next sign-in at this desk resumes the order."""
    signal.signal(signal.SIGHUP, signal.SIG_DFL)


async def run_console(args: argparse.Namespace) -> int:
    """Open the console for this station until the packer quits."""
    settings = settings_from(args)
    station = getattr(args, "station", None)
    if station:
        settings = settings.model_copy(update={"station": station})
    use_language(settings.language)
    from console.app import PackdeskApp
    from console.logfile import log_to_file
    from console.services import station_services

    log_to_file(settings.resolved_data_dir / "logs" / f"console-{settings.station}.log")

    no_sync = getattr(args, "no_sync", False)
    async with open_runtime(settings=settings) as rt:
        from core.services.setup import ensure_basics

        await ensure_basics(rt.settings.station)
        sync = False if no_sync else None
        async with station_services(rt, sync=sync, defer_sync=True) as services:
            # The session row says where the packer is (deactivation ends it there too).
            services.backend.session_kind = (
                "ssh"
                if getattr(args, "packer", None)
                else os.environ.get(SESSION_KIND_ENV, "local")
            )
            app = PackdeskApp(
                services.backend,
                fixed_packer=getattr(args, "packer", None),
                hint=os.environ.get("PACKDESK_CONSOLE_HINT", ""),
            )
            hang_up_ends_the_console()
            async with services.running(after=app.shown):  # the sync once sign-in is drawn
                await app.run_async()
    return 0


def console_command(
    config: str | None = None, station: str | None = None, packer: str | None = None
) -> list[str]:
    """The argv that starts one console process (for the SSH server and the browser)."""
    argv = [sys.executable, "-m", "console.cli"]
    if config:
        argv += ["--config", config]
    argv.append("console")
    if station:
        argv += ["--station", station]
    if packer:
        argv += ["--packer", packer]
    return argv


def run_web(args: argparse.Namespace) -> int:
    """Serve the console through textual-serve: one console process per browser tab (console/web.py)."""
    from pathlib import Path

    from console.web import (
        TOKEN_ENV,
        TOKEN_FILE,
        GuardedServer,
        access_token,
        check_exposure,
        tls_context,
    )

    cert = Path(args.tls_cert) if args.tls_cert else None
    key = Path(args.tls_key) if args.tls_key else None
    check_exposure(args.host, cert, key, token=not args.no_token)
    settings = settings_from(args)
    token = None if args.no_token else access_token(settings.resolved_data_dir)
    tls = tls_context(cert, key) if cert and key else None
    command = f"{SESSION_KIND_ENV}=web " + shlex.join(console_command(args.config, args.station))
    scheme = "https" if tls else "http"
    if token:
        print(f"Open {scheme}://{args.host}:{args.port}/?token=<the access token> at the desk; the "
              f"token is in ${TOKEN_ENV} or {settings.resolved_data_dir / TOKEN_FILE}.")  # fmt: skip
    else:
        print(f"Serving {scheme}://{args.host}:{args.port}/ without a token (localhost only).")
    GuardedServer(command, host=args.host, port=args.port, token=token, tls=tls).serve()
    return 0
