"""`StationDesk`: the packing desk's decisions for one station and its signed-in packer.

Who signs in, what a scan opens and claims, what a resumed claim restores, what completion ships.
Every method is async and returns plain dataclasses (`core/services/desk/views.py`); the console
calls them from workers and shows the answers.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from tortoise.expressions import Q

from core.carriers.weights import line_weights, packaging_g
from core.config import Settings
from core.domain.desk import clean_code
from core.domain.parcels import DeskParcels
from core.errors import ConflictError, NotFound
from core.persistence.columns import fits
from core.persistence.models import PackerRow
from core.ports import PrintPort
from core.security import SecretBox
from core.services import audit, claim, holds, pick_slips, pins, reprint, sessions
from core.services.desk import follow_up, opening, progress, targets
from core.services.desk.views import (
    ClaimedElsewhere,
    CompletionReport,
    JobProgress,
    PackerInfo,
    PackTarget,
)
from core.services.holds import HoldReason
from core.services.reprint import Reprint, ReprintOffer
from core.services.station_scope import StationScope


def _packer(row: PackerRow) -> PackerInfo:
    return PackerInfo(row.id, row.name, row.badge, row.role, row.language, bool(row.pin_hash))


class StationDesk(StationScope):
    """Signing in and packing at one station."""

    def __init__(
        self, settings: Settings, box: SecretBox, *, print_port: PrintPort | None = None
    ) -> None:
        super().__init__(settings, box, print_port=print_port)
        self.session_kind = "local"  # or ssh | web, set by the command that starts the desk
        self.session_id: int | None = None

    # -- people ------------------------------------------------------------------------------
    async def packers(self) -> list[PackerInfo]:
        return [_packer(r) for r in await PackerRow.filter(active=True).order_by("name")]

    async def sign_in(self, badge: str) -> PackerInfo:
        code = clean_code(badge).strip()
        row = (
            await PackerRow.filter(Q(badge=code) | Q(badge=code.upper()), active=True).first()
            if fits(PackerRow, "badge", code)
            else None
        )
        if row is None:
            raise NotFound(f"No packer has the badge {code!r} — scan it again or pick your name.")
        await self.start_session(row.name)
        return _packer(row)

    async def packer_by_name(self, name: str) -> PackerInfo:
        row = await PackerRow.filter(name=name, active=True).first()
        if row is None:
            raise NotFound(f"No active packer called {name!r}.")
        await self.start_session(row.name)
        return _packer(row)

    async def check_supervisor(self, pin: str, packer: str = "") -> PackerInfo:
        """The supervisor whose PIN this is; raises UserInputError (wrong, wait, locked, none set)."""
        found = await pins.verify_supervisor_pin(pin, packer=packer, station=self.station)
        return _packer(await PackerRow.get(id=found.id))

    # -- desk sessions: visible in the database so deactivation can end them anywhere --------
    async def start_session(self, packer: str) -> None:
        """A sign-in (badge or name) opens the desk's session row; one at a time per desk."""
        await self.end_session()
        self.session_id = await sessions.start_session(packer, self.station, self.session_kind)

    async def session_open(self) -> bool:
        """False once someone ended this desk's session (the packer was deactivated)."""
        if self.session_id is None:
            return True
        return await sessions.still_open(self.session_id)

    async def end_session(self) -> None:
        if self.session_id is not None:
            await sessions.end_session(self.session_id)
            self.session_id = None

    # -- packing -----------------------------------------------------------------------------
    async def known_codes(self) -> set[str]:
        """Every code that names an article, to tell a wrong item from an unknown code."""
        return await targets.known_codes()

    async def open_order(
        self, code: str, packer: str, alternates: Iterable[str] = ()
    ) -> PackTarget:
        """Claim what a scan names: an order, a delivery note, or an article of a single-item order."""
        code, alternates = clean_code(code), [clean_code(a) for a in alternates]
        for candidate in (code, *alternates):
            order_id = await opening.order_named(candidate)
            if order_id is not None:
                return await self._claim(order_id, packer)
        for candidate in (code, *alternates):
            target = await self._single_item_order(candidate, packer)
            if target is not None:
                return target
        raise NotFound(
            f"Nothing is known as {code} — scan an order number, a delivery note or an article."
        )

    async def _single_item_order(self, code: str, packer: str) -> PackTarget | None:
        found = await opening.single_item_orders(code)
        if found is None:
            return None
        for order_id in found.order_ids:
            try:
                return await self._claim(order_id, packer, first_scan=code)
            except ConflictError:
                continue  # another desk was quicker: take the next one
        raise NotFound(
            f"No single-item order waits for {found.title} — scan the order's delivery note "
            "or pick it in the queue (F2)."
        )

    async def _claim(
        self,
        order_id: int,
        packer: str,
        first_scan: str | None = None,
        *,
        takeover: bool = False,
    ) -> PackTarget:
        external_id, status, holder, before = await opening.claimed_by(order_id)
        resumed = status == "packing" and holder == self.station
        try:
            await claim.claim_order(
                order_id,
                self.station,
                packer,
                timeout_minutes=self.settings.claim_timeout_minutes,
                takeover=takeover,
            )
        except ConflictError:
            held = await opening.held_elsewhere(order_id, self.station)
            if held is not None:  # the desk offers a supervisor's takeover
                raise ClaimedElsewhere(held) from None
            raise
        target = await targets.pack_target(order_id, first_scan, resumed)
        if resumed:  # a claim that moved here starts empty (claim_order dropped the counts)
            await self._restore(target, packer, before)
        if target.lines:
            station_cfg = self.settings.stations.get(self.station)
            setting = station_cfg.pick_slip if station_cfg else "never"
            await pick_slips.print_on_claim(order_id, self.station, setting, self.print_port)
        if not target.lines:
            await claim.release_claim(order_id, self.station, packer)
            raise ConflictError(
                f"Order {external_id} has nothing left to pack (every item is shipped) — "
                "take the next order and tell a supervisor."
            )
        return target

    async def _restore(self, target: PackTarget, packer: str, before: str) -> None:
        """Give the desk's claim back with what was stored: boxes, counts, weights, and whose."""
        stored = await progress.stored_progress(target.order_id, self.station)
        if stored is not None:
            target.progress, target.weighed = stored.boxes, dict(stored.weighed)
        target.resumed_from = before if before and before != packer else ""
        await audit.record(
            packer, "order.resumed", f"order:{target.order_id}", station=self.station,
            from_packer=before, items_packed=stored.items_packed if stored else 0,
            boxes=len(stored.boxes) if stored else 0,
            weighed=len(stored.weighed) if stored else 0,
        )  # fmt: skip

    async def take_over(self, order_id: int, packer: str, supervisor: str) -> PackTarget:
        """A supervisor moves an order claimed at another desk to this one.

        Its counts do not travel: what that desk scanned lies packed there, so this desk starts at
        0 and scans every item again (the packer fetches the goods, or picks them anew).
        """
        held = await opening.held_elsewhere(order_id, self.station)
        target = await self._claim(order_id, packer, takeover=True)
        if held is not None:
            await audit.record(
                supervisor, "order.taken_over", f"order:{order_id}", station=self.station,
                from_station=held.station, from_packer=held.packer, packer=packer,
                items_left=held.items_packed,
            )  # fmt: skip
        return target

    async def resume(self, packer: str) -> PackTarget | None:
        """The order this desk was packing when the console stopped (a dropped connection)."""
        order_id = await opening.claimed_here(self.station)
        return await self._claim(order_id, packer) if order_id is not None else None

    async def open_by_id(self, order_id: int, packer: str) -> PackTarget:
        return await self._claim(order_id, packer)

    async def save_progress(
        self,
        order_id: int,
        packages: list[dict[int, int]],
        weighed: Mapping[int, int] | None = None,
    ) -> bool:
        """Store what is scanned; raises ClaimGone when this desk no longer claims the order."""
        if await progress.save_progress(order_id, self.station, packages, weighed):
            return True
        await self._still_claimed(order_id)
        return False  # claimed here again by now (never by another desk's counts)

    async def _still_claimed(self, order_id: int) -> None:
        """Raise ClaimGone when another desk (or nobody) claims the order now."""
        gone = await opening.claim_gone(order_id, self.station)
        if gone is not None:
            raise gone

    async def leave_on_desk(
        self,
        order_id: int,
        packer: str,
        packages: list[dict[int, int]],
        weighed: Mapping[int, int] | None = None,
    ) -> bool:
        """The packer signs out mid-order: the order stays claimed here, with what they packed.

        The next packer to sign in at this desk gets it back (`resume`); only a put-back (F8), a
        supervisor or the packer's deactivation gives it to the queue. False: no longer ours.
        """
        kept = await progress.save_progress(order_id, self.station, packages, weighed)
        if kept:
            await audit.record(
                packer, "order.left_on_desk", f"order:{order_id}", station=self.station,
                items_packed=sum(sum(p.values()) for p in packages), boxes=len(packages),
            )  # fmt: skip
        return kept

    async def release(self, order_id: int, packer: str) -> bool:
        """Back to the queue; raises ClaimGone when another desk took it over meanwhile."""
        released = await claim.release_claim(order_id, self.station, packer)
        if released:
            await progress.clear_progress(order_id)
        else:
            await self._still_claimed(order_id)
        return released

    async def hold(self, order_id: int, reason: str, packer: str) -> None:
        """On hold (ends the claim and its counts); ClaimGone when another desk packs it now."""
        await self._still_claimed(order_id)  # released or closed meanwhile: not ours to hold
        try:  # and a takeover in the meantime is caught under the hold's lock
            await claim.put_on_hold(order_id, clean_code(reason), packer, self.station)
        except ConflictError:
            await self._still_claimed(order_id)
            raise

    async def hold_for(self, order_id: int, reason: HoldReason, packer: str) -> None:
        """On hold for one of the desk's reasons (its code goes into the history)."""
        await self._still_claimed(order_id)  # released or closed meanwhile: not ours to hold
        try:  # and a takeover in the meantime is caught under the hold's lock
            await holds.hold(order_id, reason, packer, self.station)
        except ConflictError:
            await self._still_claimed(order_id)
            raise

    async def beside(
        self, code: str, on_desk: int, alternates: Iterable[str] = ()
    ) -> opening.ScanBeside:
        """What a scan that is none of the open order's articles names (a reprint, another order)."""
        return await opening.beside([clean_code(c) for c in (code, *alternates)], on_desk)

    async def reprint_offer(self, code: str) -> ReprintOffer | None:
        """The shipment a scan names (order id, paper number, tracking), to print again."""
        return await reprint.find_offer(clean_code(code))

    async def reprint_shipment(self, offer: ReprintOffer, what: Reprint, actor: str) -> list[int]:
        return await reprint.reprint(
            offer, what, box=self.box, print_port=self.print_port, station=self.station, actor=actor
        )

    async def release_hold(self, order_id: int, supervisor: str) -> None:
        await claim.release_hold(order_id, supervisor, self.station)

    async def desk_parcels(self, line_ids: list[int]) -> DeskParcels:
        """The order's article weights and the default box, for the weights the desk shows."""
        return DeskParcels(await line_weights(line_ids), packaging_g(self.settings.packaging))

    async def complete(
        self,
        order_id: int,
        packages: list[dict[int, int]],
        packer: str,
        *,
        partial: bool = False,
        weights_g: list[int] | None = None,
    ) -> CompletionReport:
        """Ship what was packed; the slow work (labels, papers, Amazon) follows in the outbox.

        `weights_g`: what the desk's scale said per box (0: articles + packaging, computed later).
        """
        from core.services.completion import PackedBox, complete_packing

        weights = list(weights_g or []) + [0] * len(packages)
        try:
            result = await complete_packing(
                order_id,
                [
                    PackedBox(lines=dict(p), weight_g=w)
                    for p, w in zip(packages, weights, strict=False)
                ],
                station=self.station,
                packer=packer,
                company=self.settings.company,
                box=self.box,
                partial=partial,
            )
        except ConflictError:
            await self._still_claimed(order_id)  # taken over: say where it went
            raise
        # shipped: the next claim (a remainder) starts empty
        await progress.clear_progress(order_id)
        return await follow_up.completion_report(
            order_id, result.status.value, result.document_numbers
        )

    async def progress(self, order_id: int) -> list[JobProgress]:
        """Documents, labels, print jobs and the confirmation of one order, as they happen."""
        return await follow_up.follow_up(order_id, self.station)
