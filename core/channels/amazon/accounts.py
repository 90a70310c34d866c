"""Amazon accounts: stored with sealed credentials, tested with a diagnosis a seller understands."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from core.channels.amazon.client import (
    AuthorizationError,
    Credentials,
    LwaError,
    NotFoundError,
    SpApiError,
    orders,
)
from core.channels.amazon.connector import AmazonConnector
from core.channels.amazon.marketplaces import marketplace_problems
from core.channels.amazon.roles import MissingRole, token_expired
from core.errors import UserInputError
from core.persistence.models import AccountRow
from core.security import SecretBox

MARKETPLACE_REGION = {
    "A1PA6795UKMFR9": "eu",
    "A13V1IB3VIYZZH": "eu",
    "APJ6JRA9NG5V4": "eu",
    "A1RKKUPIHCS9HS": "eu",
    "A1F83G8C2ARO7P": "eu",
    "A1805IZSGTT6HS": "eu",
    "A1C3SOZRARQ6R3": "eu",
    "A2NODRKZP88ZB9": "eu",
    "AMEN7PMS3EDWL": "eu",
    "A28R8C7NBKEWEA": "eu",
    "ATVPDKIKX0DER": "na",
    "A2EUQ1WTGCTBG2": "na",
    "A1AM78C64UM0Y8": "na",
    "A2Q3Y263D00KWC": "na",
    "A1VC38T7YXB528": "fe",
    "A39IBJ37TRP1C6": "fe",
    "A19VAU5U5O7RUS": "fe",
}
CLOCK_SKEW_LIMIT = timedelta(minutes=5)


@dataclass(frozen=True)
class SavedAccount:
    """An Amazon account as `accounts add` and `accounts import` name it back (its row, with the
    sealed credentials, stays in core)."""

    name: str


def credentials_of(row: AccountRow, box: SecretBox) -> Credentials:
    data = box.open(row.credentials_sealed) if row.credentials_sealed else None
    if not data:
        raise UserInputError(
            f"Account {row.name} has no Amazon credentials — run `packdesk accounts add`."
        )
    return Credentials.from_dict(data)


async def save_account(
    name: str,
    *,
    seller_id: str,
    region: str,
    marketplace_ids: list[str],
    credentials: Credentials,
    box: SecretBox,
    endpoint: str = "",
    lwa_url: str = "",
    company: str = "default",
) -> SavedAccount:
    """Create or update an Amazon account; the secrets are stored sealed."""
    if not name or not seller_id or not marketplace_ids:
        raise UserInputError(
            "An Amazon account needs a name, a seller id and at least one marketplace."
        )
    region = region.lower()
    if problems := marketplace_problems(region, list(marketplace_ids)):
        raise UserInputError("; ".join(problems))
    fields: dict[str, Any] = {
        "kind": "amazon",
        "seller_id": seller_id,
        "region": region,
        "endpoint": endpoint,
        "lwa_url": lwa_url,
        "marketplace_ids": list(marketplace_ids),
        "company": company,
        "credentials_sealed": box.seal(credentials.to_dict()),
    }
    row, created = await AccountRow.get_or_create(name=name, defaults=fields)
    if not created:
        await AccountRow.filter(id=row.id).update(**fields)
    return SavedAccount(row.name)


async def import_credentials(data: dict[str, Any], box: SecretBox) -> list[SavedAccount]:
    """The JSON `packdesk emulator --write-credentials` writes (one app, several sellers)."""
    try:
        accounts = data["accounts"]
        client_id, client_secret = str(data["client_id"]), str(data["client_secret"])
    except (KeyError, TypeError):
        raise UserInputError(
            "The file needs client_id, client_secret and a list of accounts."
        ) from None
    saved = []
    for acc in accounts:
        try:
            saved.append(
                await save_account(
                    str(acc["name"]),
                    seller_id=str(acc["seller_id"]),
                    region=str(acc.get("region", "eu")),
                    marketplace_ids=list(acc["marketplace_ids"]),
                    credentials=Credentials(client_id, client_secret, str(acc["refresh_token"])),
                    box=box,
                    endpoint=str(data.get("endpoint", "")),
                    lwa_url=str(data.get("lwa_url", "")),
                )
            )
        except (KeyError, TypeError):
            raise UserInputError(
                "Every account needs name, seller_id, marketplace_ids and refresh_token."
            ) from None
    return saved


def account_json(row: AccountRow) -> dict[str, Any]:
    """One account as `accounts list --json` prints it (no secrets)."""
    return {
        "name": row.name,
        "kind": row.kind,
        "seller_id": row.seller_id,
        "region": row.region,
        "endpoint": row.endpoint,
        "marketplace_ids": list(row.marketplace_ids),
        "company": row.company,
        "health": row.health,
        "health_reason": row.health_reason,
        "health_at": row.health_at.isoformat() if row.health_at else None,
    }


async def list_accounts() -> list[dict[str, Any]]:
    """Every account by name, as `account_json` shows it."""
    return [account_json(r) for r in await AccountRow.all().order_by("name")]


async def set_health(account_id: int, health: str, reason: str = "") -> None:
    """ok | throttled | failing, with a sentence for the seller."""
    await AccountRow.filter(id=account_id).update(
        health=health, health_reason=reason[:500], health_at=datetime.now(UTC)
    )


@dataclass
class Diagnosis:
    ok: bool
    summary: str
    advice: str = ""
    request_id: str = ""


def explain(exc: BaseException, connector: AmazonConnector) -> Diagnosis:
    """A sentence a seller understands for why Amazon refused an account."""
    account = connector.account
    if isinstance(exc, LwaError):
        if exc.error == "invalid_grant":
            return Diagnosis(
                False,
                "Amazon no longer accepts this account's authorization (revoked or expired).",
                "Authorize Packdesk again in Seller Central and store the new refresh token with `packdesk accounts add`.",
            )
        if exc.error in {"invalid_client", "unauthorized_client"}:
            return Diagnosis(
                False,
                "The app's client id or client secret is not accepted.",
                "LWA client secrets must be rotated every 180 days — copy the current secret from Developer Central.",
            )
        return Diagnosis(
            False,
            f"The Login with Amazon service refused the token request ({exc.error}).",
            "Check the network and try again.",
        )
    if isinstance(exc, MissingRole):  # a 403 on an operation whose role Packdesk knows
        return Diagnosis(False, str(exc), exc.advice, exc.request_id)
    if isinstance(exc, AuthorizationError) and token_expired(exc):
        offset = connector.client.clock_offset or timedelta()
        return Diagnosis(
            False,
            "Amazon refused the access token as expired, also a fresh one"
            + (
                f" (this machine's clock is {offset.total_seconds():+.0f} s off)."
                if offset
                else "."
            ),
            "Check that this machine's clock is right (NTP), then try again; roles and region are not the cause.",
            exc.request_id,
        )
    if isinstance(exc, AuthorizationError):
        regions = {MARKETPLACE_REGION.get(m) for m in account.marketplace_ids} - {None}
        if regions and account.region not in regions:
            return Diagnosis(
                False,
                f"Wrong region: the marketplaces belong to {', '.join(sorted(r or '' for r in regions)).upper()}, the account is set to {account.region.upper()}.",
                "Set the region that matches your marketplaces.",
                exc.request_id,
            )
        return Diagnosis(
            False,
            "Amazon denied access: the app is missing a role (Orders/Inventory) or the authorization belongs to another region.",
            "Check the app's roles in Developer Central and the account's region.",
            exc.request_id,
        )
    if isinstance(exc, SpApiError):
        return Diagnosis(
            False,
            f"Amazon answered with an error: {exc.message}",
            "Try again later.",
            exc.request_id,
        )
    if isinstance(exc, OSError | TimeoutError):
        return Diagnosis(
            False,
            f"Amazon cannot be reached ({type(exc).__name__}).",
            "Check the network and the endpoint.",
        )
    # Amazon answered, but not in the shape its models promise (or a proxy answered for it).
    return Diagnosis(
        False,
        f"Amazon's answer could not be read ({type(exc).__name__}: {str(exc)[:120]}).",
        "Nothing was imported from it; the next cycle asks again. If it persists, a proxy may "
        "be in the way or Amazon changed the API: run with --debug and report it.",
    )


class _ExpectedNotFound(logging.Filter):
    """Drops the client's warning for the 404 the account probe asks for."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not (record.levelno == logging.WARNING and "HTTP 404" in record.getMessage())


async def diagnose(connector: AmazonConnector) -> Diagnosis:
    """Token plus one cheap call (a getOrder for an id that cannot exist: 404 means authorised)."""
    http_log = logging.getLogger("core.channels.amazon.client.http")
    quiet = _ExpectedNotFound()
    http_log.addFilter(quiet)  # the probe's 404 is the answer hoped for, not a warning
    try:
        await connector.client.tokens.token()
        if connector.options.orders_api == "v0":  # probe the API the sync will use
            await orders.get_order_v0(connector.client, "000-0000000-0000000")
        else:
            await orders.get_order(connector.client, "000-0000000-0000000", ["FULFILLMENT"])
    except NotFoundError:
        pass
    except Exception as exc:  # every failure becomes a diagnosis, nothing escapes to the seller
        return explain(exc, connector)
    finally:
        http_log.removeFilter(quiet)
    offset = connector.client.clock_offset or timedelta()
    if abs(offset) > CLOCK_SKEW_LIMIT:
        return Diagnosis(
            False,
            f"This computer's clock is off by {abs(offset).total_seconds() / 60:.0f} minutes compared with Amazon.",
            "Turn on time synchronisation (NTP); order times and ship dates depend on it.",
        )
    return Diagnosis(True, "Amazon accepts this account: token and orders access work.")
