"""Domain errors: each message is a sentence a packer or supervisor can act on."""

from __future__ import annotations

from core.errors import PackdeskError


class DomainError(PackdeskError):
    """A rule of the warehouse was about to be broken."""


class IllegalTransition(DomainError):
    """An order cannot move from its current status to the one asked for."""
