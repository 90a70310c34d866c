"""Drawing invoices, delivery notes and credit notes on A4 (DIN 5008 form B) with fpdf2.

Everything comes from the content snapshot (core/documents/content.py); nothing here reads the
database, the config or the clock, so the same content always gives the same page.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import barcode
from fpdf import FPDF
from fpdf.fonts import TTFFont

from core.documents import fonts, locale

LEFT, RIGHT_EDGE, WIDTH = 25.0, 190.0, 165.0
BOTTOM = 297.0 - 30.0  # where the table stops; the footer lives below
LINE = 4.2
INVOICE_COLUMNS = (
    ("pos", 9, "L"),
    ("title", 76, "L"),
    ("qty", 14, "R"),
    ("unit_price", 24, "R"),
    ("vat", 14, "R"),
    ("total", 28, "R"),
)
NOTE_COLUMNS = (("pos", 9, "L"), ("sku", 40, "L"), ("title", 100, "L"), ("qty", 16, "R"))


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from _strings(v)
    elif isinstance(value, list):
        for v in value:
            yield from _strings(v)


def bar_runs(bits: str) -> Iterator[tuple[int, int]]:
    """(start, length) of each run of bars in a barcode module string."""
    i = 0
    while i < len(bits):
        if bits[i] == "1":
            j = i
            while j < len(bits) and bits[j] == "1":
                j += 1
            yield i, j - i
            i = j
        else:
            i += 1


def code128(pdf: FPDF, text: str, x: float, y: float, height: float, module: float = 0.3) -> None:
    """Draw `text` as Code128 bars (vector rectangles) with its quiet zones left to the caller."""
    bits = barcode.get("code128", text).build()[0]
    pdf.set_fill_color(0, 0, 0)
    for start, length in bar_runs(bits):
        pdf.rect(x + start * module, y, length * module, height, style="F")


def text_width(pdf: FPDF, text: str) -> float:
    """`pdf.get_string_width(text)`, to the same float, without fpdf2's fragments.

    For every word the line wrapping tries, fpdf2 builds a styled fragment and copies its whole
    graphics state: a fifth of an invoice's drawing. Text in one TrueType font, left to right,
    with no character spacing, stretching, text shaping or page-count alias is one fragment,
    whose width is the font's own `get_text_width`; anything else takes fpdf2's road.
    """
    font = pdf.current_font
    if (
        not isinstance(font, TTFFont)
        or pdf.text_shaping
        or pdf._fallback_font_ids
        or pdf.char_spacing
        or pdf.font_stretching != 100
        or (pdf.str_alias_nb_pages and pdf.str_alias_nb_pages in text)
    ):
        return pdf.get_string_width(text)
    return float(font.get_text_width(text, pdf.font_size_pt, None)[1]) / pdf.k


def put(pdf: FPDF, x: float, y: float, w: float, h: float, text: str, align: str = "L") -> None:
    """One line of text in the box (x, y, w, h), vertically centred like `cell` but much cheaper."""
    if not text:
        return
    pieces = [("", text)]
    if getattr(pdf, "family", "") == fonts.FALLBACK:  # the trimmed faces cover every character
        pieces = fonts.runs(pdf, text)
    if len(pieces) > 1 or pieces[0][0]:
        _put_pieces(pdf, x, y, w, h, pieces, align)
        return
    text = pieces[0][1]
    if align == "R":
        x += w - text_width(pdf, text) - 1
    elif align == "C":
        x += (w - text_width(pdf, text)) / 2
    else:
        x += 1
    pdf.text(x, y + h / 2 + 0.3 * pdf.font_size, text)


def _put_pieces(
    pdf: FPDF, x: float, y: float, w: float, h: float, pieces: list[tuple[str, str]], align: str
) -> None:
    """`put` for text in several fonts: each piece in its own (fallback) font, one after another."""
    family, style, size = pdf.font_family, pdf.font_style, pdf.font_size_pt

    def use(piece_family: str) -> None:
        pdf.set_font(piece_family or family, "" if piece_family else style, size)

    widths = []
    for piece_family, piece in pieces:
        use(piece_family)
        widths.append(text_width(pdf, piece))
    total = sum(widths)
    x += w - total - 1 if align == "R" else (w - total) / 2 if align == "C" else 1
    baseline = y + h / 2 + 0.3 * pdf.font_size
    for (piece_family, piece), width in zip(pieces, widths, strict=True):
        use(piece_family)
        pdf.text(x, baseline, piece)
        x += width
    use("")


def wrap(pdf: FPDF, text: str, width: float) -> list[str]:
    """Greedy word wrap to `width` mm in the current font; over-long words are cut."""
    room = width - 2
    rows: list[str] = []
    for paragraph in text.split("\n"):
        line = ""
        for word in paragraph.split(" "):
            candidate = f"{line} {word}" if line else word
            if text_width(pdf, candidate) <= room:
                line = candidate
                continue
            if line:
                rows.append(line)
            while text_width(pdf, word) > room:
                cut = len(word) - 1
                while cut > 1 and text_width(pdf, word[:cut]) > room:
                    cut -= 1
                rows.append(word[:cut])
                word = word[cut:]
            line = word
        rows.append(line)
    return rows


class Sheet(FPDF):
    """An A4 page with fold marks and the seller's footer on every page."""

    def __init__(self, content: dict[str, Any]) -> None:
        super().__init__(format="A4", unit="mm", enforce_compliance="PDFA_3B")
        self.content = content
        self.language = str(content["language"])
        self.family = fonts.install(self, _strings(content))
        self.set_auto_page_break(False)
        self.set_margins(LEFT, 20, 210 - RIGHT_EDGE)
        self.set_creation_date(datetime.fromisoformat(content["issued_at"]))
        self.set_lang({"de": "de-DE", "fr": "fr-FR"}.get(self.language, "en-GB"))
        seller = content["seller"]["name"]
        title = f"{self.word(content['kind'])} {content['number']}"
        self.set_title(title)
        self.set_author(seller)
        self.set_creator("Packdesk")

    def word(self, key: str, **values: str) -> str:
        return locale.text(self.language, key, **values)

    def money(self, value: str) -> str:
        return locale.money(Decimal(value), self.content["currency"], self.language)

    def font(self, size: float, bold: bool = False) -> None:
        self.set_font(self.family, "B" if bold else "", size)

    def header(self) -> None:
        if self.content.get("preview"):  # on every page: a preview must never pass as an invoice
            self.font(13, bold=True)
            self.set_text_color(200, 0, 0)
            put(self, LEFT, 3, WIDTH, 6, self.word("preview"), "C")
            self.set_text_color(0, 0, 0)
        self.set_draw_color(120, 120, 120)
        self.set_line_width(0.2)
        for y in (105.0, 210.0):
            self.line(4, y, 8, y)
        self.line(4, 148.5, 10, 148.5)
        if self.page_no() > 1:
            self.font(8)
            c = self.content
            put(
                self,
                LEFT,
                10,
                WIDTH,
                4,
                f"{self.word(c['kind'])} {c['number']} · {c['seller']['name']}",
            )

    def footer(self) -> None:
        """Drawn by fpdf2 as each page closes, in that page's own graphics state (going back to
        earlier pages once the count was known left them in the colours the last page ended
        with: near-white). The page count is fpdf2's alias, filled in on output."""
        s = self.content["seller"]
        self.set_text_color(0, 0, 0)
        self.font(8)
        page = self.word("page", n=str(self.page_no()), total=self.str_alias_nb_pages)
        self.set_xy(LEFT, 297 - 28)
        self.cell(WIDTH - 1, 4, page, align="R")  # `cell` fills in the alias; `text` does not
        self.set_draw_color(160, 160, 160)
        self.line(LEFT, 297 - 23.5, RIGHT_EDGE, 297 - 23.5)
        columns = (
            [s["name"], s["street"], f"{s['postcode']} {s['city']}", s["managing_director"]],
            [
                f"{self.word('vat_id')} {s['vat_id']}" if s["vat_id"] else "",
                f"{self.word('tax_number')} {s['tax_number']}" if s["tax_number"] else "",
                s["commercial_register"],
                s["email"],
            ],
            [
                s["bank_name"],
                f"IBAN {s['iban']}" if s["iban"] else "",
                f"BIC {s['bic']}" if s["bic"] else "",
                s["phone"],
            ],
        )
        self.font(7)
        for i, rows in enumerate(columns):
            y = 297.0 - 22
            for row in (r for r in rows if r):
                put(self, LEFT + i * 55 - 1, y, 55, 3.3, row[:48])
                y += 3.3


def _letterhead(pdf: Sheet) -> None:
    c, s = pdf.content, pdf.content["seller"]
    logo = s.get("logo") or ""
    if logo and Path(logo).is_file():
        pdf.image(logo, x=LEFT, y=12, h=18)
    pdf.font(12, bold=True)
    y = 12.0
    for row in wrap(pdf, s["name"], 75)[:2]:
        put(pdf, 115, y, 75, 5.5, row, "R")
        y += 5.5
    pdf.font(8)
    for row in (s["street"], f"{s['postcode']} {s['city']}", s["phone"], s["email"]):
        if row.strip():
            put(pdf, 115, y, 75, 3.6, row, "R")
            y += 3.6
    # DIN 5008 B: return address line, then the recipient in the window from 62.7 mm.
    pdf.font(6.5)
    put(pdf, LEFT - 1, 55, 80, 3, f"{s['name']} · {s['street']} · {s['postcode']} {s['city']}"[:90])
    delivery = c["kind"] == "delivery_note"
    address = c["shipping_address"] if delivery else c["billing_address"]
    pdf.font(10)
    y = 62.7
    for row in _address_lines(c, address)[:7]:
        put(pdf, LEFT - 1, y, 80, 4.3, row[:60])
        y += 4.3


def _address_lines(c: dict[str, Any], a: dict[str, str]) -> list[str]:
    town = " ".join(p for p in (a.get("postcode", ""), a.get("city", "")) if p)
    name = a.get("name") or c["buyer"]["name"]
    rows = [
        a.get("company", ""),
        name,
        a.get("line1", ""),
        a.get("line2", ""),
        a.get("line3", ""),
        town,
        a.get("region", ""),
    ]
    country = a.get("country", "")
    if country and country != c["seller"]["country"]:
        rows.append(locale.country_name(country, c["language"]).upper())  # DIN 5008: in capitals
    return [r for r in rows if r]


def _info_block(pdf: Sheet) -> None:
    c = pdf.content
    rows = [
        (pdf.word("number"), c["number"]),
        (pdf.word("date"), locale.day(c["issue_date"], pdf.language)),
    ]
    if c["kind"] != "delivery_note":
        rows.append((pdf.word("delivery_date"), locale.day(c["delivery_date"], pdf.language)))
    if c.get("refers_to"):
        rows.append((pdf.word("refers_to"), c["refers_to"]))
    rows += [
        (pdf.word("order"), c["order"]["external_id"]),
        (pdf.word("marketplace"), c["order"]["marketplace"]),
    ]
    if c["buyer"].get("vat_id"):
        rows.append((pdf.word("customer_vat"), c["buyer"]["vat_id"]))
    y = 50.0
    for label, value in rows:
        pdf.font(8)
        put(pdf, 124, y, 29, 4.3, label)
        pdf.font(8, bold=True)
        put(pdf, 153, y, 37, 4.3, str(value)[:28])
        y += 4.3
    if c["number"]:
        code128(pdf, c["number"], 125, max(y + 2, 84), 9)


def _title(pdf: Sheet) -> float:
    c = pdf.content
    pdf.font(14, bold=True)
    heading = pdf.word("preview") if c.get("preview") else f"{pdf.word(c['kind'])} {c['number']}"
    put(pdf, LEFT - 1, 98, WIDTH, 7, heading)
    y = 107.0
    ship, bill = c["shipping_address"], c["billing_address"]
    if c["kind"] != "delivery_note" and any(ship.values()) and ship != bill:
        pdf.font(8)
        text = f"{pdf.word('ship_to')}: " + ", ".join(_address_lines(c, ship))
        for row in wrap(pdf, text, WIDTH):
            put(pdf, LEFT - 1, y, WIDTH, 3.8, row)
            y += 3.8
        y += 1
    return y + 2


def _head_row(pdf: Sheet, columns: tuple[tuple[str, int, str], ...], y: float) -> float:
    pdf.font(8.5, bold=True)
    pdf.set_fill_color(235, 235, 235)
    pdf.rect(LEFT, y, WIDTH, 6, style="F")
    x = LEFT
    for key, width, align in columns:
        put(pdf, x, y, width, 6, pdf.word(key), align)
        x += width
    return y + 7


def _cells(pdf: Sheet, line: dict[str, Any], priced: bool) -> dict[str, str]:
    title = line["title"] + (f"\n{pdf.word('sku')} {line['sku']}" if priced and line["sku"] else "")
    cells = {
        "pos": str(line["position"]),
        "title": title,
        "sku": line["sku"],
        "qty": str(line["quantity"]),
    }
    if priced:
        cells["unit_price"] = pdf.money(line["unit_price"])
        cells["vat"] = locale.percent(line["tax_rate"], pdf.language)
        cells["total"] = pdf.money(line["total"])
    return cells


def _table(pdf: Sheet, y: float) -> float:
    priced = pdf.content["kind"] != "delivery_note"
    columns = INVOICE_COLUMNS if priced else NOTE_COLUMNS
    y = _head_row(pdf, columns, y)
    items = [ln for ln in pdf.content["lines"] if priced or ln["kind"] == "item"]
    for n, line in enumerate(items, start=1):
        cells = _cells(pdf, line, priced)
        cells["pos"] = str(n)
        pdf.font(8.5)
        wrapped = {
            key: wrap(pdf, cells[key], width) if key in ("title", "sku") else [cells[key]]
            for key, width, _ in columns
        }
        height = max(len(v) for v in wrapped.values()) * LINE + 1.5
        if y + height > BOTTOM:
            pdf.add_page()
            y = _head_row(pdf, columns, 20)
            pdf.font(8.5)  # the head row is bold; the row under it is not
        x = LEFT
        for key, width, align in columns:
            for i, row in enumerate(wrapped[key]):
                put(pdf, x, y + i * LINE, width, LINE, row, align)
            x += width
        y += height
        pdf.set_draw_color(220, 220, 220)
        pdf.line(LEFT, y - 0.6, RIGHT_EDGE, y - 0.6)
    return y + 2


def _totals(pdf: Sheet, y: float) -> float:
    c = pdf.content
    t = c["totals"]
    rows = [(pdf.word("net"), pdf.money(t["net"]), False)]
    for r in t["by_rate"]:
        rate = locale.percent(r["rate"], pdf.language)
        rows.append(
            (pdf.word("vat_amount", rate=rate, net=pdf.money(r["net"])), pdf.money(r["tax"]), False)
        )
    eur = c.get("vat_eur")
    if eur:
        words = {"day": locale.day(eur["rate_date"], pdf.language), "rate": eur["per_eur"]}
        label = pdf.word("vat_eur", currency=c["currency"], **words)
        rows.append((label, locale.money(eur["tax"], "EUR", pdf.language), False))
    final = "to_credit" if c["kind"] == "credit_note" else "gross"
    rows.append((pdf.word(final), pdf.money(t["gross"]), True))
    if y + len(rows) * 5 > BOTTOM:
        pdf.add_page()
        y = 20
    for label, amount, bold in rows:
        pdf.font(9, bold=bold)
        put(pdf, 85, y, 75, 5, label, "R")
        put(pdf, 160, y, 30, 5, amount, "R")
        y += 5
    return y + 3


def _packages(pdf: Sheet, y: float) -> float:
    """Which items travel in which parcel, with carrier and tracking number where known."""
    packages = pdf.content.get("packages") or []
    if len(packages) < 2 and not any(p.get("tracking_number") for p in packages):
        return y
    pdf.font(8.5)
    rows: list[tuple[bool, str]] = []
    for package in packages:
        head = pdf.word("package", reference=str(package.get("reference", "")))
        carrier = " ".join(
            str(package.get(k) or "") for k in ("carrier", "tracking_number")
        ).strip()
        rows.append((True, f"{head}: {carrier}" if carrier else head))
        items = ", ".join(f"{i['quantity']} × {i['sku']}" for i in package.get("items", []))
        rows += [(False, row) for row in wrap(pdf, items, WIDTH - 4)]
    y += 2
    for bold, row in rows:
        if y + 4 > BOTTOM:
            pdf.add_page()
            y = 20
        pdf.font(8.5, bold=bold)
        put(pdf, LEFT - 1 + (0 if bold else 4), y, WIDTH, 4, row)
        y += 4
    return y + 2


def _notes(pdf: Sheet, y: float) -> None:
    c = pdf.content
    notes: list[str] = []
    if c["kind"] == "delivery_note":
        notes.append(pdf.word("no_prices"))
    else:
        if c["treatment"] in ("domestic", "oss"):
            notes.append(pdf.word("prices_gross", currency=c["currency"]))
        if c["kind"] == "invoice":
            notes.append(pdf.word("paid", marketplace=c["order"]["marketplace"]))
    notes += c["notes"]
    pdf.font(8.5)
    rows = [row for note in notes for row in wrap(pdf, note, WIDTH)]
    if y + len(rows) * 4 > BOTTOM:
        pdf.add_page()
        y = 20
    for row in rows:
        put(pdf, LEFT - 1, y, WIDTH, 4, row)
        y += 4
    if c["kind"] == "delivery_note":
        y += 4
        if y + 16 > BOTTOM:
            pdf.add_page()
            y = 20
        pdf.font(7)
        put(pdf, LEFT - 1, y, 80, 3, f"{pdf.word('order')} {c['order']['external_id']}")
        code128(pdf, c["order"]["external_id"], LEFT, y + 3.5, 10, module=0.28)


def draw(content: dict[str, Any]) -> bytes:
    """The document as PDF/A-3B bytes (without the e-invoice attachment)."""
    pdf = Sheet(content)
    pdf.add_page()
    _letterhead(pdf)
    _info_block(pdf)
    y = _title(pdf)
    y = _table(pdf, y)
    if content["kind"] != "delivery_note":
        y = _totals(pdf, y)
    y = _packages(pdf, y)
    _notes(pdf, y)
    return bytes(pdf.output())
