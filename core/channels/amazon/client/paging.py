"""Pagination that always ends: a token Amazon repeats, or more pages than any account has, stops
the walk with a sentence instead of a sync that never finishes."""

from __future__ import annotations

from core.channels.amazon.client.errors import SpApiError
from core.errors import Outcome

MAX_PAGES = 2000  # 200,000 orders at 100 a page: far beyond one sync window of any seller


class EndlessPagination(SpApiError):
    """Amazon's next tokens do not come to an end; what was read so far is kept."""

    outcome = Outcome.RETRY


class PageGuard:
    """Remembers the tokens of one walk; `follow(token)` says whether to fetch another page."""

    def __init__(self, operation: str, max_pages: int | None = None) -> None:
        self.operation = operation
        self.max_pages = max_pages or MAX_PAGES
        self.pages = 1
        self._seen: set[str] = set()

    def follow(self, token: object) -> str | None:
        """The token to ask with next, None when the walk is over; raises when it never ends."""
        if not token:
            return None
        if not isinstance(token, str):
            raise EndlessPagination(
                f"Amazon sent a next token that is not text ({type(token).__name__}) after page "
                f"{self.pages}; stopped there",
                operation=self.operation,
            )
        if token in self._seen:
            raise EndlessPagination(
                f"Amazon sent the same next token again after page {self.pages}; stopped there "
                "(what was read is kept, the next cycle starts again from the checkpoint)",
                operation=self.operation,
            )
        if self.pages >= self.max_pages:
            raise EndlessPagination(
                f"more than {self.max_pages} pages; stopped there (what was read is kept, "
                "the next cycle continues from the checkpoint)",
                operation=self.operation,
            )
        self._seen.add(token)
        self.pages += 1
        return token
