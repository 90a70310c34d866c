"""Documents benchmark: invoices with embedded EN 16931 XML, per document and in bulk.

Targets (issue 5): median ≤ 40 ms per invoice (PDF/A-3 + Factur-X XML embedded), and 1,000
invoices in one run with flat memory (the peak of the last 500 no higher than after the first 500,
within 10 %, resident set size). The invoice: 10 article lines at 19 % and 7 %, shipping, one promotion, a Polish
buyer name.
"""

from __future__ import annotations

import gc
import os
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from core.config import CompanySettings
from core.documents import fonts
from core.documents.content import build_content
from core.documents.render import render_pdf
from core.domain.documents import DocumentKind
from core.domain.orders import Order
from tests.support.factories import make_order

COMPANY = CompanySettings(
    name="Muster Handel GmbH",
    street="Musterweg 1",
    postcode="10115",
    city="Berlin",
    vat_id="DE123456789",
    tax_number="27/123/45678",
    iban="DE02120300000000202051",
    bic="BYLADEM1001",
    bank_name="Deutsche Kreditbank",
    email="rechnung@muster-handel.de",
    phone="+49 30 1234567",
)


def bench_order(i: int) -> Order:
    order = make_order(
        f"302-{i:07d}-4711000",
        account_id=1,
        lines=[(f"SKU-{n:03d}", 1 + n % 3) for n in range(10)],
        buyer_name="Łukasz Wójcik",
    )
    for n, line in enumerate(order.lines):
        line.title = f"Bio-Kaffeebohnen Hochland-Röstung {250 * (n + 1)} g, fair gehandelt"
        line.tax_rate = Decimal("7") if n % 3 == 0 else Decimal("19")
        line.unit_price = Decimal("4.99") + n
    order.lines[0].shipping_price = Decimal("4.90")
    order.lines[1].promotion_discount = Decimal("2.50")
    return order


def invoice(i: int) -> bytes:
    issued = datetime(2026, 11, 20, 9, tzinfo=UTC) + timedelta(minutes=i)
    content = build_content(
        bench_order(i), DocumentKind.INVOICE, f"RE-2026-{i:05d}", issued, COMPANY
    )
    return render_pdf(content)


def resident_kib() -> int:
    """Resident set size of this process (Linux /proc; peak RSS elsewhere)."""
    try:
        pages = int(Path("/proc/self/statm").read_text().split()[1])
        return pages * os.sysconf("SC_PAGE_SIZE") // 1024
    except OSError:
        import resource

        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def report(label: str, value: float, unit: str, target: float) -> None:
    ratio = target / value if value else float("inf")
    verdict = "meets" if ratio >= 1 else "misses"
    print(f"{label}: {value:.1f} {unit} (target ≤ {target:g} {unit}; {verdict}, ratio {ratio:.2f})")


def main() -> int:
    started = time.perf_counter()
    fonts.warm_up()
    print(f"font warm-up (once per process): {(time.perf_counter() - started) * 1000:.0f} ms")
    for i in range(5):
        invoice(i)
    times = []
    for i in range(100):
        t = time.perf_counter()
        data = invoice(i)
        times.append((time.perf_counter() - t) * 1000)
    times.sort()
    print(f"invoice size: {len(data) / 1024:.1f} KiB")
    report("median per invoice (PDF/A-3 + Factur-X)", statistics.median(times), "ms", 40)
    print(f"p90 per invoice: {times[89]:.1f} ms")

    gc.collect()
    t = time.perf_counter()
    rss = []
    for i in range(1000):
        invoice(i)
        if i % 100 == 99:
            gc.collect()
            rss.append(resident_kib())
    elapsed = time.perf_counter() - t
    print(f"1,000 invoices: {elapsed:.1f} s ({1000 / elapsed:.0f} invoices/s)")
    print("resident memory after each 100 (MiB): " + ", ".join(f"{r / 1024:.1f}" for r in rss))
    growth = (rss[-1] - rss[4]) / max(rss[4], 1)
    flat = growth <= 0.10
    verdict = "flat" if flat else "GROWING"
    print(f"memory growth from 500 to 1,000 invoices: {growth * 100:+.1f} % ({verdict})")
    return 0 if flat else 1


if __name__ == "__main__":
    sys.exit(main())
