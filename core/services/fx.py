"""ECB euro reference rates, for the VAT in EUR that an invoice in PLN or SEK must state.

Art. 230 VAT Directive and § 16 Abs. 6 UStG: VAT on an invoice in another currency is also stated
in the member state's currency (EUR), converted at the rate of the supply date; the ECB's
reference rate is the one the law names. The ECB publishes it each working day as XML
(eurofxref-daily.xml, or the last 90 days in eurofxref-hist-90d.xml); `load_ecb_xml` stores it and
`rate_for` picks the latest rate published on or before a day (weekends and holidays take the
working day before).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from lxml import etree
from tortoise.backends.base.client import BaseDBAsyncClient

from core.errors import PackdeskError, UserInputError
from core.persistence.models import ExchangeRateRow

ECB_URL = "https://www.ecb.europa.eu/stats/eurofxref/eurofxref-hist-90d.xml"
_NS = "{http://www.ecb.int/vocabulary/2002-08-01/eurofxref}"
_STALE = timedelta(days=7)  # no reference rate for a week: something is wrong with the feed


@dataclass(frozen=True)
class ReferenceRate:
    currency: str
    day: date  # the ECB's publication day
    per_eur: Decimal  # 1 EUR = per_eur units of the currency


def parse_ecb_xml(data: bytes) -> list[ReferenceRate]:
    """The rates in an ECB eurofxref file (daily or historic)."""
    try:
        root = etree.fromstring(data)
    except etree.XMLSyntaxError as exc:
        raise UserInputError(f"Not an ECB reference rate file: {exc}") from None
    rates = []
    for day in root.iter(f"{_NS}Cube"):
        if day.get("time") is None:
            continue
        when = date.fromisoformat(str(day.get("time")))
        for cube in day.iter(f"{_NS}Cube"):
            if cube.get("currency"):
                rates.append(
                    ReferenceRate(str(cube.get("currency")), when, Decimal(str(cube.get("rate"))))
                )
    if not rates:
        raise UserInputError("The ECB file holds no reference rates.")
    return rates


async def load_ecb_xml(data: bytes) -> int:
    """Store the file's rates (a day already stored is kept); how many rates the file held."""
    rates = parse_ecb_xml(data)
    for r in rates:
        await ExchangeRateRow.get_or_create(
            day=r.day, currency=r.currency, defaults={"per_eur": r.per_eur}
        )
    return len(rates)


class RateFeedError(PackdeskError):
    """The ECB's rate file could not be had (network, server, not a rate file)."""


async def fetch_ecb_xml(url: str, timeout_s: float = 20.0) -> bytes:
    """The ECB reference rate file at `url` (eurofxref-daily.xml or -hist-90d.xml)."""
    import aiohttp  # only where rates are fetched

    try:
        timeout = aiohttp.ClientTimeout(total=timeout_s)
        async with aiohttp.ClientSession(timeout=timeout) as session, session.get(url) as response:
            if response.status != 200:
                raise RateFeedError(f"{url} answered {response.status} {response.reason}")
            return await response.read()
    except (aiohttp.ClientError, TimeoutError) as exc:
        raise RateFeedError(f"{url} could not be reached ({exc or type(exc).__name__})") from None


async def refresh_rates(url: str, timeout_s: float = 20.0) -> int:
    """Fetch the ECB's rates and store the new ones; how many the file held. Raises RateFeedError."""
    data = await fetch_ecb_xml(url, timeout_s)
    try:
        return await load_ecb_xml(data)
    except UserInputError as exc:
        raise RateFeedError(f"{url}: {exc}") from None


async def rate_for(
    currency: str, day: date, conn: BaseDBAsyncClient | None = None
) -> ReferenceRate | None:
    """The ECB rate that applies to a supply on `day`; None when none is stored (or stale)."""
    row = (
        await ExchangeRateRow.filter(currency=currency.upper(), day__lte=day, day__gte=day - _STALE)
        .using_db(conn)
        .order_by("-day")
        .first()
    )
    if row is None:
        return None
    return ReferenceRate(row.currency, row.day, Decimal(row.per_eur))


async def eur_rate(
    currency: str, supply_day: date, conn: BaseDBAsyncClient | None = None
) -> tuple[Decimal, date] | None:
    """(1 EUR = rate, publication day) for `build_content`; None for EUR or no stored rate.

    `build_content` refuses an invoice in another currency without it (RateMissing).
    """
    if currency.upper() == "EUR":
        return None
    found = await rate_for(currency, supply_day, conn)
    return (found.per_eur, found.day) if found else None
