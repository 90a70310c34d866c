"""The 3PL file formats: order XML out, tracking (and stock) XML in, each checked against its XSD.

The schemas ship in `core/thirdparty/schemas/`; docs/3pl.md describes them with examples. Parsing
never trusts a file: DTDs, entities and network access are off, and a file that is not well-formed
or does not follow its schema raises `BadFile` with a sentence for the provider's reason file.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from pathlib import Path

from lxml import etree

from core.domain.orders import Order

SCHEMAS = Path(__file__).parent / "schemas"
ORDER_NS = "urn:packdesk:3pl:order:1.0"
TRACKING_NS = "urn:packdesk:3pl:tracking:1.0"
STOCK_NS = "urn:packdesk:3pl:stock:1.0"
SCHEMA_FILES = {
    ORDER_NS: "packdesk-3pl-order-1.0.xsd",
    TRACKING_NS: "packdesk-3pl-tracking-1.0.xsd",
    STOCK_NS: "packdesk-3pl-stock-1.0.xsd",
}
_ROOT = re.compile(rb"<([A-Za-z_][\w.\-]*:)?([A-Za-z_][\w.\-]*)")


class BadFile(Exception):
    """A file that cannot be applied as it is; the message goes into its reason file."""


@cache
def schema(namespace: str) -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(SCHEMAS / SCHEMA_FILES[namespace])))


def _parser() -> etree.XMLParser:
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)


def looks_complete(data: bytes) -> bool:
    """True when the data ends with the closing tag of the element it starts with."""
    head = data[:4096]
    pos = 0
    while True:  # skip the declaration, processing instructions, comments and a doctype
        m = _ROOT.search(head, pos)
        if m is None:
            return False
        before = head[m.start() - 1 : m.start()] if m.start() else b""
        if before not in (b"?", b"!"):
            break
        pos = m.end()
    prefix, name = m.group(1) or b"", m.group(2)
    return data.rstrip().endswith(b"</" + prefix + name + b">")


# ---------------------------------------------------------------- orders out


def _text(parent: etree._Element, tag: str, value: str, *, always: bool = False) -> None:
    if value or always:
        etree.SubElement(parent, f"{{{ORDER_NS}}}{tag}").text = value


def _aware(value: datetime) -> str:
    return value.isoformat() if value.tzinfo else value.isoformat() + "Z"


def render_orders(orders: list[tuple[Order, str, str]], provider: str, created: datetime) -> bytes:
    """Order XML for `(order, carrier, service)` tuples, valid against the order schema."""
    root = etree.Element(
        f"{{{ORDER_NS}}}orders",
        nsmap={None: ORDER_NS},
        version="1.0",
        provider=provider,
        created=_aware(created),
    )
    for order, carrier, service in orders:
        el = etree.SubElement(
            root,
            f"{{{ORDER_NS}}}order",
            id=str(order.id),
            orderId=order.external_id,
            marketplace=order.marketplace_id,
            purchased=_aware(order.purchased_at),
            currency=order.currency,
        )
        if order.latest_ship_at:
            el.set("shipBy", _aware(order.latest_ship_at))
        el.set("prime", "true" if order.is_prime else "false")
        el.set("business", "true" if order.is_business else "false")
        ship = etree.SubElement(el, f"{{{ORDER_NS}}}shipTo")
        a = order.ship_to
        _text(ship, "name", a.name or a.company or "-", always=True)
        _text(ship, "company", a.company)
        _text(ship, "line1", a.line1 or "-", always=True)
        _text(ship, "line2", a.line2)
        _text(ship, "line3", a.line3)
        _text(ship, "postcode", a.postcode, always=True)
        _text(ship, "city", a.city, always=True)
        _text(ship, "region", a.region)
        _text(ship, "country", a.country, always=True)
        _text(ship, "phone", a.phone)
        _text(el, "buyerEmail", order.buyer.email)
        if carrier or service:
            shipping = etree.SubElement(el, f"{{{ORDER_NS}}}shipping")
            if carrier:
                shipping.set("carrier", carrier)
            if service:
                shipping.set("service", service)
        gift = "\n".join(ln.gift_message for ln in order.lines if ln.gift_message)
        _text(el, "giftMessage", gift)
        lines = etree.SubElement(el, f"{{{ORDER_NS}}}lines")
        for ln in order.lines:
            if ln.quantity_open <= 0:
                continue
            line = etree.SubElement(
                lines,
                f"{{{ORDER_NS}}}line",
                id=ln.external_id,
                sku=ln.sku,
                quantity=str(ln.quantity_open),
                unitPrice=str(ln.unit_price),
                taxRate=str(ln.tax_rate),
            )
            if ln.asin:
                line.set("asin", ln.asin)
            _text(line, "title", ln.title, always=True)
    data: bytes = etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
    schema(ORDER_NS).assertValid(etree.fromstring(data, _parser()))
    return data


# ---------------------------------------------------------------- tracking in


@dataclass(frozen=True)
class TrackedItem:
    line: str  # order line's external id, or "" when named by SKU
    sku: str
    quantity: int


@dataclass(frozen=True)
class TrackedPackage:
    tracking: str
    carrier: str
    service: str
    weight_g: int
    items: tuple[TrackedItem, ...]


@dataclass(frozen=True)
class TrackedShipment:
    order_ref: str  # the channel's order id
    order_id: int | None  # Packdesk's id, when the provider sends it back
    shipped_at: datetime
    packages: tuple[TrackedPackage, ...]


@dataclass
class TrackingReport:
    provider: str
    created: datetime
    shipments: list[TrackedShipment] = field(default_factory=list)


@dataclass
class StockReport:
    provider: str
    created: datetime
    levels: dict[str, int] = field(default_factory=dict)


def _dt(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def parse_inbound(data: bytes) -> TrackingReport | StockReport:
    """A provider's file as a report; BadFile when malformed, unknown or off-schema."""
    try:
        root = etree.fromstring(data, _parser())
    except etree.XMLSyntaxError as exc:
        raise BadFile(f"The file is not well-formed XML: {exc}") from None
    ns = etree.QName(root).namespace or ""
    local = etree.QName(root).localname
    if ns not in (TRACKING_NS, STOCK_NS):
        raise BadFile(
            f"Unknown kind of file: root element <{local}> in namespace {ns or '(none)'!r}; "
            f'expected <tracking xmlns="{TRACKING_NS}"> or <stock xmlns="{STOCK_NS}">.'
        )
    xsd = schema(ns)
    if not xsd.validate(root):
        errors = [f"line {e.line}: {e.message}" for e in list(xsd.error_log)[:5]]
        raise BadFile(f"The file does not follow {SCHEMA_FILES[ns]}: " + "; ".join(errors))
    if ns == STOCK_NS:
        return StockReport(
            provider=root.get("provider", ""),
            created=_dt(root.get("created", "")),
            levels={
                lv.get("sku", ""): int(lv.get("quantity", "0"))
                for lv in root.iterfind(f"{{{STOCK_NS}}}level")
            },
        )
    report = TrackingReport(provider=root.get("provider", ""), created=_dt(root.get("created", "")))
    for sh in root.iterfind(f"{{{TRACKING_NS}}}shipment"):
        packages = []
        for pkg in sh.iterfind(f"{{{TRACKING_NS}}}package"):
            items = []
            for it in pkg.iterfind(f"{{{TRACKING_NS}}}item"):
                if not it.get("line") and not it.get("sku"):
                    raise BadFile(
                        f"line {it.sourceline}: an <item> must name its order line (line=) or SKU (sku=)."
                    )
                items.append(
                    TrackedItem(it.get("line", ""), it.get("sku", ""), int(it.get("quantity", "0")))
                )
            packages.append(
                TrackedPackage(
                    tracking=pkg.get("tracking", ""),
                    carrier=pkg.get("carrier", ""),
                    service=pkg.get("service", ""),
                    weight_g=int(pkg.get("weightGrams", "0")),
                    items=tuple(items),
                )
            )
        report.shipments.append(
            TrackedShipment(
                order_ref=sh.get("orderId", ""),
                order_id=int(sh.get("id")) if sh.get("id") else None,
                shipped_at=_dt(sh.get("shipped", "")),
                packages=tuple(packages),
            )
        )
    return report


def render_tracking(report: TrackingReport) -> bytes:
    """A tracking file (for tests, examples and providers writing their first one)."""
    root = etree.Element(
        f"{{{TRACKING_NS}}}tracking",
        nsmap={None: TRACKING_NS},
        version="1.0",
        provider=report.provider,
        created=_aware(report.created),
    )
    for sh in report.shipments:
        el = etree.SubElement(
            root, f"{{{TRACKING_NS}}}shipment", orderId=sh.order_ref, shipped=_aware(sh.shipped_at)
        )
        if sh.order_id:
            el.set("id", str(sh.order_id))
        for p in sh.packages:
            pkg = etree.SubElement(
                el, f"{{{TRACKING_NS}}}package", tracking=p.tracking, carrier=p.carrier
            )
            if p.service:
                pkg.set("service", p.service)
            if p.weight_g:
                pkg.set("weightGrams", str(p.weight_g))
            for it in p.items:
                item = etree.SubElement(pkg, f"{{{TRACKING_NS}}}item", quantity=str(it.quantity))
                if it.line:
                    item.set("line", it.line)
                if it.sku:
                    item.set("sku", it.sku)
    out: bytes = etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
    return out
