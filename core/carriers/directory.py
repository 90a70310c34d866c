"""The carriers this installation is set up for, as stored rows, and the one lookup production uses.

`packdesk carriers import` stores a contract (``CarrierAccountRow``, secrets sealed): for one
seller (Amazon account), or for every seller without one of its own. The outbox's `label.buy`
asks `CarrierDirectory` for a code, and the order's seller picks the contract (`contract_for`);
an order whose seller has none, while other sellers do, fails with a sentence naming the seller.
Amazon Buy Shipping is answered per seller before it gets here. A profile can only be saved with carriers this directory knows (`check_profile`),
and `packdesk carriers test` reports profiles that name anything else.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
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
from core.persistence.models import (
    AccountRow,
    CarrierAccountRow,
    FulfilmentProfileRow,
    PackageRow,
    ShipmentRow,
)
from core.ports import Carrier, Label, LabelRequest
from core.security import SecretBox
from core.services.outbox import PermanentFailure

SECRETS = ("api_key", "username", "password")
KINDS = {"dhl"}
ALWAYS = {"manual", "", BUY_SHIPPING}  # need no stored contract (Buy Shipping rides on Amazon's)


@dataclass(frozen=True)
class ImportedContract:
    """A carrier contract as `carriers import` names it back (its row stays in core)."""

    name: str


async def _seller(account: str | int | None) -> AccountRow | None:
    """The Amazon account (seller) a contract is for, by name or id; None: every seller."""
    if account is None or account == "":
        return None
    found = await (
        AccountRow.get_or_none(id=account)
        if isinstance(account, int)
        else AccountRow.get_or_none(name=account)
    )
    if found is None:
        names = ", ".join(a.name for a in await AccountRow.all().order_by("name"))
        raise UserInputError(
            f"No Amazon account named {account!r} to give this DHL contract to "
            f"(accounts: {names or 'none yet'})."
        )
    return found


async def save_dhl(
    name: str,
    data: Mapping[str, Any],
    box: SecretBox,
    *,
    account: str | int | None = None,
    code: str = "dhl",
) -> CarrierAccountRow:
    """Store (or replace) a DHL contract — for one seller, or for every seller without one of
    its own when `account` is None. The API key, user and password are sealed."""
    missing = [k for k in (*SECRETS, "ekp") if not str(data.get(k) or "").strip()]
    if missing:
        raise UserInputError(f"DHL settings need {', '.join(missing)}.")
    settings = dhl_settings_of(dict(data))  # validates every field before anything is stored
    seller = await _seller(account)
    seller_id = seller.id if seller else None
    plain = {k: v for k, v in data.items() if k not in (*SECRETS, "name", "code", "account")}
    plain["ekp"] = settings.ekp
    sealed = box.seal({k: str(data[k]) for k in SECRETS})
    same = await CarrierAccountRow.filter(code=code, account_id=seller_id).exclude(name=name)
    if same:
        whose = f"seller {seller.name}" if seller else "every seller"
        raise UserInputError(
            f"Contract {same[0].name} already ships {code} for {whose}; import this file "
            f'with "name": "{same[0].name}" to replace it.'
        )
    row = await CarrierAccountRow.get_or_none(name=name)
    if row is None:
        row = CarrierAccountRow(name=name)
    row.kind, row.code, row.account_id = "dhl", code, seller_id
    row.settings, row.credentials_sealed = plain, sealed
    await row.save()
    return row


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


async def import_file(
    data: Mapping[str, Any], box: SecretBox, account: str | None = None
) -> list[ImportedContract]:
    """The emulator's credentials file (its ``"dhl"`` section) or ``{"dhl": {…}}`` of a seller;
    with `account` (or ``"account"`` in the section) the contract ships for that seller only."""
    section = data.get("dhl") if isinstance(data.get("dhl"), Mapping) else None
    if section is None and "api_key" in data:
        section = data
    if section is None:
        raise UserInputError('The file has no "dhl" section with api_key, username, password, ekp.')
    seller = account or str(section.get("account") or "") or None
    code = str(section.get("code") or "dhl")
    name = str(section.get("name") or (f"{code}-{seller}" if seller else code))
    row = await save_dhl(name, section, box, account=seller, code=code)
    return [ImportedContract(row.name)]


async def configured() -> list[CarrierAccountRow]:
    return list(await CarrierAccountRow.all().order_by("name"))


async def known_codes(account_id: int | None = None) -> set[str]:
    """Codes a profile may name: for one seller's profile, its contracts and the shared ones."""
    rows = await configured()
    return ALWAYS | {
        r.code for r in rows if account_id is None or r.account_id in (None, account_id)
    }


async def contract_for(code: str, account_id: int) -> CarrierAccountRow:
    """The contract that ships `code` for this seller: its own, else the shared one."""
    rows = list(await CarrierAccountRow.filter(code=code).prefetch_related("account"))
    own = [r for r in rows if r.account_id == account_id]
    shared = [r for r in rows if r.account_id is None]
    if own or shared:
        return (own or shared)[0]
    if not rows:
        raise PermanentFailure(
            f"carrier {code!r} is not set up — run `packdesk carriers import FILE`, "
            "then retry this job in the outbox monitor"
        )
    seller = await AccountRow.get_or_none(id=account_id)
    who = seller.name if seller else f"account {account_id}"
    others = ", ".join(sorted(r.account.name for r in rows if r.account is not None))
    raise PermanentFailure(
        f"seller {who} has no {code} contract (the {code} contracts set up ship for {others}) "
        f"— run `packdesk carriers import FILE --account {who}`, then retry this job in the "
        "outbox monitor"
    )


async def contract_summaries() -> list[dict[str, Any]]:
    """Every stored contract with the seller it ships for and the profiles that name its code."""
    rows = list(await CarrierAccountRow.all().order_by("name").prefetch_related("account"))
    profiles = list(await FulfilmentProfileRow.all().order_by("name"))
    return [
        {
            "name": r.name,
            "code": r.code,
            "account": r.account.name if r.account is not None else "",
            "kind": r.kind,
            "base_url": r.settings.get("base_url", ""),
            "ekp": r.settings.get("ekp", ""),
            "profiles": [
                p.name
                for p in profiles
                if r.code in {p.carrier} | {x.carrier for x in carrier_rules(p.options or {})}
                and (r.account_id is None or p.account_id in (None, r.account_id))
            ],
        }
        for r in rows
    ]


async def profile_problems(
    carrier: str, options: Mapping[str, Any], account_id: int | None = None
) -> list[str]:
    """Carriers a profile names that this installation cannot buy labels from."""
    codes = {carrier} | {r.carrier for r in carrier_rules(options)}
    known = await known_codes(account_id)
    return sorted(c for c in codes if c not in known)


async def check_profile(
    name: str, carrier: str, options: Mapping[str, Any], account_id: int | None = None
) -> None:
    """Refuse a profile naming an unset-up carrier now, not at its first parcel."""
    missing = await profile_problems(carrier, options, account_id)
    if missing:
        raise UserInputError(
            f"Profile {name}: carrier {', '.join(missing)} is not set up — run "
            "`packdesk carriers import FILE` first (set up: "
            + ", ".join(sorted(await known_codes(account_id) - {""}))
            + ")."
        )


async def set_profile_carrier(
    name: str, carrier: str, rules: list[dict[str, Any]] | None = None
) -> None:
    """Switch a profile's carrier (and, when given, its rules); refused if any is not set up."""
    from core.errors import NotFound

    row = await FulfilmentProfileRow.get_or_none(name=name)
    if row is None:
        raise NotFound(f"No profile named {name!r} (see `packdesk profiles list`).")
    options = dict(row.options or {})
    if rules:
        options["carriers"] = rules
    carrier_rules(options)  # a bad rule is named before anything is saved
    await check_profile(row.name, carrier, options, row.account_id)
    await FulfilmentProfileRow.filter(id=row.id).update(carrier=carrier, options=options)


async def carrier_for_package(package: PackageRow, box: SecretBox) -> Carrier:
    """The carrier that made a package's label, to cancel it there (DHL's from the contract of
    the order's seller)."""
    if not package.label_ref or package.carrier_code != "DHL":
        return ManualCarrier(package.carrier_code or "manual")  # nothing bought here to void
    shipment = await ShipmentRow.get(id=package.shipment_id).prefetch_related("order")
    rows = [r for r in await configured() if r.kind == "dhl"]
    seller = shipment.order.account_id
    row = next(
        (r for r in rows if r.account_id == seller),
        next((r for r in rows if r.account_id is None), None),
    )
    if row is None:
        raise UserInputError("No DHL contract of this seller is set up to cancel this label with.")
    return DhlCarrier(settings_of(row, box), name=row.name)


class DirectoryCarrier:
    """The carrier behind a code, looked up for the order's seller when a label is wanted."""

    crash_guard = True  # every stored contract is DHL's, which has no idempotency key

    def __init__(self, directory: CarrierDirectory, code: str) -> None:
        self.directory = directory
        self.code = code

    def reference_for(self, request: LabelRequest) -> str:
        return ref_no(request)

    async def _for(self, request: LabelRequest) -> DhlCarrier:
        return await self.directory.resolve(self.code, request.order.account_id)

    async def create_label(self, request: LabelRequest, noted: Noted | None = None) -> Label:
        return await (await self._for(request)).create_label(request, noted)

    async def label_again(self, request: LabelRequest, number: str) -> Label:
        return await (await self._for(request)).label_again(request, number)

    async def rebuy_after_lost_answer(self, request: LabelRequest) -> bool:
        return await (await self._for(request)).rebuy_after_lost_answer(request)

    async def cancel_label(self, label: Label) -> None:
        raise UserInputError(  # a label alone does not say whose contract made it
            "Cancel a DHL label by its package (`packdesk carriers cancel PACKAGE_ID`)."
        )


class CarrierDirectory(Mapping[str, Carrier]):
    """Every configured carrier by code; each seller's contract is read once, on first use."""

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
        self._made: dict[tuple[str, int], DhlCarrier] = {}

    def __getitem__(self, code: str) -> Carrier:
        if code in {"", "manual"}:
            return ManualCarrier(code or "manual")
        return DirectoryCarrier(self, code)

    def __iter__(self) -> Iterator[str]:
        return iter({code for code, _ in self._made})

    def __len__(self) -> int:
        return len({code for code, _ in self._made})

    async def resolve(self, code: str, account_id: int) -> DhlCarrier:
        """The DHL carrier of the contract that ships `code` for this seller."""
        if (code, account_id) in self._made:
            return self._made[code, account_id]
        row = await contract_for(code, account_id)
        carrier = DhlCarrier(
            settings_of(row, self.box),
            self.session,
            label_media=self.label_media,
            name=row.name,
            print_format_for=self.print_format_for,
        )
        self._made[code, account_id] = carrier
        return carrier
