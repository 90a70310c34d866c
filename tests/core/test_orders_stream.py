"""`orders list --json` streams: the same JSON as before, and flat memory at 100,000 orders.

Before, the CLI built every row as an ORM object and the list as one document: 20–27 s of CPU and
458 MB for 100,000 orders. Its CPU against `sqlite3 -json` for the same rows (target ≤ 5×) is a
speed target, so `python -m bench cli` measures it; a test on a loaded machine could only guess.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import sys
from pathlib import Path

import pytest

from console.cli.output import print_json, write_json_stream
from core.security import SecretBox
from core.services.intake import upsert_orders
from core.services.order_stream import stream_orders
from core.services.queries import list_orders
from tests.support.factories import make_account, make_orders
from tests.support.order_volume import ORDERS, hundred_thousand_orders, measured

ROOT = Path(__file__).resolve().parents[2]
KEY = SecretBox.generate_key()


async def _streamed_text(**filters: object) -> str:
    out = io.StringIO()
    buffer = io.BytesIO()
    out.buffer = buffer  # type: ignore[attr-defined]
    with contextlib.redirect_stdout(out):
        await write_json_stream(stream_orders(**filters))  # type: ignore[arg-type]
    return buffer.getvalue().decode()


@pytest.mark.parametrize(
    "filters",
    [{}, {"status": "open"}, {"channel": "afn"}, {"account": "other"}, {"account": "nobody"}],
)
async def test_stream_prints_exactly_what_the_list_printed(db: str, filters: dict) -> None:
    box = SecretBox(SecretBox.generate_key())
    main = await make_account("main")
    other = await make_account("other")
    await upsert_orders(main, make_orders(40, main, seed=3), box)
    await upsert_orders(other, make_orders(7, other, seed=4), box)
    before = io.StringIO()
    with contextlib.redirect_stdout(before):
        print_json([o.to_json() for o in await list_orders(limit=10_000, **filters)])
    assert await _streamed_text(**filters) == before.getvalue()


async def test_stream_of_nothing_is_an_empty_list(db: str) -> None:
    assert json.loads(await _streamed_text()) == []


@pytest.mark.slow
def test_hundred_thousand_orders_stream_in_flat_memory(
    tmp_path: Path, sqlite_template: Path
) -> None:
    path = hundred_thousand_orders(tmp_path, sqlite_template, KEY)
    env = {k: v for k, v in os.environ.items() if not k.startswith("PACKDESK_")}
    (tmp_path / "config.toml").write_text("")
    env.update(
        PACKDESK_CONFIG=str(tmp_path / "config.toml"),
        PACKDESK_DATA_DIR=str(tmp_path / "data"),
        PACKDESK_DATABASE_URL=f"sqlite://{path}",
        PACKDESK_SECRET_KEY=KEY.decode(),
    )
    out, _, rss = measured(
        [sys.executable, "-m", "console.cli", "orders", "list", "--json", "--limit", "0"], env
    )
    rows = json.loads(out)
    assert len(rows) == ORDERS and {r["account"] for r in rows} == {"main"}
    assert len({r["id"] for r in rows}) == ORDERS
    newest_first = [(r["purchased_at"], r["id"]) for r in rows]
    assert newest_first == sorted(newest_first, reverse=True)
    # Peak memory does not depend on how busy the CPU is: the rows go out batch by batch.
    assert rss <= 100, f"peak RSS {rss:.0f} MB for {len(out) / 1e6:.0f} MB of JSON"
