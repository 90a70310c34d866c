"""`packdesk accounts import|list|test|add` against the emulator, as a shell user meets them:
one line per outcome, a diagnosis a seller understands, exit codes, and never a secret shown."""

from __future__ import annotations

import asyncio
import json
import os
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.support.processes import finished

pytestmark = pytest.mark.network
ROOT = Path(__file__).resolve().parents[2]
CLI = (
    "import sys, console.cli as c; c.COMMAND_MODULES = ('console.cli.accounts',); "
    "sys.exit(c.main(sys.argv[1:]))"
)


class Shell:
    """Runs `packdesk accounts …` in a subprocess with its own config and data dir."""

    def __init__(self, tmp: Path, secrets: list[str]) -> None:
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("PACKDESK_")}
        self.env.update(
            PACKDESK_CONFIG=str(tmp / "config.toml"),
            PACKDESK_DATA_DIR=str(tmp / "data"),
            PYTHONPATH=str(ROOT),
        )
        (tmp / "config.toml").write_text("")
        self.secrets = secrets
        self.seen = ""

    async def __call__(self, *args: str, **env: str) -> tuple[int, str, str]:
        proc = await asyncio.create_subprocess_exec(
            sys.executable,
            "-c",
            CLI,
            "accounts",
            *args,
            env={**self.env, **env},
            cwd=ROOT,
            stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        out, err = await finished(proc, 60)
        self.seen += out.decode() + err.decode()
        assert proc.returncode is not None
        return proc.returncode, out.decode(), err.decode()


def _database_bytes(tmp: Path) -> bytes:
    """The SQLite file with its journal: what a stolen disk would show."""
    return b"".join(p.read_bytes() for p in sorted((tmp / "data").glob("packdesk.sqlite3*")))


def _secrets(credentials: dict[str, Any]) -> list[str]:
    return [credentials["client_secret"]] + [a["refresh_token"] for a in credentials["accounts"]]


async def test_import_list_and_test_against_the_emulator(emu, tmp_path):
    creds = emu.credentials
    sh = Shell(tmp_path, _secrets(creds))
    path = tmp_path / "emu.credentials"
    path.write_text(json.dumps(creds))
    names = [a["name"] for a in creds["accounts"]]

    code, out, err = await sh("import", str(path))
    assert code == 0, err
    assert out.strip() == f"Imported 2 account(s): {', '.join(names)}"

    code, out, _ = await sh("list", "--json")
    listed = json.loads(out)
    assert code == 0 and sorted(a["name"] for a in listed) == sorted(names)
    first = next(a for a in listed if a["name"] == names[0])
    assert first["seller_id"] == creds["accounts"][0]["seller_id"]
    assert first["marketplace_ids"] == creds["accounts"][0]["marketplace_ids"]
    assert first["endpoint"] == creds["endpoint"] and first["health"] == "unknown"

    code, out, err = await sh("test", names[0])
    assert code == 0, out + err
    assert out.startswith("OK  Amazon accepts this account")

    emu.set_faults("invalid_grant")  # the seller revoked Packdesk in Seller Central
    code, out, err = await sh("test", names[0])
    emu.set_faults(None)
    assert code == 1 and "Traceback" not in out + err
    assert "no longer accepts this account's authorization" in out
    assert "Authorize Packdesk again in Seller Central" in out

    code, out, _ = await sh("list", "--json")
    health = {a["name"]: (a["health"], a["health_reason"]) for a in json.loads(out)}
    assert health[names[0]][0] == "failing" and "authorization" in health[names[0]][1]

    code, _, err = await sh("test", "nobody")
    assert code == 2 and "No account named 'nobody'" in err

    stored = _database_bytes(tmp_path)
    assert creds["accounts"][0]["seller_id"].encode() in stored
    for secret in sh.secrets:
        assert secret not in sh.seen
        assert secret.encode() not in stored


async def test_add_with_flags_and_secrets_from_the_environment(emu, tmp_path):
    creds = emu.credentials
    sh = Shell(tmp_path, _secrets(creds))
    seller = creds["accounts"][1]
    flags = [
        "add",
        "--name",
        "Lager Süd",
        "--seller-id",
        seller["seller_id"],
        "--region",
        "eu",
        "--marketplace",
        ",".join(seller["marketplace_ids"]),
        "--client-id",
        creds["client_id"],
        "--endpoint",
        creds["endpoint"],
        "--lwa-url",
        creds["lwa_url"],
    ]

    code, out, err = await sh(*flags)  # no secret anywhere, no terminal to ask on
    assert code == 2 and "PACKDESK_LWA_CLIENT_SECRET" in err and err.count("\n") == 1

    secrets = {
        "PACKDESK_LWA_CLIENT_SECRET": creds["client_secret"],
        "PACKDESK_LWA_REFRESH_TOKEN": seller["refresh_token"],
    }
    code, out, err = await sh(*flags, **secrets)
    assert code == 0, err
    assert "Account Lager Süd saved (credentials encrypted)" in out

    code, out, _ = await sh("list", "--json")
    [row] = json.loads(out)
    assert (row["name"], row["seller_id"], row["marketplace_ids"]) == (
        "Lager Süd",
        seller["seller_id"],
        seller["marketplace_ids"],
    )
    code, out, err = await sh("test", "Lager Süd")
    assert code == 0 and out.startswith("OK"), out + err

    stored = _database_bytes(tmp_path)
    assert seller["seller_id"].encode() in stored
    for secret in sh.secrets:
        assert secret not in sh.seen
        assert secret.encode() not in stored


async def test_subscribe_sets_up_destination_and_subscriptions_and_says_what_aws_needs(
    emu, tmp_path
):
    creds = emu.credentials
    sh = Shell(tmp_path, _secrets(creds))
    path = tmp_path / "emu.credentials"
    path.write_text(json.dumps(creds))
    name = creds["accounts"][0]["name"]
    assert (await sh("import", str(path)))[0] == 0

    code, _, err = await sh("subscribe", name)
    assert code == 2 and "queue_url" in err and "Traceback" not in err

    queue = "https://sqs.eu-west-1.amazonaws.com/123456789012/packdesk"
    code, out, err = await sh("subscribe", name, PACKDESK_AWS_QUEUE_URL=queue)
    assert code == 0, err
    arn = "arn:aws:sqs:eu-west-1:123456789012:packdesk"
    assert f"→ {arn}" in out
    assert "subscribed: ORDER_CHANGE" in out and "subscribed: FEED_PROCESSING_FINISHED" in out
    assert "arn:aws:iam::437568002678:root" in out and "sqs:SendMessage" in out
    notes = emu.runtime.notifications
    assert [d["resource"]["sqs"]["arn"] for d in notes.destinations.values()] == [arn]
    seller = creds["accounts"][0]["seller_id"]
    assert {s.notification_type for s in notes.subscriptions.values() if s.seller_id == seller} == {
        "ORDER_CHANGE",
        "FEED_PROCESSING_FINISHED",
        "LISTINGS_ITEM_ISSUES_CHANGE",
    }

    emu.advance(60)  # the frozen clock: let the usage plans (1 req/s, burst 5) refill
    code, out, err = await sh("subscribe", name, PACKDESK_AWS_QUEUE_URL=queue)  # safe to repeat
    assert code == 0 and "already subscribed: ORDER_CHANGE" in out, err
    assert len(notes.destinations) == 1 and len(notes.subscriptions) == 3
    for secret in sh.secrets:
        assert secret not in sh.seen
