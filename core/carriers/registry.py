"""Which carrier ships a package: per FulfilmentProfile, and per package weight.

A profile names a carrier (``FulfilmentProfileRow.carrier``) and may refine it by weight in its
options::

    {"carriers": [{"max_weight_g": 1000, "carrier": "deutsche_post"}, {"carrier": "dhl"}]}

A rule may also name destination countries (``"countries": ["DE", "AT"]``, ISO alpha-2) and the
carrier services it wants (``"services": {"preferredNeighbour": "Nr. 5"}``, DHL's VAS names).
The first rule whose ``max_weight_g`` is not exceeded and whose countries (if any) include the
destination wins; a rule without limits takes the rest; when no rule fits, the profile's own
carrier does. Carriers are registered once per process (the
composition root does it) — globally or for one account (Amazon Buy Shipping speaks for one seller).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from core.carriers.manual import ManualCarrier
from core.carriers.tracking import carrier_info
from core.errors import UserInputError
from core.ports import Carrier, Label, LabelRequest


@dataclass(frozen=True)
class CarrierRule:
    """Use `carrier` for packages up to `max_weight_g` grams (no limit when None)."""

    carrier: str
    max_weight_g: int | None = None
    countries: frozenset[str] = frozenset()  # empty: every destination
    services: Mapping[str, Any] = field(default_factory=dict)

    def fits(self, weight_g: int, country: str = "") -> bool:
        if self.max_weight_g is not None and weight_g > self.max_weight_g:
            return False
        return not self.countries or country.upper() in self.countries


def carrier_rules(options: Mapping[str, Any]) -> list[CarrierRule]:
    """The weight rules of a profile's options; a bad entry is named in the error."""
    raw = options.get("carriers") or []
    if not isinstance(raw, list):
        raise UserInputError("profile options.carriers must be a list of {carrier, max_weight_g}")
    rules = []
    for i, item in enumerate(raw):
        if not isinstance(item, Mapping) or not str(item.get("carrier") or "").strip():
            raise UserInputError(f"profile options.carriers[{i}]: needs a carrier name")
        limit = item.get("max_weight_g")
        if limit is not None and (
            not isinstance(limit, int) or isinstance(limit, bool) or limit <= 0
        ):
            raise UserInputError(
                f"profile options.carriers[{i}].max_weight_g: must be a positive whole number of grams"
            )
        countries = item.get("countries") or []
        if not isinstance(countries, list) or not all(
            isinstance(c, str) and len(c.strip()) == 2 for c in countries
        ):
            raise UserInputError(
                f"profile options.carriers[{i}].countries: a list of two-letter country codes"
            )
        services = item.get("services") or {}
        if not isinstance(services, Mapping):
            raise UserInputError(f"profile options.carriers[{i}].services: must be an object")
        rules.append(
            CarrierRule(
                str(item["carrier"]).strip(),
                limit,
                frozenset(c.strip().upper() for c in countries),
                dict(services),
            )
        )
    return rules


def choose_rule(
    default: str, options: Mapping[str, Any], weight_g: int, country: str = ""
) -> CarrierRule:
    """The rule for a package of `weight_g` grams to `country` under a profile."""
    for rule in carrier_rules(options):
        if rule.fits(weight_g, country):
            return rule
    return CarrierRule(default)


def choose_carrier(
    default: str, options: Mapping[str, Any], weight_g: int, country: str = ""
) -> str:
    """The carrier code for a package of `weight_g` grams (to `country`) under a profile."""
    return choose_rule(default, options, weight_g, country).carrier


class CarrierRegistry:
    """Carriers by code, optionally per account. Unknown codes of known carriers become manual."""

    def __init__(self, carriers: Iterable[Carrier] = ()) -> None:
        self._carriers: dict[tuple[str, int | None], Carrier] = {}
        for carrier in carriers:
            self.register(carrier)

    def register(self, carrier: Carrier, account_id: int | None = None) -> None:
        self._carriers[(carrier.code, account_id)] = carrier

    def carrier_for(self, code: str, account_id: int | None = None) -> Carrier | None:
        """The carrier registered for this account, else for everyone, else a manual one."""
        found = self._carriers.get((code, account_id)) or self._carriers.get((code, None))
        if found is not None:
            return found
        if code in {"", "manual"} or carrier_info(code) is not None:
            return ManualCarrier(code or "manual")
        return None

    def get(self, code: str, account_id: int | None = None) -> Carrier:
        carrier = self.carrier_for(code, account_id)
        if carrier is None:
            known = sorted({c for c, _ in self._carriers} | {"manual"})
            raise UserInputError(f"No carrier {code!r} is set up (known: {', '.join(known)}).")
        return carrier

    def for_profile(
        self, carrier: str, options: Mapping[str, Any], account_id: int | None = None
    ) -> Carrier:
        """The profile's carrier; with weight rules, one that picks per package."""
        rules = carrier_rules(options)
        if not rules:
            return self.get(carrier, account_id)
        for code in {r.carrier for r in rules} | {carrier}:
            self.get(code, account_id)  # fail now, not when the first heavy parcel comes
        return WeightRoutedCarrier(self, carrier, dict(options), account_id)


class WeightRoutedCarrier:
    """A Carrier that hands each package to the carrier its weight calls for."""

    code = "by_weight"

    def __init__(
        self,
        registry: CarrierRegistry,
        default: str,
        options: dict[str, Any],
        account_id: int | None = None,
    ) -> None:
        self.registry = registry
        self.default = default
        self.options = options
        self.account_id = account_id

    def choose(self, weight_g: int) -> Carrier:
        code = choose_carrier(self.default, self.options, weight_g)
        return self.registry.get(code, self.account_id)

    async def create_label(self, request: LabelRequest) -> Label:
        return await self.choose(request.weight_g).create_label(request)

    async def cancel_label(self, label: Label) -> None:
        """Cancel with the carrier that made the label (matched by its Amazon carrier code)."""
        codes = [r.carrier for r in carrier_rules(self.options)] + [self.default]
        for code in codes:
            carrier = self.registry.get(code, self.account_id)
            info = carrier_info(code)
            if (info and info.amazon_code == label.carrier_code) or code == label.carrier_code:
                await carrier.cancel_label(label)
                return
        await self.registry.get(self.default, self.account_id).cancel_label(label)
