"""What `packdesk carriers` and `packdesk profiles` show and look up, as plain dicts.

(`carriers list` is `directory.contract_summaries`.)
"""

from __future__ import annotations

from typing import Any

from core.carriers.dhl.carrier import DhlCarrier
from core.carriers.directory import carrier_for_package, profile_problems, settings_of
from core.errors import NotFound
from core.persistence.models import CarrierAccountRow, FulfilmentProfileRow, PackageRow
from core.ports import Carrier
from core.security import SecretBox


async def profile_list() -> list[dict[str, Any]]:
    """Each fulfilment profile with its carrier, rules, and the carriers it names not set up."""
    rows = list(await FulfilmentProfileRow.all().order_by("name"))
    return [
        {
            "name": r.name,
            "process": r.process,
            "channel": r.channel,
            "marketplace_id": r.marketplace_id,
            "carrier": r.carrier,
            "rules": list((r.options or {}).get("carriers") or []),
            "not_set_up": await profile_problems(r.carrier, r.options or {}, r.account_id),
        }
        for r in rows
    ]


async def profile_problem_list() -> dict[str, list[str]]:
    """Profile name -> the carriers it names that are not set up (profiles without any left out)."""
    return {
        p.name: missing
        for p in await FulfilmentProfileRow.all().order_by("name")
        if (missing := await profile_problems(p.carrier, p.options or {}, p.account_id))
    }


async def dhl_carrier(name: str, box: SecretBox) -> DhlCarrier:
    row = await CarrierAccountRow.get_or_none(name=name)
    if row is None:
        raise NotFound(f"No carrier named {name!r} is set up (see `packdesk carriers list`).")
    return DhlCarrier(settings_of(row, box), name=name)


async def carrier_of_package(package_id: int, box: SecretBox) -> Carrier:
    """The carrier that made this package's label (to cancel it there)."""
    package = await PackageRow.get_or_none(id=package_id)
    if package is None:
        raise NotFound(f"No package {package_id}.")
    return await carrier_for_package(package, box)
