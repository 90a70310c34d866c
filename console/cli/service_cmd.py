"""`packdesk service install --user|--system`: systemd units for `sync` and `ssh-server`.

The units run this very installation (the `packdesk` next to the running Python, i.e. the venv)
with the config file in effect now, restart on failure, and log to the journal: `journalctl
[--user] -u packdesk-sync`, rotated by journald (docs/deploy.md).
"""

from __future__ import annotations

import argparse
import getpass
import os
import shlex
import sys
from pathlib import Path

SERVICES = {
    "packdesk-sync": ("Packdesk sync: orders in; confirmations, stock, invoices out", "sync"),
    "packdesk-ssh": ("Packdesk console over SSH", "ssh-server"),
}
ENV_FILE = "packdesk.env"  # secrets for the services (PACKDESK_SECRET_KEY, ...), mode 0600


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    svc = sub.add_parser("service", help="run sync and the SSH server as systemd services")
    svc_sub = svc.add_subparsers(dest="service_command", metavar="ACTION")
    inst = svc_sub.add_parser("install", help="write systemd units for sync and ssh-server")
    where = inst.add_mutually_exclusive_group(required=True)
    where.add_argument("--user", action="store_true", help="units of this user (systemctl --user)")
    where.add_argument("--system", action="store_true", help="system units in /etc/systemd/system")
    inst.add_argument(
        "--run-as", help="with --system: the account the services run as (default: you)"
    )
    inst.add_argument("--unit-dir", help=argparse.SUPPRESS)  # tests and packagers: write here
    inst.add_argument(
        "--ssh-args", default="", help="extra ssh-server arguments, e.g. '--port 2222'"
    )
    inst.set_defaults(handler=run_install)


def packdesk_command() -> list[str]:
    """How to start this installation: the venv's `packdesk` script, else `python -m console.cli`."""
    script = Path(sys.executable).parent / "packdesk"
    if script.is_file() and os.access(script, os.X_OK):
        return [str(script)]
    return [sys.executable, "-m", "console.cli"]


def unit_text(
    description: str,
    args: list[str],
    *,
    config: Path,
    env_file: Path,
    system: bool,
    run_as: str | None,
) -> str:
    exec_start = shlex.join([*packdesk_command(), "--config", str(config), *args])
    lines = [
        "[Unit]",
        f"Description={description}",
        "After=network-online.target",
        "Wants=network-online.target",
        "",
        "[Service]",
        "Type=simple",
        f"ExecStart={exec_start}",
        # Secrets stay out of the unit: an optional file only its owner can read.
        f"EnvironmentFile=-{env_file}",
        "Environment=PYTHONUNBUFFERED=1",
        "Restart=on-failure",
        "RestartSec=10",
        # SIGTERM lets sync finish the job in hand; outbox jobs are idempotent either way.
        "KillSignal=SIGTERM",
        "TimeoutStopSec=60",
    ]
    if system:
        lines += [f"User={run_as}", "NoNewPrivileges=yes", "ProtectSystem=full", "PrivateTmp=yes"]
    lines += [
        "",
        "[Install]",
        f"WantedBy={'multi-user.target' if system else 'default.target'}",
        "",
    ]
    return "\n".join(lines)


def run_install(args: argparse.Namespace) -> int:
    from console.runtime import settings_from
    from core.config import config_path
    from core.errors import UserInputError

    settings = settings_from(args)
    config = config_path(args.config).resolve()
    if not config.exists():
        raise UserInputError(f"no config at {config}: run `packdesk init` first")
    if args.unit_dir:
        unit_dir = Path(args.unit_dir)
    elif args.system:
        unit_dir = Path("/etc/systemd/system")
    else:
        base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
        unit_dir = Path(base) / "systemd" / "user"
    run_as = args.run_as or getpass.getuser()
    env_file = config.parent / ENV_FILE
    try:
        unit_dir.mkdir(parents=True, exist_ok=True)
        written = []
        for name, (description, command) in SERVICES.items():
            extra = shlex.split(args.ssh_args) if command == "ssh-server" else []
            path = unit_dir / f"{name}.service"
            path.write_text(
                unit_text(
                    description,
                    [command, *extra],
                    config=config,
                    env_file=env_file,
                    system=args.system,
                    run_as=run_as,
                ),
                encoding="utf-8",
            )
            written.append(path)
    except PermissionError as exc:
        raise UserInputError(f"cannot write {exc.filename}: --system needs root (sudo)") from None
    for path in written:
        print(f"Wrote {path}")
    ctl = "systemctl" if args.system else "systemctl --user"
    journal = "journalctl" if args.system else "journalctl --user"
    print(f"Secrets:   {env_file} (optional, chmod 600), e.g. PACKDESK_SECRET_KEY=…")
    print(f"Next:      {ctl} daemon-reload && {ctl} enable --now packdesk-sync packdesk-ssh")
    print(f"Logs:      {journal} -u packdesk-sync -f")
    if not args.system:
        print(f"Boot:      loginctl enable-linger {run_as}   (user services without a login)")
    del settings  # loaded only to validate the config before units point at it
    return 0
