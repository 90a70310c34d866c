"""Faults on request: 429 storms, 5xx, slow answers, resets, broken JSON, bad grants, expired tokens.

A spec is a comma-separated list of rules ``MODE[:key=value]...`` with keys ``rate`` (0..1, default 1),
``op`` (operation names joined by ``|``; ``getOrder`` matches every API's getOrder, ``ordersV0.getOrder``
only that one), ``count`` (fire this many times, then stop) and ``seconds`` (for ``slow``). Example:
``429:op=searchOrders:rate=0.5,500:count=2,slow:seconds=0.3,invalid_grant:count=1``.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Any

MODES = frozenset(
    {
        "429",  # QuotaExceeded although the bucket has tokens (a storm with rate=1)
        "400",  # InvalidInput: Amazon refuses what was sent (sending it again will not help)
        "500",  # InternalFailure
        "503",  # ServiceUnavailable
        "slow",  # answer after `seconds`
        "reset",  # close the connection without an answer
        "truncated",  # a JSON body cut in half
        "malformed",  # a body that is not JSON at all, labelled JSON
        "invalid_grant",  # LWA refuses the refresh token
        "expired_token",  # SP-API treats the access token as expired
        "gzip_plain",  # report documents flagged GZIP but stored plain
        "endless_pages",  # every page has a fresh next token: pagination never ends
        "repeat_token",  # every page has the same next token
        "huge",  # the answer padded to `size` bytes (default 64 MiB)
        "wrong_types",  # lists and objects of the answer replaced by strings
        "late",  # the request is carried out, its answer sent after `seconds`
    }
)
_ALIASES = {"storm": "429", "throttle": "429", "quota": "429", "expired": "expired_token"}
# Modes that only make sense for one kind of endpoint.
LWA_MODES = frozenset({"invalid_grant"})
DOCUMENT_MODES = frozenset({"gzip_plain"})


class FaultSpecError(ValueError):
    """A fault spec that cannot be read; the message says which part."""


@dataclass(slots=True)
class FaultRule:
    """One rule of a fault plan."""

    mode: str
    rate: float = 1.0
    ops: frozenset[str] = field(default_factory=frozenset)
    count: int | None = None
    seconds: float = 1.0
    size: int = 64 * 1024**2

    def matches(self, operation: str) -> bool:
        """Whether this rule applies to an operation key like ``ordersV0.getOrder``."""
        if not self.ops:
            return True
        short = operation.rsplit(".", 1)[-1]
        return operation in self.ops or short in self.ops or operation.split(".", 1)[0] in self.ops

    def as_dict(self) -> dict[str, Any]:
        """JSON form for the inspection API."""
        return {
            "mode": self.mode,
            "rate": self.rate,
            "ops": sorted(self.ops),
            "count": self.count,
            "seconds": self.seconds,
        }


def parse_rule(text: str) -> FaultRule:
    """One ``MODE[:key=value]...`` rule."""
    parts = [p.strip() for p in text.split(":") if p.strip()]
    if not parts:
        raise FaultSpecError("empty fault rule")
    mode = _ALIASES.get(parts[0].lower(), parts[0].lower())
    if mode not in MODES:
        raise FaultSpecError(
            f"unknown fault mode {parts[0]!r}; use one of {', '.join(sorted(MODES))}"
        )
    rule = FaultRule(mode)
    for part in parts[1:]:
        key, sep, value = part.partition("=")
        try:
            if not sep:
                raise ValueError
            if key == "rate":
                rule.rate = float(value)
                if not 0.0 <= rule.rate <= 1.0:
                    raise ValueError
            elif key == "op":
                rule.ops = frozenset(v for v in value.split("|") if v)
            elif key == "count":
                rule.count = int(value)
            elif key == "seconds":
                rule.seconds = float(value)
            elif key == "size":
                rule.size = int(value)
            else:
                raise FaultSpecError(
                    f"unknown fault option {key!r} in {text!r}; use rate, op, count, seconds or size"
                )
        except ValueError:
            raise FaultSpecError(f"bad fault option {part!r} in {text!r}") from None
    return rule


def parse_spec(spec: str | None) -> list[FaultRule]:
    """A whole spec (empty or None means no faults)."""
    if not spec or not spec.strip():
        return []
    return [parse_rule(item) for item in spec.split(",") if item.strip()]


def rules_from_json(body: Any) -> list[FaultRule]:
    """``{"spec": "..."}`` or ``{"faults": [{"mode", "rate", "ops", "count", "seconds"}]}``."""
    if (
        isinstance(body, dict)
        and isinstance(body.get("spec"), str | type(None))
        and "faults" not in body
    ):
        return parse_spec(body.get("spec"))
    if not isinstance(body, dict) or not isinstance(body.get("faults"), list):
        raise FaultSpecError('send {"spec": "..."} or {"faults": [...]}')
    rules = []
    for raw in body["faults"]:
        if not isinstance(raw, dict) or "mode" not in raw:
            raise FaultSpecError("every fault needs a mode")
        rule = parse_rule(str(raw["mode"]))
        rule.rate = float(raw.get("rate", 1.0))
        rule.ops = frozenset(raw.get("ops", ()))
        rule.count = None if raw.get("count") is None else int(raw["count"])
        rule.seconds = float(raw.get("seconds", 1.0))
        rules.append(rule)
    return rules


class FaultPlan:
    """The faults in force; rates draw from a seeded generator so runs repeat."""

    def __init__(self, rules: list[FaultRule] | None = None, seed: int = 0) -> None:
        self.rules = list(rules or [])
        self._rng = random.Random(f"{seed}:faults")

    def set(self, rules: list[FaultRule]) -> None:
        """Replace all rules."""
        self.rules = list(rules)

    def pick(self, operation: str, modes: frozenset[str] | None = None) -> FaultRule | None:
        """The rule that fires for this request, if any (spends one of its ``count``)."""
        if not self.rules:
            return None
        for rule in self.rules:
            if modes is not None and rule.mode not in modes:
                continue
            if modes is None and rule.mode in LWA_MODES | DOCUMENT_MODES:
                continue
            if not rule.matches(operation):
                continue
            if rule.rate < 1.0 and self._rng.random() >= rule.rate:
                continue
            if rule.count is not None:
                rule.count -= 1
                if rule.count <= 0:
                    self.rules.remove(rule)
            return rule
        return None
