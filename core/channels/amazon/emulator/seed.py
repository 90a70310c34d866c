"""Deterministic seller data for a seed: accounts, articles, listings and orders over the last days."""

from __future__ import annotations

import random
import string
from decimal import ROUND_HALF_UP, Decimal

from core.channels.amazon.emulator.marketplaces import ACCOUNT_LAYOUT, BY_COUNTRY, MARKETPLACES
from core.channels.amazon.emulator.model import (
    Address,
    Article,
    Listing,
    Order,
    OrderItem,
    SellerAccount,
)
from core.channels.amazon.emulator.people import (
    CANCEL_REASONS,
    COMPANIES,
    GIFT_MESSAGES,
    PEOPLE,
)
from core.documents.vat import EU_COUNTRIES

CENT = Decimal("0.01")
_PRODUCTS: tuple[tuple[str, str, int, str, bool], ...] = (
    # title, price, weight in g, product type, FBA?
    ("Bambus-Schneidebrett 38×25 cm", "19.99", 900, "CUTTING_BOARD", False),
    ("Edelstahl-Trinkflasche 750 ml, grün", "24.90", 350, "BOTTLE", False),
    ("Baumwoll-Einkaufstasche »Ökö«", "7.49", 120, "BAG", True),
    ("Gusseisenpfanne Ø 28 cm", "49.00", 2600, "COOKWARE", False),
    ("Keramiktasse Café crème 300 ml", "12.50", 400, "DRINKING_CUP", True),
    ("Leinen-Geschirrtuch 3er-Set", "14.95", 250, "KITCHEN_TOWEL", False),
    ("Teekanne Glas 1,2 l mit Sieb", "29.99", 800, "TEAPOT", False),
    ("Gewürzmühle Buche, 2 Stück", "17.80", 450, "SPICE_GRINDER", True),
    ("Wachstücher für Brot (ß-Edition)", "11.00", 100, "FOOD_WRAP", False),
    ("Kochlöffel Olivenholz 30 cm", "8.95", 90, "KITCHEN_UTENSIL", False),
    ("Messerblock mit 5 Messern", "89.00", 3100, "KITCHEN_KNIFE", False),
    ("Porzellan-Müslischale 4er-Set", "32.00", 1800, "BOWL", True),
)


def ean13(body12: str) -> str:
    """EAN-13 with its check digit."""
    total = sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(body12))
    return body12 + str((10 - total % 10) % 10)


def _alnum(rng: random.Random, n: int) -> str:
    return "".join(rng.choice(string.ascii_uppercase + string.digits) for _ in range(n))


def make_accounts(seed: int, count: int) -> list[SellerAccount]:
    """``count`` sellers: DE+FR, PL, SE, IT+ES, TR, US, then more DE sellers."""
    rng = random.Random(f"{seed}:accounts")
    accounts = []
    for i in range(count):
        name, countries = (
            ACCOUNT_LAYOUT[i] if i < len(ACCOUNT_LAYOUT) else (f"Seller {i + 1}", ("DE",))
        )
        ids = [BY_COUNTRY[c].marketplace_id for c in countries]
        accounts.append(
            SellerAccount(
                name=name,
                seller_id="A" + _alnum(rng, 13),
                region=MARKETPLACES[ids[0]].region,
                marketplace_ids=ids,
                refresh_token="Atzr|emu-" + _alnum(rng, 40),
            )
        )
    return accounts


def make_articles(seed: int) -> list[Article]:
    """The catalogue every seller sells from (barcodes with valid check digits)."""
    rng = random.Random(f"{seed}:articles")
    articles = []
    for n, (title, price, weight, ptype, fba) in enumerate(_PRODUCTS, start=1):
        sku = f"PD-{1000 + n}" + ("-FBA" if fba else "")
        articles.append(
            Article(
                sku=sku,
                ean=ean13("400638" + f"{rng.randrange(10**6):06d}"),
                fnsku="X00" + _alnum(rng, 7),
                asin="B0" + _alnum(rng, 8),
                title=title,
                price=Decimal(price),
                weight_g=weight,
                product_type=ptype,
            )
        )
    return articles


def make_listings(
    seed: int, accounts: list[SellerAccount], articles: list[Article], now: float
) -> list[Listing]:
    """Every seller lists the catalogue on each of its marketplaces; FBA articles as AFN."""
    rng = random.Random(f"{seed}:listings")
    listings = []
    for account in accounts:
        for mid in account.marketplace_ids:
            market = MARKETPLACES[mid]
            for article in articles:
                fba = article.sku.endswith("-FBA")
                created = now - rng.randrange(30, 400) * 86400
                listings.append(
                    Listing(
                        seller_id=account.seller_id,
                        sku=article.sku,
                        marketplace_id=mid,
                        asin=article.asin,
                        fnsku=article.fnsku,
                        title=article.title,
                        product_type=article.product_type,
                        price=article.price,
                        channel=market.fba_channel if fba else "DEFAULT",
                        quantity=0 if fba else rng.randrange(0, 60),
                        created=created,
                        updated=created + rng.randrange(0, 20) * 86400,
                        fba_fulfillable=rng.randrange(5, 200) if fba else 0,
                        fba_reserved=rng.randrange(0, 5) if fba else 0,
                        fba_unfulfillable=rng.randrange(0, 3) if fba else 0,
                        fba_inbound=rng.choice((0, 0, 24, 48)) if fba else 0,
                    )
                )
    return listings


def _order_id(rng: random.Random, country: str) -> str:
    prefix = {"US": "11" + str(rng.randrange(1, 5)), "TR": "407"}.get(
        country, "30" + str(rng.randrange(2, 7))
    )
    return f"{prefix}-{rng.randrange(10**7):07d}-{rng.randrange(10**7):07d}"


def make_order(
    seed: int,
    index: int,
    account: SellerAccount,
    articles: list[Article],
    purchase: float,
    now: float,
) -> Order:
    """Order number ``index`` of the seed, placed at ``purchase``, in the state it has at ``now``."""
    rng = random.Random(f"{seed}:order:{index}")
    mid = (
        account.marketplace_ids[index % len(account.marketplace_ids)]
        if rng.random() < 0.7
        else rng.choice(account.marketplace_ids)
    )
    market = MARKETPLACES[mid]
    afn = rng.random() < 0.3
    pool = [a for a in articles if a.sku.endswith("-FBA") == afn]
    lines = 1 if rng.random() < 0.6 else rng.randrange(2, 5)
    chosen = rng.sample(pool, min(lines, len(pool)))
    is_prime = rng.random() < 0.35
    is_business = rng.random() < 0.15
    promo = rng.random() < 0.12
    gift = rng.random() < 0.08
    name, street, postal, city, phone = rng.choice(PEOPLE.get(market.country, PEOPLE["DE"]))
    rate = Decimal(market.vat_rate)
    items = []
    for n, article in enumerate(chosen):
        qty = 1 if rng.random() < 0.7 else rng.randrange(2, 6)
        items.append(
            OrderItem(
                item_id=f"{rng.randrange(10**13, 10**14)}",
                sku=article.sku,
                asin=article.asin,
                title=article.title,
                quantity=qty,
                unit_price=article.price,
                tax_rate=rate,
                shipping_price=Decimal("0.00") if is_prime or n else Decimal("3.99"),
                promotion_discount=Decimal("2.00") if promo and n == 0 else Decimal("0.00"),
                promotion_ids=[f"PLM-{_alnum(rng, 10)}"] if promo and n == 0 else [],
                is_gift=gift,
                gift_message=rng.choice(GIFT_MESSAGES) if gift else None,
                price_designation="BusinessPrice" if is_business else None,
            )
        )
    company = vat = None
    if is_business:
        company, vat = rng.choice(COMPANIES.get(market.country, COMPANIES["DE"]))
    # Amazon Business, VAT-exempt: a business buyer with a VAT id of another EU country than the
    # one the goods ship from pays the net price, and Amazon reports the item tax as 0.
    ships_from = MARKETPLACES[account.marketplace_ids[0]].country
    if vat and market.country != ships_from and market.country in EU_COUNTRIES:
        for item in items:
            item.unit_price = (item.unit_price / (1 + rate)).quantize(CENT, ROUND_HALF_UP)
            item.shipping_price = (item.shipping_price / (1 + rate)).quantize(CENT, ROUND_HALF_UP)
            item.tax_rate = Decimal(0)
    address = Address(
        name=name,
        line1=street,
        city=city,
        postal_code=postal,
        country_code=market.country,
        company=company,
        phone=phone,
        line2=rng.choice((None, None, None, "2. OG links", "Bât. B")),
        address_type="Commercial" if is_business else "Residential",
    )
    order = Order(
        order_id=_order_id(rng, market.country),
        seller_id=account.seller_id,
        marketplace_id=mid,
        channel="AFN" if afn else "MFN",
        status="Pending",
        purchase_date=purchase,
        last_update=purchase,
        items=items,
        address=address,
        buyer_name=name,
        buyer_email=f"{_alnum(rng, 15).lower()}@marketplace.{market.domain.lower()}",
        ship_service_level="Expedited"
        if is_prime
        else "Std DE Dom"
        if market.country == "DE"
        else "Standard",
        service_category="Expedited" if is_prime else "Standard",
        is_prime=is_prime,
        is_business=is_business,
        buyer_company=company,
        buyer_vat_id=vat,
        purchase_order_number=f"PO-{rng.randrange(10**6):06d}" if is_business else None,
        seller_order_id=f"SO-{index + 1:06d}" if rng.random() < 0.3 else None,
    )
    roll = rng.random()
    # Most payments clear within minutes; some take hours (then the order stays Pending that long).
    order.pending_until = purchase + (
        rng.randrange(4, 30) * 3600 if rng.random() < 0.15 else rng.randrange(5, 45) * 60
    )
    if afn:
        order.ship_at = order.pending_until + rng.randrange(2, 20) * 3600
    else:
        if roll < 0.06:
            order.status = "Canceled"
            order.pending_until = None
            order.last_update = purchase + 600
        elif roll < 0.12:
            order.items[0].buyer_cancel_reason = rng.choice(CANCEL_REASONS)
    return order


def money(value: Decimal) -> str:
    """Two-decimal string, as Amazon sends amounts."""
    return str(value.quantize(CENT, ROUND_HALF_UP))
