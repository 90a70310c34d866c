"""`accounts add` checks region × marketplace up front and says what is wrong.

Before, any region and any string were stored; the mistake showed only at the first sync, as a 403
from the wrong regional endpoint.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from core.channels.amazon.marketplaces import MARKETPLACES, marketplace_problems

ROOT = Path(__file__).resolve().parents[2]


def test_every_marketplace_has_a_known_region() -> None:
    assert {region for _, region in MARKETPLACES.values()} == {"eu", "na", "fe"}
    assert MARKETPLACES["A1PA6795UKMFR9"] == ("DE", "eu")
    assert MARKETPLACES["ATVPDKIKX0DER"] == ("US", "na")
    assert MARKETPLACES["A1VC38T7YXB528"] == ("JP", "fe")


def test_problems_name_the_marketplace_and_the_fix() -> None:
    assert marketplace_problems("eu", ["A1PA6795UKMFR9", "A13V1IB3VIYZZH"]) == []
    wrong = marketplace_problems("eu", ["ATVPDKIKX0DER"])
    assert wrong == [
        "marketplace ATVPDKIKX0DER (US) belongs to region na, not eu: "
        "use --region na, or one account per region"
    ]
    assert "did you mean A1PA6795UKMFR9" in marketplace_problems("eu", ["de"])[0]
    assert "not an Amazon marketplace id" in marketplace_problems("eu", ["X123"])[0]
    assert marketplace_problems("us", ["ATVPDKIKX0DER"])[0].startswith("region 'us' must be")


def _add(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PACKDESK_")}
    (tmp_path / "config.toml").write_text("")
    env.update(
        PACKDESK_CONFIG=str(tmp_path / "config.toml"),
        PACKDESK_DATA_DIR=str(tmp_path / "data"),
        PACKDESK_LWA_CLIENT_SECRET="amzn1.oa2-cs.v1.x",
        PACKDESK_LWA_REFRESH_TOKEN="Atzr|x",
    )
    return subprocess.run(
        [sys.executable, "-m", "console.cli", "accounts", "add", "--name", "shop",
         "--seller-id", "A1SELLER", "--client-id", "amzn1.application-oa2-client.x", *args],
        env=env, cwd=ROOT, capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL,
    )  # fmt: skip


@pytest.mark.parametrize(
    ("region", "market", "says"),
    [
        ("eu", "ATVPDKIKX0DER", "belongs to region na, not eu"),
        ("na", "A1PA6795UKMFR9", "belongs to region eu, not na"),
        ("eu", "amazon.de", "'amazon.de' is not an Amazon marketplace id"),
    ],
)
def test_accounts_add_refuses_a_mismatch_in_one_line(tmp_path, region, market, says) -> None:
    done = _add(tmp_path, "--region", region, "--marketplace", market)
    assert done.returncode == 2, done.stderr
    assert says in done.stderr and done.stderr.count("\n") == 1


def test_accounts_add_takes_a_matching_pair(tmp_path) -> None:
    done = _add(tmp_path, "--region", "eu", "--marketplace", "A1PA6795UKMFR9,A13V1IB3VIYZZH")
    assert done.returncode == 0, done.stderr
    assert "Account shop saved" in done.stdout
