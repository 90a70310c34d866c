"""Errors with sentences a person can act on. The CLI maps them to exit codes, the console to messages."""

from __future__ import annotations

from enum import StrEnum


class PackdeskError(Exception):
    """Something went wrong doing the work (exit code 1)."""


class UserInputError(PackdeskError):
    """The input was wrong: an unknown id, a bad value, a bad config (exit code 2)."""


class ConfigurationMissing(UserInputError):
    """A setting a person has to fill in (e.g. `company.name`). Jobs that meet it wait for it."""


class NotFound(UserInputError):
    """The thing asked for does not exist."""


class Outcome(StrEnum):
    """What a job that met an error should do next."""

    WAIT = "wait"  # not a failure (a rate limit): try again after a pause, no attempt used
    RETRY = "retry"  # may work later (a server error): retry with backoff, one attempt used
    FAIL = "fail"  # retrying cannot help (bad input): give up now, a person must act


class RemoteError(PackdeskError):
    """A service we call (Amazon, a carrier) answered with an error; `outcome` says what now.

    Each service's errors set their outcome once, where they are typed, so every job that calls
    the service treats the same answer the same way.
    """

    outcome: Outcome = Outcome.RETRY
    wait_s: float = 0.0  # for Outcome.WAIT: how long to pause


class ConflictError(PackdeskError):
    """Someone else got there first (another station claimed the order, the row changed)."""


class RateMissing(PackdeskError):
    """An invoice in another currency needs the ECB rate of its supply date, and none is stored.

    Such an invoice must state its VAT in EUR too (§ 14 Abs. 4 Nr. 8, § 16 Abs. 6 UStG; Art. 230
    VAT Directive), so it is not issued without one: the job issuing it fetches the rate or waits.
    """

    def __init__(self, currency: str, day: object) -> None:
        super().__init__(
            f"No ECB reference rate for {currency} on {day} or the 7 days before: an invoice "
            f"in {currency} must also state its VAT in EUR (§ 16 Abs. 6 UStG)."
        )
        self.currency = currency
        self.day = day
