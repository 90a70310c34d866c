"""The ECB's euro reference rates, served offline: `/ecb/eurofxref-hist-90d.xml` (and -daily).

Same XML shape as https://www.ecb.europa.eu/stats/eurofxref/, for the currencies of the emulated
marketplaces. Rates move a little from day to day (deterministic), one row per working day of the
90 days up to the emulator's today, so `packdesk documents rates --url …` works without internet.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from aiohttp import web

BASE = {"USD": "1.0512", "GBP": "0.83015", "PLN": "4.2675", "SEK": "11.4830", "TRY": "36.1420"}


def _rate(currency: str, day: date) -> Decimal:
    wobble = Decimal((day.toordinal() * 37 + len(currency) * 11) % 41 - 20) / Decimal(10000)
    return (Decimal(BASE[currency]) * (1 + wobble)).quantize(Decimal("0.0001"))


def ecb_xml(today: date, days: int) -> bytes:
    cubes = []
    for n in range(days):
        day = today - timedelta(days=n)
        if day.weekday() >= 5:
            continue  # the ECB publishes on working days
        rows = "".join(f'<Cube currency="{c}" rate="{_rate(c, day)}"/>' for c in BASE)
        cubes.append(f'<Cube time="{day.isoformat()}">{rows}</Cube>')
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<gesmes:Envelope xmlns:gesmes="http://www.gesmes.org/xml/2002-08-01" '
        'xmlns="http://www.ecb.int/vocabulary/2002-08-01/eurofxref">'
        "<gesmes:subject>Reference rates</gesmes:subject>"
        "<gesmes:Sender><gesmes:name>European Central Bank</gesmes:name></gesmes:Sender>"
        f"<Cube>{''.join(cubes)}</Cube></gesmes:Envelope>"
    ).encode()


def add_routes(app: web.Application, now: object) -> None:
    """`now` returns the emulator's time (epoch seconds)."""

    def today() -> date:
        return datetime.fromtimestamp(float(now()), UTC).date()  # type: ignore[operator]

    async def hist(request: web.Request) -> web.Response:
        return web.Response(body=ecb_xml(today(), 90), content_type="text/xml")

    async def daily(request: web.Request) -> web.Response:
        return web.Response(body=ecb_xml(today(), 4), content_type="text/xml")

    app.router.add_get("/ecb/eurofxref-hist-90d.xml", hist, name="ecb.hist")
    app.router.add_get("/ecb/eurofxref-daily.xml", daily, name="ecb.daily")
