"""Documents benchmark: invoices with embedded EN 16931 XML, per document and in bulk.

Targets (issue 5): median ≤ 40 ms per invoice (PDF/A-3 + Factur-X XML embedded), and 1,000
invoices in one run with flat memory (the peak of the last 500 no higher than after the first 500,
within 10 %, resident set size). The invoice: 10 article lines at 19 % and 7 %, shipping, one promotion, a Polish
buyer name.

Issue 12: median and p95 of the same invoice rendered by WeasyPrint (HTML/CSS → PDF/A-3b) with the
same XML embedded by factur-x, in the same run; Packdesk's renderer should stay ≥ 4× faster.
WeasyPrint is not a Packdesk dependency: `pip install weasyprint` into the venv to get the ratio
(the bench says so and skips the comparison when it is missing).
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


def _html(content: dict) -> str:  # type: ignore[type-arg]
    from html import escape

    s, b = content["seller"], content["billing_address"] or content["shipping_address"]
    rows = "".join(
        f"<tr><td>{ln['position']}</td><td>{escape(ln['title'])}<br><small>{ln['sku']}</small>"
        f"</td><td class=r>{ln['quantity']}</td><td class=r>{ln['unit_price']}</td>"
        f"<td class=r>{ln['tax_rate']} %</td><td class=r>{ln['total']}</td></tr>"
        for ln in content["lines"]
    )
    rates = "".join(
        f"<tr><td>USt. {r['rate']} % auf {r['net']}</td><td class=r>{r['tax']}</td></tr>"
        for r in content["totals"]["by_rate"]
    )
    return f"""<html><head><style>
      @page {{ size: A4; margin: 20mm 20mm 30mm 25mm;
        @bottom-right {{ content: "Seite " counter(page) " von " counter(pages); font-size: 8pt }} }}
      body {{ font-family: DejaVu Sans; font-size: 9pt }} .r {{ text-align: right }}
      table {{ width: 100%; border-collapse: collapse }} th {{ background: #eee }}
      td {{ border-bottom: 0.2mm solid #ddd; padding: 1mm }}</style></head><body>
      <p class=r><b>{escape(s["name"])}</b><br>{escape(s["street"])}<br>{s["postcode"]} {s["city"]}</p>
      <p>{escape(content["buyer"]["name"])}<br>{escape(b.get("line1", ""))}<br>
         {b.get("postcode", "")} {escape(b.get("city", ""))}</p>
      <h2>Rechnung {content["number"]}</h2>
      <p>Datum {content["issue_date"]} · Lieferdatum {content["delivery_date"]} ·
         Bestellung {content["order"]["external_id"]}</p>
      <table><tr><th>Pos.</th><th>Bezeichnung</th><th>Menge</th><th>Einzelpreis</th>
      <th>USt.</th><th>Gesamt</th></tr>{rows}</table>
      <table style="width:60%; margin-left:40%"><tr><td>Netto</td>
      <td class=r>{content["totals"]["net"]}</td></tr>{rates}
      <tr><td><b>Gesamtbetrag</b></td><td class=r><b>{content["totals"]["gross"]}</b></td></tr>
      </table><p>{"<br>".join(escape(n) for n in content["notes"])}</p></body></html>"""


def weasy_invoice(i: int) -> bytes:
    """The same invoice the way many projects make one: WeasyPrint PDF/A-3b + factur-x."""
    import weasyprint
    from facturx import generate_from_binary

    from core.documents.einvoice import einvoice_xml

    issued = datetime(2026, 11, 20, 9, tzinfo=UTC) + timedelta(minutes=i)
    content = build_content(
        bench_order(i), DocumentKind.INVOICE, f"RE-2026-{i:05d}", issued, COMPANY
    )
    pdf = weasyprint.HTML(string=_html(content)).write_pdf(pdf_variant="pdf/a-3b")
    out: bytes = generate_from_binary(
        pdf, einvoice_xml(content), flavor="factur-x", level="en16931", check_xsd=False
    )
    return out


def compare_with_weasyprint(ours: list[float]) -> None:
    try:
        import weasyprint  # noqa: F401
    except (ImportError, OSError) as exc:
        print(f"WeasyPrint comparison skipped: {exc} (pip install weasyprint into the venv)")
        return
    for i in range(3):
        weasy_invoice(i)
    theirs = []
    for i in range(30):
        t = time.perf_counter()
        weasy_invoice(i)
        theirs.append((time.perf_counter() - t) * 1000)
    theirs.sort()
    mine = sorted(ours)
    p95 = lambda xs: xs[max(0, int(len(xs) * 0.95) - 1)]  # noqa: E731
    print(
        f"WeasyPrint + factur-x, same invoice: median {statistics.median(theirs):.1f} ms, "
        f"p95 {p95(theirs):.1f} ms; Packdesk: median {statistics.median(mine):.1f} ms, "
        f"p95 {p95(mine):.1f} ms"
    )
    ratio = statistics.median(theirs) / statistics.median(mine)
    verdict = "meets" if ratio >= 4 else "misses"
    print(
        f"speed-up over WeasyPrint (median): {ratio:.1f}× (target ≥ 4×; {verdict}, "
        f"ratio {ratio / 4:.2f})"
    )
    p95_ratio = p95(theirs) / p95(mine)
    print(f"speed-up over WeasyPrint (p95): {p95_ratio:.1f}×")


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
    print(f"p95 per invoice: {times[94]:.1f} ms")
    compare_with_weasyprint(times)

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
