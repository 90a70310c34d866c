"""Marketplaces, languages and the words printed on documents (de, en, fr)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from functools import cache

from babel import Locale

# Amazon marketplace id → (country, shop name). Ids from Amazon's marketplace table.
MARKETPLACES: dict[str, tuple[str, str]] = {
    "A1PA6795UKMFR9": ("DE", "Amazon.de"),
    "A13V1IB3VIYZZH": ("FR", "Amazon.fr"),
    "APJ6JRA9NG5V4": ("IT", "Amazon.it"),
    "A1RKKUPIHCS9HS": ("ES", "Amazon.es"),
    "A1F83G8C2ARO7P": ("GB", "Amazon.co.uk"),
    "A1805IZSGTT6HS": ("NL", "Amazon.nl"),
    "A1C3SOZRARQ6R3": ("PL", "Amazon.pl"),
    "A2NODRKZP88ZB9": ("SE", "Amazon.se"),
    "AMEN7PMS3EDWL": ("BE", "Amazon.com.be"),
    "A28R8C7NBKEWEA": ("IE", "Amazon.ie"),
    "A33AVAJ2PDY3EV": ("TR", "Amazon.com.tr"),
    "ATVPDKIKX0DER": ("US", "Amazon.com"),
}

EU_COUNTRIES = frozenset(
    "AT BE BG CY CZ DE DK EE ES FI FR GR HR HU IE IT LT LU LV MT NL PL PT RO SE SI SK".split()
)
LANGUAGES = ("de", "en", "fr")
_LANGUAGE_BY_COUNTRY = {
    "DE": "de",
    "AT": "de",
    "CH": "de",
    "LI": "de",
    "FR": "fr",
    "BE": "fr",
    "LU": "fr",
}
_SYMBOLS = {"EUR": "€", "GBP": "£", "USD": "$"}


def marketplace_country(marketplace_id: str) -> str:
    return MARKETPLACES.get(marketplace_id, ("", ""))[0]


def marketplace_name(marketplace_id: str) -> str:
    return MARKETPLACES.get(marketplace_id, ("", marketplace_id))[1]


def language_for(marketplace_id: str) -> str:
    """The document language for a marketplace: German, French, else English."""
    return _LANGUAGE_BY_COUNTRY.get(marketplace_country(marketplace_id), "en")


def money(amount: Decimal | str, currency: str, language: str) -> str:
    """`1.234,56 €` (de), `1 234,56 €` (fr), `€1,234.56` (en); unknown currencies by code."""
    value = Decimal(amount).quantize(Decimal("0.01"))
    text = f"{abs(value):,.2f}"
    if language == "de":
        text = text.replace(",", "X").replace(".", ",").replace("X", ".")
    elif language == "fr":
        text = text.replace(",", "\u202f").replace(".", ",")
    sign = "-" if value < 0 else ""
    symbol = _SYMBOLS.get(currency, currency)
    if language == "en" and symbol != currency:
        return f"{sign}{symbol}{text}"
    return f"{sign}{text} {symbol}"


def percent(rate: Decimal | str, language: str) -> str:
    text = f"{Decimal(rate).normalize():f}"
    if language != "en":
        text = text.replace(".", ",")
    return f"{text} %" if language != "en" else f"{text}%"


@cache
def _territories(language: str) -> dict[str, str]:
    return dict(Locale.parse(language).territories)


def country_name(code: str, language: str) -> str:
    """`GB` as "Vereinigtes Königreich" (de), "United Kingdom" (en); the code if CLDR lacks it."""
    return _territories(language if language in LANGUAGES else "en").get(code.upper(), code)


def day(value: date | str, language: str) -> str:
    d = date.fromisoformat(value) if isinstance(value, str) else value
    if language == "en":
        return d.isoformat()
    return d.strftime("%d.%m.%Y" if language == "de" else "%d/%m/%Y")


TEXTS: dict[str, dict[str, str]] = {
    "de": {
        "invoice": "Rechnung",
        "delivery_note": "Lieferschein",
        "credit_note": "Rechnungskorrektur",
        "number": "Nummer",
        "date": "Datum",
        "delivery_date": "Lieferdatum",
        "order": "Amazon-Bestellnr.",
        "package": "Paket {reference}",
        "marketplace": "Marktplatz",
        "customer_vat": "USt-IdNr. Kunde",
        "refers_to": "Zu Rechnung",
        "pos": "Pos.",
        "sku": "Art.-Nr.",
        "title": "Bezeichnung",
        "qty": "Menge",
        "unit_price": "Einzelpreis",
        "vat": "USt.",
        "total": "Gesamt",
        "shipping": "Versandkosten",
        "gift_wrap": "Geschenkverpackung",
        "promotion": "Rabatt",
        "net": "Netto",
        "vat_amount": "USt. {rate} auf {net}",
        "gross": "Gesamtbetrag",
        "to_credit": "Korrekturbetrag (erstattet)",
        "prices_gross": "Alle Preise in {currency} inkl. gesetzlicher Umsatzsteuer.",
        "paid": "Der Betrag wurde bereits über {marketplace} bezahlt.",
        "ship_to": "Lieferanschrift",
        "bill_to": "Rechnungsanschrift",
        "customer": "Amazon-Kunde",
        "vat_id": "USt-IdNr.",
        "tax_number": "Steuernr.",
        "page": "Seite {n} von {total}",
        "intra_eu": "Steuerfreie innergemeinschaftliche Lieferung (§ 4 Nr. 1 Buchst. b "
        "i. V. m. § 6a UStG).",
        "oss": "Lieferort {country} (§ 3c UStG): Umsatzsteuer des Bestimmungslandes, "
        "erklärt im OSS-Verfahren.",
        "export": "Steuerfreie Ausfuhrlieferung (§ 4 Nr. 1 Buchst. a i. V. m. § 6 UStG).",
        "amazon_collects": "Steuerfreie Ausfuhrlieferung (§ 4 Nr. 1 Buchst. a i. V. m. § 6 UStG). "
        "Die Umsatz-/Einfuhrsteuer für {country} ({amount}) hat Amazon als Steuerschuldner "
        "erhoben und abgeführt; vom Käufer gezahlt: {paid}.",
        "uk_deemed_supplier": "Steuerfreie Ausfuhrlieferung (§ 4 Nr. 1 Buchst. a i. V. m. § 6 "
        "UStG). Sendungswert bis 135 GBP: Amazon ist fiktiver Lieferer (UK VATA 1994 s. 5A) und "
        "hat die britische Umsatzsteuer ({amount}) erhoben und abgeführt; vom Käufer gezahlt: "
        "{paid}.",
        "uk_import": "Steuerfreie Ausfuhrlieferung (§ 4 Nr. 1 Buchst. a i. V. m. § 6 UStG). "
        "Sendungswert über 135 GBP: britische Einfuhrumsatzsteuer und Zoll werden bei der "
        "Einfuhr erhoben und sind vom Empfänger zu zahlen.",
        "ioss": "Einfuhr in die EU bis 150 EUR Sachwert: Amazon ist fiktiver Lieferer "
        "(Art. 14a Abs. 1 MwStSystRL, § 3 Abs. 3a UStG) und hat die Umsatzsteuer für {country} "
        "({amount}) im IOSS-Verfahren erhoben, IOSS-Nr. {ioss}; vom Käufer gezahlt: {paid}.",
        "credit_reason": "Grund: {reason}",
        "gift_message": "Geschenknachricht: {message}",
        "copy": "KOPIE",
        "vat_eur": "USt. in EUR (EZB-Referenzkurs {day}: 1 EUR = {rate} {currency})",
        "preview": "VORSCHAU – keine Rechnung",
        "no_prices": "Lieferschein ohne Preise — die Rechnung folgt gesondert.",
    },
    "en": {
        "invoice": "Invoice",
        "delivery_note": "Delivery note",
        "credit_note": "Credit note",
        "number": "Number",
        "date": "Date",
        "delivery_date": "Delivery date",
        "order": "Amazon order",
        "package": "Parcel {reference}",
        "marketplace": "Marketplace",
        "customer_vat": "Customer VAT ID",
        "refers_to": "For invoice",
        "pos": "No.",
        "sku": "SKU",
        "title": "Description",
        "qty": "Qty",
        "unit_price": "Unit price",
        "vat": "VAT",
        "total": "Total",
        "shipping": "Shipping",
        "gift_wrap": "Gift wrap",
        "promotion": "Discount",
        "net": "Net",
        "vat_amount": "VAT {rate} on {net}",
        "gross": "Total",
        "to_credit": "Amount credited",
        "prices_gross": "All prices in {currency} including VAT.",
        "paid": "Paid in full through {marketplace}.",
        "ship_to": "Ship to",
        "bill_to": "Bill to",
        "customer": "Amazon customer",
        "vat_id": "VAT ID",
        "tax_number": "Tax no.",
        "page": "Page {n} of {total}",
        "intra_eu": "Exempt intra-Community supply of goods (Art. 138 Directive 2006/112/EC; "
        "§ 4 No. 1b, § 6a German VAT Act).",
        "amazon_collects": "VAT-exempt export (Art. 146 Directive 2006/112/EC). The VAT for "
        "{country} ({amount}) was collected and paid by Amazon as the deemed supplier; "
        "paid by the buyer: {paid}.",
        "oss": "Place of supply {country}: VAT of the country of destination, "
        "declared under the One-Stop-Shop (OSS) scheme.",
        "export": "VAT-exempt export outside the EU (Art. 146 Directive 2006/112/EC).",
        "uk_deemed_supplier": "VAT-exempt export (Art. 146 Directive 2006/112/EC). Consignment "
        "of £135 or less: Amazon is the deemed supplier (UK VATA 1994 s. 5A) and collected and "
        "paid the UK VAT ({amount}); paid by the buyer: {paid}.",
        "uk_import": "VAT-exempt export (Art. 146 Directive 2006/112/EC). Consignment over "
        "£135: UK import VAT and duty are charged on import and payable by the recipient.",
        "ioss": "Import into the EU of goods worth up to €150: Amazon is the deemed supplier "
        "(Art. 14a(1) Directive 2006/112/EC) and collected the VAT for {country} ({amount}) "
        "under the Import One-Stop-Shop, IOSS number {ioss}; paid by the buyer: {paid}.",
        "credit_reason": "Reason: {reason}",
        "gift_message": "Gift message: {message}",
        "copy": "COPY",
        "vat_eur": "VAT in EUR (ECB reference rate {day}: 1 EUR = {rate} {currency})",
        "preview": "PREVIEW – not an invoice",
        "no_prices": "Delivery note without prices — the invoice is sent separately.",
    },
    "fr": {
        "invoice": "Facture",
        "delivery_note": "Bon de livraison",
        "credit_note": "Avoir",
        "number": "Numéro",
        "date": "Date",
        "delivery_date": "Date de livraison",
        "order": "Commande Amazon",
        "package": "Colis {reference}",
        "marketplace": "Place de marché",
        "customer_vat": "N° TVA client",
        "refers_to": "Facture d'origine",
        "pos": "N°",
        "sku": "Réf.",
        "title": "Désignation",
        "qty": "Qté",
        "unit_price": "Prix unitaire",
        "vat": "TVA",
        "total": "Total",
        "shipping": "Frais de port",
        "gift_wrap": "Emballage cadeau",
        "promotion": "Remise",
        "net": "Total HT",
        "vat_amount": "TVA {rate} sur {net}",
        "gross": "Total TTC",
        "to_credit": "Montant de l'avoir",
        "prices_gross": "Tous les prix en {currency} TTC.",
        "paid": "Montant déjà réglé via {marketplace}.",
        "ship_to": "Adresse de livraison",
        "bill_to": "Adresse de facturation",
        "customer": "Client Amazon",
        "vat_id": "N° TVA",
        "tax_number": "N° fiscal",
        "page": "Page {n} sur {total}",
        "intra_eu": "Exonération de TVA, article 262 ter I du CGI (livraison "
        "intracommunautaire, art. 138 de la directive 2006/112/CE).",
        "amazon_collects": "Exportation exonérée de TVA (art. 262 I du CGI). La TVA pour "
        "{country} ({amount}) a été perçue et reversée par Amazon, fournisseur présumé ; "
        "payé par l'acheteur : {paid}.",
        "oss": "Lieu de livraison {country} : TVA du pays de destination, "
        "déclarée via le guichet unique (OSS).",
        "export": "Exportation exonérée de TVA (art. 262 I du CGI).",
        "uk_deemed_supplier": "Exportation exonérée de TVA (art. 262 I du CGI). Envoi d'une "
        "valeur de 135 GBP au plus : Amazon, fournisseur présumé (UK VATA 1994 s. 5A), a perçu "
        "et reversé la TVA britannique ({amount}) ; payé par l'acheteur : {paid}.",
        "uk_import": "Exportation exonérée de TVA (art. 262 I du CGI). Envoi de plus de "
        "135 GBP : la TVA britannique à l'importation et les droits sont dus à l'importation "
        "par le destinataire.",
        "ioss": "Importation dans l'UE d'une valeur intrinsèque de 150 EUR au plus : Amazon, "
        "fournisseur présumé (art. 14 bis, par. 1, directive 2006/112/CE), a perçu la TVA pour "
        "{country} ({amount}) via le guichet unique à l'importation, numéro IOSS {ioss} ; payé "
        "par l'acheteur : {paid}.",
        "credit_reason": "Motif : {reason}",
        "gift_message": "Message cadeau : {message}",
        "copy": "COPIE",
        "vat_eur": "TVA en EUR (taux de référence BCE {day} : 1 EUR = {rate} {currency})",
        "preview": "APERÇU – ceci n'est pas une facture",
        "no_prices": "Bon de livraison sans prix — la facture est envoyée séparément.",
    },
}


def text(language: str, key: str, **values: str) -> str:
    """A printed phrase in the document language (English when a key or language is missing)."""
    phrase = TEXTS.get(language, TEXTS["en"]).get(key) or TEXTS["en"][key]
    return phrase.format(**values) if values else phrase
