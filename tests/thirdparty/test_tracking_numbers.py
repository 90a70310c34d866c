"""Tracking numbers typed at the desk or sent by a provider: formats and check digits."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.carriers.tracking import (
    InvalidTrackingNumber,
    gs1_check_digit,
    identcode_check_digit,
    mod7_check_digit,
    s10_check_digit,
    ups_check_digit,
    validate_tracking,
)

digits = st.text(alphabet="0123456789", min_size=1, max_size=1)


def body(n: int) -> st.SearchStrategy[str]:
    return st.text(alphabet="0123456789", min_size=n, max_size=n)


def wrong(number: str, check: int) -> str:
    return number[:-1] + str((check + 1) % 10)


@pytest.mark.parametrize(
    ("carrier", "number"),
    [
        ("DHL", "00340434161094015902"),
        ("dhl", "0034 0434 1610 9404 2557"),
        ("DHL Express", "3318810025"),
        ("DHL", "JJD0099999999"),
        ("UPS", "1Z5R89390357567127"),
        ("ups", "1z879e930346834440"),
        ("UPS", "1Z410E7W0392751591"),
        ("Deutsche Post", "RR123456785DE"),
        ("deutsche_post", "563102430313"),
        ("DPD", "01234567890123"),
        ("GLS", "12345678901"),
        ("Hermes", "12345678901234"),
        ("Other", "ABC-12345"),
    ],
)
def test_real_numbers_pass(carrier, number):
    assert validate_tracking(carrier, number) == number.replace(" ", "").replace("-", "").upper()


@pytest.mark.parametrize(
    ("carrier", "number", "words"),
    [
        ("DHL", "00340434161094015903", "wrong check digit"),
        ("DHL", "3318810010", "wrong check digit"),
        ("UPS", "1Z1111111111111111", "wrong check digit"),
        ("UPS", "2Z5R89390357567127", "not a UPS tracking number"),
        ("Deutsche Post", "RR123456784DE", "wrong check digit"),
        ("DPD", "1234", "not a DPD tracking number"),
        ("Hermes", "12345", "not a Hermes tracking number"),
        ("Other", "", "empty"),
        ("Other", "ab", "4 to 40 letters"),
    ],
)
def test_wrong_numbers_say_why(carrier, number, words):
    with pytest.raises(InvalidTrackingNumber, match=words):
        validate_tracking(carrier, number)


@given(body(17))
def test_dhl_twenty_digits_gs1(b):
    number = "00" + b + str(gs1_check_digit("00" + b))
    assert validate_tracking("DHL", number) == number
    with pytest.raises(InvalidTrackingNumber):
        validate_tracking("DHL", wrong(number, int(number[-1])))


@given(body(11))
def test_identcode(b):
    number = b + str(identcode_check_digit(b))
    assert validate_tracking("Deutsche Post", number) == number
    with pytest.raises(InvalidTrackingNumber):
        validate_tracking("Deutsche Post", wrong(number, int(number[-1])))


@given(st.integers(min_value=0, max_value=999_999_999))
def test_dhl_express_mod7(n):
    b = f"{n:09d}"
    number = b + str(mod7_check_digit(b))
    assert validate_tracking("DHL", number) == number
    bad = b + str((mod7_check_digit(b) + 1) % 7)
    with pytest.raises(InvalidTrackingNumber):
        validate_tracking("DHL", bad)


@given(st.text(alphabet="ABCDEFGHJKLMNPQRSTUVWXYZ0123456789", min_size=15, max_size=15))
def test_ups_1z(b):
    number = "1Z" + b + str(ups_check_digit(b))
    assert validate_tracking("UPS", number) == number
    with pytest.raises(InvalidTrackingNumber, match="check digit"):
        validate_tracking("UPS", wrong(number, int(number[-1])))


@given(
    st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=2, max_size=2),
    body(8),
)
def test_upu_s10(prefix, serial):
    number = f"{prefix}{serial}{s10_check_digit(serial)}DE"
    assert validate_tracking("Deutsche Post", number) == number
    bad = f"{prefix}{serial}{(s10_check_digit(serial) + 1) % 10}DE"
    with pytest.raises(InvalidTrackingNumber):
        validate_tracking("Deutsche Post", bad)
