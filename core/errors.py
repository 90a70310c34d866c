"""Errors with sentences a person can act on. The CLI maps them to exit codes, the console to messages."""

from __future__ import annotations


class PackdeskError(Exception):
    """Something went wrong doing the work (exit code 1)."""


class UserInputError(PackdeskError):
    """The input was wrong: an unknown id, a bad value, a bad config (exit code 2)."""


class NotFound(UserInputError):
    """The thing asked for does not exist."""


class ConflictError(PackdeskError):
    """Someone else got there first (another station claimed the order, the row changed)."""
