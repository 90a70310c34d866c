"""Carriers Packdesk knows by name, and the shape of their tracking numbers.

A number typed or scanned at the desk (or reported by a fulfilment provider) is checked before it
reaches Amazon: a DHL or UPS number with a wrong check digit is a typo, and a typo confirmed to
Amazon sends the buyer to somebody else's parcel. Where a carrier's format has no public check
digit (DPD's 14-digit parcel number, GLS, Hermes) only the shape is checked.

Check digits implemented (each property-tested in tests/thirdparty/test_tracking_numbers.py):

- GS1 mod 10 (weights 3/1 from the right): DHL Paket 20-digit numbers ``00`` + SSCC.
- Deutsche Post Identcode / Leitcode (weights 4/9 from the left, mod 10): 12 and 14 digits.
- DHL Express mod 7: 10 digits, the first nine mod 7 give the last.
- UPS ``1Z`` mod 10 (letters mapped to digits, odd positions doubled).
- UPU S10 (weights 8-6-4-2-3-5-9-7, mod 11) for international mail: ``RR123456785DE``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from core.errors import UserInputError


class InvalidTrackingNumber(UserInputError):
    """The number does not look like one of this carrier's tracking numbers."""


def gs1_check_digit(body: str) -> int:
    """GS1 mod 10 over a digit string (weights 3, 1, 3 … from the right)."""
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(body)))
    return (10 - total % 10) % 10


def identcode_check_digit(body: str) -> int:
    """Deutsche Post Identcode/Leitcode: weights 4, 9, 4 … from the left, mod 10."""
    total = sum(int(d) * (4 if i % 2 == 0 else 9) for i, d in enumerate(body))
    return (10 - total % 10) % 10


def mod7_check_digit(body: str) -> int:
    """DHL Express waybill: the number without its last digit, mod 7."""
    return int(body) % 7


def ups_check_digit(body: str) -> int:
    """UPS: the 15 characters after ``1Z``; letters count as (ord - 3) % 10, odd positions x2."""
    total = 0
    for i, ch in enumerate(body):
        value = int(ch) if ch.isdigit() else (ord(ch) - 3) % 10
        total += value * (2 if i % 2 else 1)
    return (10 - total % 10) % 10


def s10_check_digit(serial: str) -> int:
    """UPU S10: weights 8 6 4 2 3 5 9 7 over the 8-digit serial; 10 → 0, 11 → 5."""
    total = sum(int(d) * w for d, w in zip(serial, (8, 6, 4, 2, 3, 5, 9, 7), strict=True))
    check = 11 - total % 11
    return {10: 0, 11: 5}.get(check, check)


@dataclass(frozen=True)
class Format:
    """One kind of tracking number: a pattern and, where there is one, its check digit rule."""

    name: str
    pattern: re.Pattern[str]
    check: Callable[[str], bool] | None = None


def _digit_rule(rule: Callable[[str], int], start: int = 0) -> Callable[[str], bool]:
    return lambda n: rule(n[start:-1]) == int(n[-1])


def _s10(n: str) -> bool:
    return s10_check_digit(n[2:10]) == int(n[10])


S10 = Format("UPU S10 (international)", re.compile(r"[A-Z]{2}\d{9}[A-Z]{2}"), _s10)


@dataclass(frozen=True)
class CarrierInfo:
    """A carrier as Amazon's confirmShipment names it (`carrierCode`) and its number formats."""

    key: str  # Packdesk's name: dhl, deutsche_post …
    amazon_code: str  # carrierCode towards Amazon
    name: str
    formats: tuple[Format, ...] = ()
    example: str = ""


CARRIERS: dict[str, CarrierInfo] = {
    c.key: c
    for c in (
        CarrierInfo(
            "dhl",
            "DHL",
            "DHL",
            (
                Format(
                    "DHL Paket (20 digits)", re.compile(r"00\d{18}"), _digit_rule(gs1_check_digit)
                ),
                Format(
                    "DHL Paket (12 digits)",
                    re.compile(r"\d{12}"),
                    _digit_rule(identcode_check_digit),
                ),
                Format(
                    "DHL Express (10 digits)", re.compile(r"\d{10}"), _digit_rule(mod7_check_digit)
                ),
                Format("DHL piece id", re.compile(r"J[A-Z]{2,3}\d{9,20}")),
                S10,
            ),
            "00340434161094015902",
        ),
        CarrierInfo(
            "deutsche_post",
            "Deutsche Post",
            "Deutsche Post",
            (
                S10,
                Format(
                    "Leitcode (14 digits)",
                    re.compile(r"\d{14}"),
                    _digit_rule(identcode_check_digit),
                ),
                Format(
                    "Identcode (12 digits)",
                    re.compile(r"\d{12}"),
                    _digit_rule(identcode_check_digit),
                ),
                Format("Warenpost/Brief (20 characters)", re.compile(r"[0-9A-F]{20}")),
            ),
            "RR123456785DE",
        ),
        CarrierInfo(
            "dpd",
            "DPD",
            "DPD",
            (Format("DPD parcel number (14 digits)", re.compile(r"\d{14}")),),
            "01234567890123",
        ),
        CarrierInfo(
            "gls",
            "GLS",
            "GLS",
            (
                Format("GLS parcel number (11-12 digits)", re.compile(r"\d{11,12}")),
                Format("GLS track id (8 characters)", re.compile(r"[A-Z0-9]{8}")),
            ),
            "12345678901",
        ),
        CarrierInfo(
            "ups",
            "UPS",
            "UPS",
            (
                Format(
                    "UPS 1Z number (18 characters)",
                    re.compile(r"1Z[A-Z0-9]{15}\d"),
                    _digit_rule(ups_check_digit, start=2),
                ),
            ),
            "1Z5R89390357567127",
        ),
        CarrierInfo(
            "hermes",
            "Hermes",
            "Hermes",
            (
                Format("Hermes (14 or 16 digits)", re.compile(r"\d{14}|\d{16}")),
                Format("Hermes H-number", re.compile(r"H\d{19,20}")),
            ),
            "12345678901234",
        ),
        CarrierInfo("fedex", "FedEx", "FedEx", (), ""),
        CarrierInfo("amazon_shipping", "Amazon Shipping", "Amazon Shipping", (), ""),
    )
}

_ALIASES = {
    "dhl paket": "dhl",
    "dhl express": "dhl",
    "dhl_paket": "dhl",
    "deutschepost": "deutsche_post",
    "deutsche post": "deutsche_post",
    "dp": "deutsche_post",
    "warenpost": "deutsche_post",
    "dpd": "dpd",
    "gls": "gls",
    "ups": "ups",
    "hermes": "hermes",
    "evri": "hermes",
    "fedex": "fedex",
    "amazon": "amazon_shipping",
}

_ANY = re.compile(r"[A-Z0-9]{4,40}")


def carrier_info(name: str) -> CarrierInfo | None:
    """The carrier behind a name as people and providers write it, or None when unknown."""
    key = " ".join(name.strip().lower().replace("-", " ").split())
    key = _ALIASES.get(key, key.replace(" ", "_"))
    return CARRIERS.get(key)


def normalize(number: str) -> str:
    """Upper case, without the spaces and dashes people type or labels print."""
    return re.sub(r"[\s\-./]", "", number).upper()


def validate_tracking(carrier: str, number: str) -> str:
    """The normalised number if it fits the carrier's formats; else InvalidTrackingNumber.

    An unknown carrier (``Other``) only needs 4–40 letters and digits.
    """
    clean = normalize(number)
    if not clean:
        raise InvalidTrackingNumber("The tracking number is empty — scan or type it again.")
    info = carrier_info(carrier)
    if info is None or not info.formats:
        if not _ANY.fullmatch(clean):
            raise InvalidTrackingNumber(
                f"{number!r} is not a tracking number: use 4 to 40 letters and digits."
            )
        return clean
    shaped = [f for f in info.formats if f.pattern.fullmatch(clean)]
    if not shaped:
        expected = "; ".join(f.name for f in info.formats)
        raise InvalidTrackingNumber(
            f"{number!r} is not a {info.name} tracking number (expected {expected}"
            + (f", e.g. {info.example})" if info.example else ")")
            + " — check the label and scan it again."
        )
    if any(f.check is None or f.check(clean) for f in shaped):
        return clean
    raise InvalidTrackingNumber(
        f"{number!r} has a wrong check digit for a {info.name} {shaped[0].name} number — "
        "probably a typo; scan the label's barcode instead."
    )
