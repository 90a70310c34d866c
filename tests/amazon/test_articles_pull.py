"""`packdesk articles pull SKU`: one article from its Amazon listing, as the design wants."""

from __future__ import annotations

import json

import pytest

from core.channels.amazon.accounts import import_credentials
from core.persistence.models import ArticleRow, ListingRow
from core.security import SecretBox
from tests.amazon.support import run_cli

pytestmark = pytest.mark.network


async def test_one_sku_is_pulled_into_an_article_with_its_product_type(db, emu, tmp_path):
    key = SecretBox.generate_key()
    await import_credentials(emu.credentials, SecretBox(key))
    seller = emu.state.accounts[0].seller_id
    sku, market = next((k[1], k[2]) for k in emu.state.listings if k[0] == seller)
    out = await run_cli(db, key, tmp_path, "articles", "pull", sku, "--json")
    pulled = json.loads(out)
    assert {p["sku"] for p in pulled} == {sku} and market in {p["marketplace_id"] for p in pulled}
    assert await ArticleRow.filter(sku=sku).exists()
    listing = await ListingRow.get(seller_sku=sku, marketplace_id=market)
    assert listing.product_type == emu.state.listings[(seller, sku, market)].product_type
