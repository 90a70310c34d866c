"""The emulator prices VAT as Amazon does, so that an invoice total always equals what was paid."""

from __future__ import annotations

from decimal import Decimal

from core.channels.amazon.emulator.marketplaces import MARKETPLACES
from core.channels.amazon.emulator.seed import make_accounts, make_articles, make_order
from core.channels.amazon.emulator.shapes_v0 import item_tax, order_total
from core.channels.amazon.normalize import tax_rate
from core.config import CompanySettings
from core.documents.content import build_content
from core.documents.vat import Treatment
from core.domain.documents import DocumentKind
from core.domain.orders import Address, Buyer, Channel, Order, OrderLine
from tests.documents.samples import ISSUED, seller


def _orders(n: int = 600) -> list:  # type: ignore[type-arg]
    account = make_accounts(7, 1)[0]  # Seller DE+FR: ships from DE
    articles = make_articles(7)
    return [make_order(7, i, account, articles, 1.79e9, 1.79e9) for i in range(n)]


def _as_packdesk(o) -> Order:  # type: ignore[no-untyped-def]
    lines = [
        OrderLine(
            external_id=i.item_id,
            sku=i.sku,
            title=i.title,
            quantity=i.quantity,
            unit_price=i.unit_price,
            tax_rate=tax_rate(i.unit_price * i.quantity, item_tax(i).quantize(Decimal("0.01"))),
            shipping_price=i.shipping_price,
            promotion_discount=i.promotion_discount,
        )
        for i in o.items
    ]
    return Order(
        account_id=1,
        external_id=o.order_id,
        marketplace_id=o.marketplace_id,
        channel=Channel.MFN,
        purchased_at=ISSUED,
        currency=MARKETPLACES[o.marketplace_id].currency,
        lines=lines,
        buyer=Buyer(name="B", vat_id=o.buyer_vat_id or ""),
        ship_to=Address(name="B", line1="x", city="y", country=o.address.country_code),
    )


def test_amazon_business_cross_border_is_net_with_item_tax_zero() -> None:
    business = [o for o in _orders() if o.buyer_vat_id]
    cross = [o for o in business if MARKETPLACES[o.marketplace_id].country == "FR"]
    home = [o for o in business if MARKETPLACES[o.marketplace_id].country == "DE"]
    assert cross and home
    assert all(item_tax(i) == 0 and i.tax_rate == 0 for o in cross for i in o.items)
    assert all(item_tax(i) > 0 for o in home for i in o.items if i.unit_price)


def test_invoice_total_equals_what_the_buyer_paid_for_every_seeded_order() -> None:
    company: CompanySettings = seller()
    seen = set()
    for o in _orders():
        content = build_content(_as_packdesk(o), DocumentKind.INVOICE, "RE-1", ISSUED, company)
        seen.add(content["treatment"])
        paid = order_total(o).quantize(Decimal("0.01"))
        collected = Decimal(content["amazon_collected_vat"])
        assert Decimal(content["totals"]["gross"]) + collected == paid, o.order_id
    assert Treatment.INTRA_EU_B2B.value in seen and Treatment.DOMESTIC.value in seen
