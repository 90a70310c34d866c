"""Amazon's marketplaces and the SP-API region each belongs to (developer-docs …/marketplace-ids).

An account's refresh token works only against its region's endpoint, so a marketplace from another
region fails later with a 403 that says nothing useful; `accounts add` checks the pair up front.
"""

from __future__ import annotations

# marketplace id → (country code, region)
MARKETPLACES: dict[str, tuple[str, str]] = {
    # North America: https://sellingpartnerapi-na.amazon.com
    "A2EUQ1WTGCTBG2": ("CA", "na"),
    "ATVPDKIKX0DER": ("US", "na"),
    "A1AM78C64UM0Y8": ("MX", "na"),
    "A2Q3Y263D00KWC": ("BR", "na"),
    # Europe (with the Middle East, Africa and India): https://sellingpartnerapi-eu.amazon.com
    "A28R8C7NBKEWEA": ("IE", "eu"),
    "A1RKKUPIHCS9HS": ("ES", "eu"),
    "A1F83G8C2ARO7P": ("UK", "eu"),
    "A13V1IB3VIYZZH": ("FR", "eu"),
    "AMEN7PMS3EDWL": ("BE", "eu"),
    "A1805IZSGTT6HS": ("NL", "eu"),
    "A1PA6795UKMFR9": ("DE", "eu"),
    "APJ6JRA9NG5V4": ("IT", "eu"),
    "A2NODRKZP88ZB9": ("SE", "eu"),
    "AE08WJ6YKNBMC": ("ZA", "eu"),
    "A1C3SOZRARQ6R3": ("PL", "eu"),
    "ARBP9OOSHTCHU": ("EG", "eu"),
    "A33AVAJ2PDY3EV": ("TR", "eu"),
    "A17E79C6D8DWNP": ("SA", "eu"),
    "A2VIGQ35RCS4UG": ("AE", "eu"),
    "A21TJRUUN4KGV": ("IN", "eu"),
    # Far East: https://sellingpartnerapi-fe.amazon.com
    "A19VAU5U5O7RUS": ("SG", "fe"),
    "A39IBJ37TRP1C6": ("AU", "fe"),
    "A1VC38T7YXB528": ("JP", "fe"),
}
REGIONS = ("eu", "na", "fe")
BY_COUNTRY = {country: mid for mid, (country, _) in MARKETPLACES.items()}


def country_of(marketplace_id: str) -> str:
    """The country a packer knows the marketplace by (DE, FR, PL …); "" for an unknown id."""
    known = MARKETPLACES.get(marketplace_id)
    return known[0] if known else ""


def marketplace_problems(region: str, marketplace_ids: list[str]) -> list[str]:
    """What is wrong with this region × marketplaces pair, in words a seller can act on."""
    problems = []
    region = region.lower()
    if region not in REGIONS:
        problems.append(f"region {region!r} must be eu, na or fe")
    for mid in marketplace_ids:
        if mid in MARKETPLACES:
            country, home = MARKETPLACES[mid]
            if region in REGIONS and home != region:
                problems.append(
                    f"marketplace {mid} ({country}) belongs to region {home}, not {region}: "
                    f"use --region {home}, or one account per region"
                )
            continue
        hint = f" — did you mean {BY_COUNTRY[mid.upper()]}?" if mid.upper() in BY_COUNTRY else ""
        problems.append(f"{mid!r} is not an Amazon marketplace id{hint}")
    return problems
