"""Marketplaces the emulator knows (ids from Amazon's marketplace table, sp-api.md §2)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Marketplace:
    """One Amazon marketplace."""

    marketplace_id: str
    country: str
    currency: str
    domain: str
    region: str
    vat_rate: str
    fba_channel: str


MARKETPLACES: dict[str, Marketplace] = {
    m.marketplace_id: m
    for m in (
        Marketplace("A1PA6795UKMFR9", "DE", "EUR", "Amazon.de", "EU", "0.19", "AMAZON_EU"),
        Marketplace("A13V1IB3VIYZZH", "FR", "EUR", "Amazon.fr", "EU", "0.20", "AMAZON_EU"),
        Marketplace("APJ6JRA9NG5V4", "IT", "EUR", "Amazon.it", "EU", "0.22", "AMAZON_EU"),
        Marketplace("A1RKKUPIHCS9HS", "ES", "EUR", "Amazon.es", "EU", "0.21", "AMAZON_EU"),
        Marketplace("A1F83G8C2ARO7P", "GB", "GBP", "Amazon.co.uk", "EU", "0.20", "AMAZON_EU"),
        Marketplace("A1805IZSGTT6HS", "NL", "EUR", "Amazon.nl", "EU", "0.21", "AMAZON_EU"),
        Marketplace("A1C3SOZRARQ6R3", "PL", "PLN", "Amazon.pl", "EU", "0.23", "AMAZON_EU"),
        Marketplace("A2NODRKZP88ZB9", "SE", "SEK", "Amazon.se", "EU", "0.25", "AMAZON_EU"),
        Marketplace("A33AVAJ2PDY3EV", "TR", "TRY", "Amazon.com.tr", "EU", "0.20", "AMAZON_EU"),
        Marketplace("ATVPDKIKX0DER", "US", "USD", "Amazon.com", "NA", "0.00", "AMAZON_NA"),
    )
}
BY_COUNTRY: dict[str, Marketplace] = {m.country: m for m in MARKETPLACES.values()}

# Seller accounts the seed creates, in order: (name, marketplace countries).
ACCOUNT_LAYOUT: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Seller DE+FR", ("DE", "FR")),
    ("Seller PL", ("PL",)),
    ("Seller SE", ("SE",)),
    ("Seller IT+ES", ("IT", "ES")),
    ("Seller TR", ("TR",)),
    ("Seller US", ("US",)),
)
