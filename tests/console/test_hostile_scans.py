"""Whatever a scanner (or a cat, or a pasted file) sends, the desk stays up and shows it literally.

Every place a scan lands gets text with markup (`[/x]` raised MarkupError and closed the desk, `[b]`
turned bold), control characters, escape sequences and very long strings. No exception, the text
shown as it came (markup not interpreted), and nothing in the database changed.
"""

from __future__ import annotations

import contextlib

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from console.scanning import _LAYOUT_SIGNS, decode
from console.screens.packing import PackingScreen
from console.screens.sign_in import SignInScreen
from console.widgets.plain import shown
from console.widgets.scan_field import ScanField
from core.domain.desk import MAX_SCAN_LENGTH, clean_code
from core.persistence.models import AuditEventRow, OrderRow, ShipmentRow
from core.services.desk.views import ClaimGone
from tests.console.conftest import until
from tests.support.keys import burst

MARKUP = ["[b]", "[/x]", "[/]", "[red]", "[@click=app.quit]", "[link=x]", "[on red]", "[b"]
_alphabet = st.characters(
    codec="utf-8", exclude_categories=["Cs"], exclude_characters="".join(_LAYOUT_SIGNS)
)
hostile = st.tuples(
    st.sampled_from(MARKUP),
    st.one_of(
        st.text(_alphabet, max_size=40),
        st.text(st.sampled_from("\x00\x07\x1b\x1d\x7f\x9b[]/;m"), max_size=30),
        st.just("\x1b[2J\x1b[31mred\x1b]0;title\x07"),
        st.integers(MAX_SCAN_LENGTH, 20_000).map(lambda n: "A" * n),
    ),
).map("".join)


def _text(app, selector: str) -> str:
    found = app.screen.query(selector)  # empty while the screen is still composing
    return str(found.first().render()) if found else ""


def _scan(app, raw: str) -> None:
    """A scan as the field posts it: every character kept, even those no terminal would type."""
    field = app.screen.query_one(ScanField)
    field.post_message(ScanField.Scanned(field, decode(raw)))


def _expect(raw: str, token: str):
    scan = decode(raw)
    if len(raw) > MAX_SCAN_LENGTH:
        return lambda text: "no barcode is that long" in text
    seen = {shown(scan.code)[:3], shown(clean_code(scan.code))[:3]}
    return lambda text: token in text and any(part in text for part in seen)


async def _state() -> tuple:
    orders = sorted((o.id, o.status, o.claimed_by) for o in await OrderRow.all())
    return orders, await ShipmentRow.all().count()


@settings(
    max_examples=6,
    deadline=None,
    # One example is a whole app session: shrinking one that fails took over five minutes, so the
    # example is reported as found (it is short already: a markup sign and one kind of noise).
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(raw=hostile)
async def test_hostile_text_in_every_place_a_scan_lands(desk, raw):
    token = next(m for m in MARKUP if raw.startswith(m))
    shows = _expect(raw, token)
    before = await _state()
    audit_before = await AuditEventRow.all().count()
    try:
        await _every_place(desk, raw, shows, before)
    finally:  # a failing example must not leave its claim to the next one
        with contextlib.suppress(ClaimGone):  # F8 put it back already: nothing is left to release
            await desk.backend.release(desk.orders["302-0000001-0000001"], "anna")
    assert await _state() == before
    assert await AuditEventRow.all().count() >= audit_before


async def _every_place(desk, raw, shows, before) -> None:
    app = desk.app()
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: isinstance(app.screen, SignInScreen))
        _scan(app, raw)  # the badge field
        await until(pilot, lambda: shows(_text(app, "#message")))
        burst(app, "P-ANNA\r")
        await until(pilot, lambda: isinstance(app.screen, PackingScreen))
        desk_screen = app.screen
        await until(pilot, lambda: "to start" in _text(app, "#feedback"))
        _scan(app, raw)  # the desk, nothing on it
        await until(pilot, lambda: shows(_text(app, "#feedback")) and desk_screen.mode == "idle")
        assert desk_screen.session is None
        assert await _state() == before
        burst(app, "302-0000001-0000001\r")
        await until(pilot, lambda: desk_screen.session is not None)
        _scan(app, raw)  # the desk, an order on it
        await until(pilot, lambda: shows(_text(app, "#feedback")))
        assert desk_screen.session.items_packed == 0
        app.action_open("queue")
        await until(pilot, lambda: bool(app.screen.query("QueueScreen ScanField")))
        _scan(app, raw)  # the queue's search
        await until(pilot, lambda: shows(_text(app, "#page-info")))
        app.action_open("articles")
        await until(pilot, lambda: bool(app.screen.query("ArticlesScreen ScanField")))
        _scan(app, raw)  # the article search
        await until(pilot, lambda: shows(_text(app, "#state")))
        await pilot.pause()
        app.action_open("")
        await until(pilot, lambda: app.screen is desk_screen)
        await pilot.press("f8")
        await until(pilot, lambda: desk_screen.session is None and desk_screen.mode == "idle")
        await until(pilot, lambda: "back in the queue" in _text(app, "#feedback"))
    assert app.return_code in (None, 0)


async def test_a_20000_character_scan_is_answered_without_a_lookup(desk):
    app = desk.app()
    lookups: list[str] = []
    real_open = desk.backend.open_order

    async def spy(code, *args, **kwargs):
        lookups.append(code)
        return await real_open(code, *args, **kwargs)

    desk.backend.open_order = spy  # type: ignore[method-assign]
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: isinstance(app.screen, SignInScreen))
        burst(app, "P-ANNA\r")
        await until(pilot, lambda: isinstance(app.screen, PackingScreen))
        screen = app.screen
        await until(pilot, lambda: isinstance(app.focused, ScanField))
        burst(app, "7" * 20_000 + "\r")
        await until(pilot, lambda: "no barcode is that long" in _text(app, "#feedback"), 60)
        assert "20,000 characters" in _text(app, "#feedback")
        assert len(_text(app, "#feedback").splitlines()) == 1
        assert screen.query_one(ScanField).value == "" and screen.mode == "idle"
        burst(app, "302-0000002-0000002\r")  # the desk goes on as before
        await until(pilot, lambda: screen.session is not None)
    assert lookups == ["302-0000002-0000002"]


async def test_an_absurd_scan_and_the_next_code_in_one_read_are_two_answers(desk):
    # The App counts keys past the limit as they arrive (ScanField.arriving), far ahead of the
    # field: the count must end with its own scan, and the next code must arrive whole.
    app = desk.app()
    async with app.run_test(size=(80, 24)) as pilot:
        burst(app, "P-ANNA\r")
        await until(pilot, lambda: isinstance(app.screen, PackingScreen))
        screen = app.screen
        await until(pilot, lambda: isinstance(app.focused, ScanField))
        answers: list[str] = []
        real_say = screen.say

        def say(text: str, state: str = "info") -> None:
            answers.append(text)
            real_say(text, state)

        screen.say = say  # type: ignore[method-assign]
        burst(app, "7" * 5_000 + "\r" + "302-0000002-0000002\r")
        await until(pilot, lambda: screen.session is not None, 60)
        assert "5,000 characters" in answers[0]
        assert screen.target is not None and screen.target.external_id == "302-0000002-0000002"
        assert screen.query_one(ScanField).value == ""
