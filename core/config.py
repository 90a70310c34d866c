"""Settings: one TOML file, ``PACKDESK_*`` environment overrides, validated with messages that name the key.

Search order for the file: ``--config``, ``PACKDESK_CONFIG``, then ``config.toml`` in the platform's
config directory. A missing file is fine (defaults); a broken one is an error naming file and key.
Environment overrides take the form ``PACKDESK_<SECTION>_<KEY>`` (``PACKDESK_DATABASE_URL``) or
``PACKDESK_<KEY>`` for top-level keys (``PACKDESK_DATA_DIR``).
"""

from __future__ import annotations

import os
import re
import tomllib
from pathlib import Path
from typing import Annotated, Any, Literal

import platformdirs
from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    ValidationInfo,
    field_validator,
)

from core.errors import UserInputError

APP_NAME = "packdesk"


class ConfigError(UserInputError):
    """The configuration cannot be used; the message names the file and the key."""


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid")


class DatabaseSettings(_Section):
    url: str | None = None  # None: SQLite file in the data dir
    busy_timeout_ms: int = Field(default=5000, ge=0)


class CompanySettings(_Section):
    """The seller as it appears on invoices (§14 UStG needs name, address and a tax id)."""

    name: str = ""
    street: str = ""
    postcode: str = ""
    city: str = ""
    country: str = "DE"
    vat_id: str = ""
    tax_number: str = ""
    email: str = ""
    phone: str = ""
    bank_name: str = ""
    iban: str = ""
    bic: str = ""
    logo: Path | None = None
    managing_director: str = ""
    commercial_register: str = ""


class MailSettings(_Section):
    """SMTP for mailing invoices. The password is never stored here in clear text."""

    host: str = ""
    port: int = Field(default=587, ge=1, le=65535)
    security: Literal["starttls", "tls", "none"] = "starttls"
    username: str = ""
    password_env: str = "PACKDESK_SMTP_PASSWORD"  # name of the variable that holds the password
    sender: str = ""
    timeout_s: float = Field(default=30, gt=0)
    templates_dir: Path | None = None


class EscposPrinter(_Section):
    kind: Literal["escpos"]
    connection: Literal["network", "usb", "serial", "file"] = "network"
    host: str = ""
    port: int = 9100
    usb_vendor: int | None = None
    usb_product: int | None = None
    serial_device: str = ""
    baudrate: int = 9600
    path: Path | None = None
    width_mm: Literal[58, 80] = 80
    codepage: str = "CP858"
    timeout_s: float = Field(default=5, gt=0)
    status_query: bool = (
        True  # ask DLE EOT before each job (network); off for printers that never answer
    )


class ZplPrinter(_Section):
    kind: Literal["zpl"]
    connection: Literal["network", "cups"] = "network"
    host: str = ""
    port: int = 9100
    queue: str = ""
    server: str = "http://127.0.0.1:631"  # CUPS server for connection = "cups"
    dpi: Literal[203, 300, 600] = 203
    # The labels loaded: "100x150mm", "103x199mm" (DHL), "4x6in" …; labels print 1:1 on it.
    label_size: str = Field(default="100x150mm", pattern=r"^\d+(\.\d+)?x\d+(\.\d+)?(mm|in)$")
    timeout_s: float = Field(default=5, gt=0)
    status_query: bool = True  # ask ~HS before each job and after a failure


class CupsPrinter(_Section):
    kind: Literal["cups"]
    queue: str
    server: str = "http://127.0.0.1:631"
    timeout_s: float = Field(default=10, gt=0)


class FolderPrinter(_Section):
    kind: Literal["folder"]
    path: Path


PrinterSettings = Annotated[
    EscposPrinter | ZplPrinter | CupsPrinter | FolderPrinter, Field(discriminator="kind")
]

DocumentKind = Literal["invoice", "delivery_note", "credit_note", "label", "pick_slip", "receipt"]


class StationSettings(_Section):
    """A packing desk: which printer takes which kind of paper."""

    routes: dict[DocumentKind, str] = Field(default_factory=dict)
    # when pick slips print: never, when the order is claimed, or in the delivery note's job
    pick_slip: Literal["never", "on_claim", "with_papers"] = "never"


class SyncSettings(_Section):
    in_console: bool = True
    poll_interval_s: float = Field(default=120, gt=0)
    overlap_s: float = Field(default=300, ge=0)
    listings_pull_interval_s: float = Field(default=3600, gt=0)
    fba_report_interval_s: float = Field(default=3600, gt=0)  # FBA shipments report, per account
    # VAT invoice data report (which uploaded invoices Amazon did not accept); Amazon: twice a day
    vat_report_interval_s: float = Field(default=43200, gt=0)
    orders_api: Literal["2026-01-01", "v0"] = "2026-01-01"  # v0 until Amazon retires it
    lease_s: float = Field(default=20, ge=1)  # one syncer per account; others take over after
    notifications: bool = False  # Amazon's ORDER_CHANGE notifications through the [aws] queue
    safety_poll_interval_s: float = Field(default=900, gt=0)  # polling while notifications work


class AwsSettings(_Section):
    """The SQS queue Amazon sends notifications to; credentials are the standard AWS_* ones."""

    region: str = "eu-west-1"
    queue_url: str = ""
    sqs_endpoint_url: str | None = None  # another SQS-compatible endpoint (tests, LocalStack)


class OutboxSettings(_Section):
    max_attempts: int = Field(default=8, ge=1)
    base_delay_s: float = Field(default=2.0, gt=0)
    max_delay_s: float = Field(default=3600.0, gt=0)


class ThirdPartyProvider(_Section):
    """One fulfilment provider's drop: a local folder or an SFTP account (docs/3pl.md)."""

    kind: Literal["folder", "sftp"] = "folder"
    path: Path | None = None  # folder: the root; sftp: remote base directory (None = login dir)
    host: str = ""
    port: int = Field(default=22, ge=1, le=65535)
    username: str = ""
    key_path: Path | None = None  # private key for SFTP; never a password
    known_hosts: Path | None = None  # None: ~/.ssh/known_hosts
    outbox_dir: str = "orders"  # where order XML goes
    inbox_dir: str = "tracking"  # where the provider puts tracking XML
    archive_dir: str = "tracking/done"
    error_dir: str = "tracking/error"
    release_queue: bool = False  # orders wait for `packdesk 3pl release` before export
    stale_after_s: float = Field(
        default=900, gt=0
    )  # an unfinished file older than this is an error
    max_file_mb: float = Field(default=20, gt=0)  # a bigger inbound file is rejected unread
    timeout_s: float = Field(default=30, gt=0)


class ThirdPartySettings(_Section):
    """Fulfilment providers by name; a third_party profile picks one with options.provider."""

    poll_interval_s: float = Field(default=300, gt=0)
    providers: dict[str, ThirdPartyProvider] = Field(default_factory=dict)


class PackagingSettings(_Section):
    """Grams each box type adds to a parcel (core/carriers/weights.py)."""

    boxes: dict[str, Annotated[int, Field(ge=0)]] = Field(default_factory=dict)
    default_box: str = ""


class DocumentSettings(_Section):
    """What documents take from outside: the ECB's reference rates and fonts for other scripts."""

    # ECB euro reference rates (core/services/fx.py); the 90-day file fills gaps after downtime.
    ecb_url: str = "https://www.ecb.europa.eu/stats/eurofxref/eurofxref-hist-90d.xml"
    ecb_refresh_s: float = Field(default=6 * 3600, gt=0)  # the sync fetches them this often
    ecb_timeout_s: float = Field(default=20, gt=0)
    rate_wait_s: float = Field(default=900, gt=0)  # an invoice waiting for its rate tries again
    # TrueType fonts for what DejaVu cannot draw (CJK, emoji), tried in order (core/documents/fonts.py)
    fallback_fonts: list[Path] = Field(
        default_factory=lambda: [
            Path("/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf"),
            Path("/usr/share/fonts/truetype/ancient-scripts/Symbola_hint.ttf"),
        ]
    )


DEFAULT_HOLD_REASONS = {
    "damaged": "Item damaged",
    "missing_stock": "Stock missing",
    "address": "Address problem",
    "wrong_item": "Wrong item in stock",
    "customer": "Buyer asked to wait",
}


DEFAULT_CANCEL_CODE = "PD-CANCEL"
DEFAULT_HOLD_PREFIX = "PD-HOLD-"


def _desk_code(value: object) -> object:
    """Upper case, as the desk compares scans; only what every scanner layout and Code 128 carry."""
    if not isinstance(value, str):
        return value
    code = value.strip().upper()
    if not re.fullmatch(r"[A-Z0-9][A-Z0-9._-]{1,31}", code):
        raise ValueError(
            f"{value!r} cannot be a desk barcode: use 2-32 letters A-Z, digits, '-', '.' or '_' "
            "(no spaces, no umlauts: scanners type them differently)"
        )
    return code


DeskCode = Annotated[str, BeforeValidator(_desk_code)]


class DeskSettings(_Section):
    """How a packing desk behaves (same for every station)."""

    # After the last item the desk waits this long before shipping, so a stray scan can be
    # stopped (core/domain/undo_window.py); 0 ships at once.
    undo_seconds: float = Field(default=3.0, ge=0, le=30)
    packers_may_reprint: bool = True  # False: a reprint at the desk needs a supervisor PIN
    # The desk's command barcodes (on the sheet from `packdesk holds sheet`): the undo window's
    # stop code, and what a hold reason's barcode carries before its code (PD-HOLD-DAMAGED).
    hold_code_prefix: DeskCode = DEFAULT_HOLD_PREFIX  # before cancel_code: its check reads it
    cancel_code: DeskCode = DEFAULT_CANCEL_CODE
    # Hold reasons by code (letters, digits, _): chosen by number or by scanning the desk sheet.
    hold_reasons: dict[
        Annotated[str, StringConstraints(pattern=r"^[a-z0-9_]{1,24}$")],
        Annotated[str, StringConstraints(min_length=1, max_length=80)],
    ] = Field(default_factory=lambda: dict(DEFAULT_HOLD_REASONS), min_length=1)

    @field_validator("cancel_code")
    @classmethod
    def _not_a_hold_code(cls, code: str, info: ValidationInfo) -> str:
        prefix = info.data.get("hold_code_prefix")
        if prefix and code.startswith(prefix):
            raise ValueError(
                f"{code} begins with hold_code_prefix {prefix}: it would read as a hold"
            )
        return code


class Settings(_Section):
    """Everything Packdesk reads from the config file and the environment."""

    data_dir: Path | None = None
    language: str = "en"
    station: str = "desk-1"
    claim_timeout_minutes: int = Field(default=30, ge=1)
    purge_days_after_delivery: int = Field(default=30, ge=0)
    database: DatabaseSettings = Field(default_factory=DatabaseSettings)
    company: CompanySettings = Field(default_factory=CompanySettings)
    mail: MailSettings = Field(default_factory=MailSettings)
    printers: dict[str, PrinterSettings] = Field(default_factory=dict)
    stations: dict[str, StationSettings] = Field(default_factory=dict)
    sync: SyncSettings = Field(default_factory=SyncSettings)
    outbox: OutboxSettings = Field(default_factory=OutboxSettings)
    thirdparty: ThirdPartySettings = Field(default_factory=ThirdPartySettings)
    aws: AwsSettings = Field(default_factory=AwsSettings)
    packaging: PackagingSettings = Field(default_factory=PackagingSettings)
    documents: DocumentSettings = Field(default_factory=DocumentSettings)
    desk: DeskSettings = Field(default_factory=DeskSettings)

    # Not part of the file: where these settings came from.
    source: Path | None = Field(default=None, exclude=True)

    @property
    def resolved_data_dir(self) -> Path:
        return self.data_dir or Path(platformdirs.user_data_dir(APP_NAME))

    @property
    def database_url(self) -> str:
        if self.database.url:
            return self.database.url
        return f"sqlite://{self.resolved_data_dir / 'packdesk.sqlite3'}"


def default_config_path() -> Path:
    return Path(platformdirs.user_config_dir(APP_NAME)) / "config.toml"


def config_path(explicit: str | os.PathLike[str] | None = None) -> Path:
    if explicit:
        return Path(explicit)
    if env := os.environ.get("PACKDESK_CONFIG"):
        return Path(env)
    return default_config_path()


def _env_overrides(
    environ: dict[str, str], sources: dict[tuple[str, ...], str] | None = None
) -> dict[str, Any]:
    """Map ``PACKDESK_SECTION_KEY`` variables onto the settings tree (`sources`: key → variable)."""
    sources = {} if sources is None else sources
    sections = {
        name
        for name, field in Settings.model_fields.items()
        if isinstance(field.annotation, type) and issubclass(field.annotation, BaseModel)
    }
    top_level = set(Settings.model_fields) - sections - {"source", "printers", "stations"}
    out: dict[str, Any] = {}
    for var, value in environ.items():
        if not var.startswith("PACKDESK_") or var in {"PACKDESK_CONFIG", "PACKDESK_SECRET_KEY"}:
            continue
        rest = var.removeprefix("PACKDESK_").lower()
        if rest in top_level:
            out[rest] = value
            sources[(rest,)] = var
            continue
        for section in sections:
            prefix = section + "_"
            if rest.startswith(prefix):
                key = rest.removeprefix(prefix)
                if key in Settings.model_fields[section].annotation.model_fields:  # type: ignore[union-attr]
                    out.setdefault(section, {})[key] = value
                    sources[(section, key)] = var
                break
    return out


def _merge(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def describe_validation_error(
    error: ValidationError, where: str, env_sources: dict[tuple[str, ...], str] | None = None
) -> str:
    """One line naming each bad key where it came from: the file, or the environment variable."""
    problems = []
    for item in error.errors():
        parts = tuple(str(p) for p in item["loc"] if not str(p).startswith("function-"))
        key = ".".join(parts)
        var = next((v for loc, v in (env_sources or {}).items() if parts[: len(loc)] == loc), None)
        origin = f"{var} (environment)" if var else where
        problems.append((origin, f"{key}: {item['msg']}"))
    if all(origin == where for origin, _ in problems):
        return f"{where}: " + "; ".join(text for _, text in problems)
    return "; ".join(f"{origin}: {text}" for origin, text in problems)


def load_settings(
    explicit: str | os.PathLike[str] | None = None, environ: dict[str, str] | None = None
) -> Settings:
    """Read the config file (if any) and the environment into validated settings."""
    environ = dict(os.environ if environ is None else environ)
    path = config_path(explicit)
    raw: dict[str, Any] = {}
    if path.exists():
        try:
            raw = tomllib.loads(path.read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"{path}: not valid TOML ({exc})") from None
    elif explicit or environ.get("PACKDESK_CONFIG"):
        raise ConfigError(f"{path}: config file not found")
    env_sources: dict[tuple[str, ...], str] = {}
    raw = _merge(raw, _env_overrides(environ, env_sources))
    try:
        settings = Settings.model_validate(raw)
    except ValidationError as exc:
        where = str(path) if path.exists() else "environment"
        raise ConfigError(describe_validation_error(exc, where, env_sources)) from None
    settings.source = path if path.exists() else None
    for station, cfg in settings.stations.items():
        for kind, printer in cfg.routes.items():
            if printer not in settings.printers:
                raise ConfigError(
                    f"{path}: stations.{station}.routes.{kind}: no printer named {printer!r} "
                    f"(known: {', '.join(sorted(settings.printers)) or 'none'})"
                )
    return settings
