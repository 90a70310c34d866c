"""An async SP-API client on aiohttp: LWA tokens, usage-plan pacing, retries, typed errors."""

from core.channels.amazon.client.auth import DEFAULT_LWA_URL, Credentials, TokenSource
from core.channels.amazon.client.errors import (
    AuthorizationError,
    CircuitOpenError,
    InvalidInputError,
    LwaError,
    NotFoundError,
    ServerError,
    SpApiError,
    ThrottledError,
)
from core.channels.amazon.client.http import (
    REGION_ENDPOINTS,
    ClientStats,
    Response,
    RetryPolicy,
    SpApiClient,
)

__all__ = [
    "DEFAULT_LWA_URL",
    "REGION_ENDPOINTS",
    "AuthorizationError",
    "CircuitOpenError",
    "ClientStats",
    "Credentials",
    "InvalidInputError",
    "LwaError",
    "NotFoundError",
    "Response",
    "RetryPolicy",
    "ServerError",
    "SpApiClient",
    "SpApiError",
    "ThrottledError",
    "TokenSource",
]
