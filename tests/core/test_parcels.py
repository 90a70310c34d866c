"""Parcel weights without a database: the sum the label job and the desk share, and what a packer
types from the scale."""

from __future__ import annotations

import pytest

from core.domain.errors import DomainError
from core.domain.parcels import DeskParcels, LineWeight, parse_grams, weigh

WEIGHTS = {1: LineWeight("MUG", 350), 2: LineWeight("TEA", 110), 3: LineWeight("PEN", 0)}


def test_weigh_adds_articles_and_box_and_names_what_nobody_weighed() -> None:
    assert weigh({1: 2, 2: 1}, WEIGHTS, 120).grams == 930
    unknown = weigh({1: 1, 3: 2}, WEIGHTS, 120)
    assert (unknown.grams, unknown.missing) == (0, ("PEN",))


@pytest.mark.parametrize(
    ("typed", "grams"),
    [
        ("850", 850),
        ("850 g", 850),
        ("1,25 kg", 1250),
        ("1.2kg", 1200),
        ("1,5", 1500),
        ("2KG", 2000),
    ],
)
def test_weights_typed_from_the_scale(typed: str, grams: int) -> None:
    assert parse_grams(typed) == grams


@pytest.mark.parametrize("typed", ["", "abc", "0", "71 kg", "-5", "12 lb"])
def test_nonsense_weights_are_refused_with_a_sentence(typed: str) -> None:
    with pytest.raises(DomainError):
        parse_grams(typed)


def test_weighed_boxes_override_the_sum_and_follow_the_shipped_boxes() -> None:
    parcels = DeskParcels(WEIGHTS, packaging=120)
    boxes = [{1: 2}, {}, {2: 1}]  # an empty box in between is not shipped
    parcels.weigh_box(2, 400)
    assert [(n, w.grams, weighed) for n, w, weighed in parcels.shown(boxes)] == [
        (1, 820, None),
        (2, 230, 400),
    ]
    assert parcels.for_completion(boxes) == [0, 400]  # 0: the label job computes it
