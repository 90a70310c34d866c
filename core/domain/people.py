"""Who works at the desk, and where."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Role(StrEnum):
    PACKER = "packer"
    SUPERVISOR = "supervisor"


@dataclass
class Packer:
    name: str
    badge: str  # the code on the packer's badge, scanned at sign-in
    role: Role = Role.PACKER
    language: str = ""
    active: bool = True
    id: int | None = None

    @property
    def is_supervisor(self) -> bool:
        return self.role is Role.SUPERVISOR


@dataclass
class Station:
    """A packing desk; its printer routes live in the config under `stations.<name>`."""

    name: str
    warehouse_id: int | None = None
    id: int | None = None


def possible_pin(text: str) -> bool:
    """A PIN is 4 to 12 digits: what `packdesk packers set-pin` accepts, and all a PIN may be."""
    return text.isdigit() and 4 <= len(text) <= 12
