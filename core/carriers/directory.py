"""The carriers this installation is set up for, as stored rows, and the one lookup production uses.

`packdesk carriers import` stores a contract (``CarrierAccountRow``, secrets sealed). The outbox's
`label.buy` asks `CarrierDirectory` for a code; Amazon Buy Shipping is answered per seller before
it gets here. A profile can only be saved with carriers this directory knows (`check_profile`),
and `packdesk carriers test` reports profiles that name anything else.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import Any

import aiohttp

from core.carriers.amazon_buy_shipping import CODE as BUY_SHIPPING
from core.carriers.crash_guard import Noted
from core.carriers.dhl.carrier import DhlCarrier, LabelMedia, pdf_everywhere
from core.carriers.dhl.client import DhlSettings
from core.carriers.dhl.shipments import ref_no
from core.carriers.manual import ManualCarrier
from core.carriers.registry import carrier_rules
from core.errors import UserInputError
from core.persistence.models import CarrierAccountRow, FulfilmentProfileRow, PackageRow
from core.ports import Carrier, Label, LabelRequest
from core.security import SecretBox
from core.services.outbox import PermanentFailure

SECRETS = ("api_key", "username", "password")
KINDS = {"dhl"}
ALWAYS = {"manual", "", BUY_SHIPPING}  # need no stored contract (Buy Shipping rides on Amazon's)


async def save_dhl(name: str, data: Mapping[str, Any], box: SecretBox) -> CarrierAccountRow:
    """Store (or replace) a DHL contract; the API key, user and password are sealed."""
    missing = [k for k in (*SECRETS, "ekp") if not str(data.get(k) or "").strip()]
    if missing:
        raise UserInputError(f"DHL settings need {', '.join(missing)}.")
    settings = dhl_settings_of(dict(data))  # validates every field before anything is stored
    plain = {k: v for k, v in data.items() if k not in SECRETS}
    plain["ekp"] = settings.ekp
    sealed = box.seal({k: str(data[k]) for k in SECRETS})
    row = await CarrierAccountRow.get_or_none(name=name)
    if row is None:
        return await CarrierAccountRow.create(
            name=name, kind="dhl", settings=plain, credentials_sealed=sealed
        )
    await CarrierAccountRow.filter(id=row.id).update(
        kind="dhl", settings=plain, credentials_sealed=sealed
    )
    return await CarrierAccountRow.get(id=row.id)


def dhl_settings_of(data: dict[str, Any]) -> DhlSettings:
    ekp = str(data.get("ekp", "")).strip()
    if not (len(ekp) == 10 and ekp.isdigit()):
        raise UserInputError(f"DHL ekp {ekp!r}: the EKP is 10 digits (your DHL customer number).")
    try:
        return DhlSettings(
            api_key=str(data["api_key"]),
            username=str(data["username"]),
            password=str(data["password"]),
            ekp=ekp,
            base_url=str(data.get("base_url") or DhlSettings.base_url),
            auth=str(data.get("auth") or "basic"),
            participation=str(data.get("participation") or "01"),
            profile=str(data.get("profile") or "STANDARD_GRUPPENPROFIL"),
            print_format=str(data.get("print_format") or "910-300-700"),
            return_label=bool(data.get("return_label", False)),
            warenpost_up_to_g=int(data.get("warenpost_up_to_g") or 0),
            services=dict(data.get("services") or {}),
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise UserInputError(f"DHL settings: {exc} is missing or not valid.") from None


def settings_of(row: CarrierAccountRow, box: SecretBox) -> DhlSettings:
    return dhl_settings_of({**dict(row.settings), **box.open(row.credentials_sealed)})


async def import_file(data: Mapping[str, Any], box: SecretBox) -> list[CarrierAccountRow]:
    """The emulator's credentials file (its ``"dhl"`` section) or ``{"dhl": {…}}`` of a seller."""
    section = data.get("dhl") if isinstance(data.get("dhl"), Mapping) else None
    if section is None and "api_key" in data:
        section = data
    if section is None:
        raise UserInputError('The file has no "dhl" section with api_key, username, password, ekp.')
    return [await save_dhl(str(section.get("name") or "dhl"), section, box)]


async def configured() -> list[CarrierAccountRow]:
    return list(await CarrierAccountRow.all().order_by("name"))


async def known_codes() -> set[str]:
    return ALWAYS | {r.name for r in await configured()}


async def profile_problems(carrier: str, options: Mapping[str, Any]) -> list[str]:
    """Carriers a profile names that this installation cannot buy labels from."""
    codes = {carrier} | {r.carrier for r in carrier_rules(options)}
    known = await known_codes()
    return sorted(c for c in codes if c not in known)


async def check_profile(name: str, carrier: str, options: Mapping[str, Any]) -> None:
    """Refuse a profile naming an unset-up carrier now, not at its first parcel."""
    missing = await profile_problems(carrier, options)
    if missing:
        raise UserInputError(
            f"Profile {name}: carrier {', '.join(missing)} is not set up — run "
            "`packdesk carriers import FILE` first (set up: "
            + ", ".join(sorted(await known_codes() - {""}))
            + ")."
        )


async def set_profile_carrier(
    name: str, carrier: str, rules: list[dict[str, Any]] | None = None
) -> FulfilmentProfileRow:
    """Switch a profile's carrier (and, when given, its rules); refused if any is not set up."""
    from core.errors import NotFound

    row = await FulfilmentProfileRow.get_or_none(name=name)
    if row is None:
        raise NotFound(f"No profile named {name!r} (see `packdesk profiles list`).")
    options = dict(row.options or {})
    if rules:
        options["carriers"] = rules
    carrier_rules(options)  # a bad rule is named before anything is saved
    await check_profile(row.name, carrier, options)
    await FulfilmentProfileRow.filter(id=row.id).update(carrier=carrier, options=options)
    return await FulfilmentProfileRow.get(id=row.id)


async def carrier_for_package(package: PackageRow, box: SecretBox) -> Carrier:
    """The carrier that made a package's label, to cancel it there (DHL's from its contract)."""
    if not package.label_ref or package.carrier_code != "DHL":
        return ManualCarrier(package.carrier_code or "manual")  # nothing bought here to void
    rows = [r for r in await configured() if r.kind == "dhl"]
    row = next((r for r in rows if r.name == "dhl"), rows[0] if rows else None)
    if row is None:
        raise UserInputError("No DHL contract is set up to cancel this label with.")
    return DhlCarrier(settings_of(row, box), name=row.name)


class DirectoryCarrier:
    """The carrier behind a code, looked up in the database when a label is wanted."""

    crash_guard = True  # every stored contract is DHL's, which has no idempotency key

    def __init__(self, directory: CarrierDirectory, code: str) -> None:
        self.directory = directory
        self.code = code

    def reference_for(self, request: LabelRequest) -> str:
        return ref_no(request)

    async def create_label(self, request: LabelRequest, noted: Noted | None = None) -> Label:
        return await (await self.directory.resolve(self.code)).create_label(request, noted)

    async def label_again(self, request: LabelRequest, number: str) -> Label:
        return await (await self.directory.resolve(self.code)).label_again(request, number)

    async def rebuy_after_lost_answer(self, request: LabelRequest) -> bool:
        return await (await self.directory.resolve(self.code)).rebuy_after_lost_answer(request)

    async def cancel_label(self, label: Label) -> None:
        await (await self.directory.resolve(self.code)).cancel_label(label)


class CarrierDirectory(Mapping[str, Carrier]):
    """Every configured carrier by code; stored contracts are read once, on first use."""

    def __init__(
        self,
        box: SecretBox,
        *,
        label_media: LabelMedia = pdf_everywhere,
        session: aiohttp.ClientSession | None = None,
        print_format_for: Callable[[str], str] | None = None,
    ) -> None:
        self.box = box
        self.label_media = label_media
        self.print_format_for = print_format_for
        self.session = session
        self._made: dict[str, DhlCarrier] = {}

    def __getitem__(self, code: str) -> Carrier:
        if code in {"", "manual"}:
            return ManualCarrier(code or "manual")
        return DirectoryCarrier(self, code)

    def __iter__(self) -> Iterator[str]:
        return iter(self._made)

    def __len__(self) -> int:
        return len(self._made)

    async def resolve(self, code: str) -> DhlCarrier:
        if code in self._made:
            return self._made[code]
        row = await CarrierAccountRow.get_or_none(name=code)
        if row is None:
            raise PermanentFailure(
                f"carrier {code!r} is not set up — run `packdesk carriers import FILE`, "
                "then retry this job in the outbox monitor"
            )
        carrier = DhlCarrier(
            settings_of(row, self.box),
            self.session,
            label_media=self.label_media,
            name=code,
            print_format_for=self.print_format_for,
        )
        self._made[code] = carrier
        return carrier
