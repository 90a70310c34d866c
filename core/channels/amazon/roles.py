"""Restricted roles: what Amazon refuses (403) when the app's authorization lacks one.

Amazon answers a missing role with a bare 403 ("Access to requested resource is denied.") that
names no role; where Packdesk knows which role an operation needs (the VAT invoice data report
and the UPLOAD_VAT_INVOICE feed need Tax Invoicing), it says so. It is a setting the seller has
to change, not a failure of the job: a job that meets it waits, no attempt used, until the role
is granted (the outbox rechecks such jobs every few minutes and whenever a runner starts).
"""

from __future__ import annotations

from core.channels.amazon.client.errors import AuthorizationError
from core.errors import ConfigurationMissing

TAX_INVOICING = "Tax Invoicing"


class MissingRole(ConfigurationMissing):
    """Amazon denied an operation that needs a restricted role the app does not have."""

    def __init__(self, role: str, denied: str, consequence: str, request_id: str = "") -> None:
        self.role = role
        self.request_id = request_id
        super().__init__(
            f"Amazon denied {denied}: the app lacks the restricted '{role}' role, so "
            f"{consequence}. Request the {role} role for the app in Seller Central's Developer "
            "Central, then authorize it again"
            + (f" (request id {request_id})." if request_id else ".")
        )

    @property
    def advice(self) -> str:
        return (
            f"Add the {self.role} role to the app in Developer Central and authorize it again; "
            "what waited for it goes on by itself."
        )


def token_expired(exc: AuthorizationError) -> bool:
    """A 403 for an expired access token (also a 403, but no role is missing)."""
    return "expired" in f"{exc.message} {exc.details}".lower()


__all__ = ["TAX_INVOICING", "MissingRole", "token_expired"]
