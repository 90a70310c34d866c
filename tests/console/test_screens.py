"""Every screen through Pilot on the fake backend: what it shows and what its keys do."""

from __future__ import annotations

import pytest

from console.app import PackdeskApp
from tests.console.conftest import until
from tests.console.fakes import ANNA, FakeBackend
from tests.support.keys import burst


def make_app(**kw) -> PackdeskApp:
    return PackdeskApp(FakeBackend(), poll_interval=None, cursor_blink=False, **kw)  # type: ignore[arg-type]


async def open_screen(app: PackdeskApp, pilot, name: str) -> None:
    app.signed_in(ANNA)
    await pilot.pause()
    if name != "packing":
        app.action_open(name)
    await pilot.pause()
    await app.workers.wait_for_complete()
    await pilot.pause()


def text_of(app: PackdeskApp) -> str:
    return "\n".join(str(w.render()) for w in app.screen.query("Static"))


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("queue", "of 30 open"),
        ("holds", "Orders on hold"),
        ("outbox", "dead: 1"),
        ("rejections", "2 SKU(s) refused by Amazon; 1 go out again"),
        ("rejections", "1 invoice(s) Amazon did not accept"),
        ("articles", "Scan an article"),
        ("printers", ""),
        ("dashboard", "anna"),
    ],
)
async def test_each_screen_opens_and_loads(name, expected):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_screen(app, pilot, name)
        assert type(app.screen).__name__.lower().startswith(name[:4]) or name == "printers"
        assert expected in text_of(app)
        await pilot.press("escape")
        assert type(app.screen).__name__ == "PackingScreen"


@pytest.mark.parametrize(
    "name", ["queue", "holds", "outbox", "rejections", "articles", "printers", "dashboard"]
)
async def test_each_screen_reads_its_data_once_when_it_opens(name, monkeypatch):
    # Textual calls on_mount of every class in a screen's MRO; screens that also called
    # super().on_mount() loaded twice (the queue read 100,000 orders twice for one F2).
    import importlib
    import pkgutil

    import console.screens
    from console.screens import base

    for module in pkgutil.iter_modules(console.screens.__path__):  # screens load lazily
        importlib.import_module(f"console.screens.{module.name}")

    def every(cls: type) -> list[type]:
        return [cls, *(c for sub in cls.__subclasses__() for c in every(sub))]

    reads: list[type] = []
    for cls in every(base.StationScreen):
        if "refresh_data" in cls.__dict__:
            real = cls.__dict__["refresh_data"]
            monkeypatch.setattr(
                cls, "refresh_data", lambda self, _r=real: (reads.append(type(self)), _r(self))
            )
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_screen(app, pilot, name)
        shown = type(app.screen)
        assert shown.__name__ != "PackingScreen"
        times = reads.count(shown)
        assert times == 1, f"{shown.__name__} read its data {times} times"


async def test_settings_need_the_supervisor_pin():
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_screen(app, pilot, "settings")
        assert type(app.screen).__name__ == "PinPrompt"
        await pilot.press(*"9999", "enter")
        await until(pilot, lambda: "not" in str(app.screen.query_one("#pin-error").render()))
        # A wrong PIN keeps the dialog: the retry goes there, never into the desk's scan field.
        assert app.supervisor is None and type(app.screen).__name__ == "PinPrompt"
        await pilot.press(*"1234", "enter")
        await until(pilot, lambda: type(app.screen).__name__ == "SettingsScreen")
        assert app.supervisor.name == "sam"


async def test_queue_f5_puts_the_highlighted_order_on_the_desk():
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_screen(app, pilot, "queue")
        await pilot.press("f5")
        await until(pilot, lambda: type(app.screen).__name__ == "PackingScreen")
        await until(pilot, lambda: app.screen.target is not None)
        assert app.screen.target.external_id == "302-0000001-0000001"


def _palette_hits(app) -> str:
    from textual.command import CommandList

    found = app.screen.query(CommandList)
    if not found:
        return ""
    hits = found.first()
    return " ".join(str(hits.get_option_at_index(i).prompt) for i in range(hits.option_count))


async def test_palette_lists_the_screens():
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_screen(app, pilot, "packing")
        await pilot.press("ctrl+p")
        await pilot.press(*"holds")
        # the palette searches in a worker: wait for its hit, not for a moment
        await until(pilot, lambda: "Holds" in _palette_hits(app))
        await pilot.press("enter")
        await until(pilot, lambda: type(app.screen).__name__ == "HoldsScreen")


async def test_letters_landing_on_screens_trigger_nothing():
    """A scan while a list has focus must not run commands (no single-letter bindings)."""
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_screen(app, pilot, "holds")
        burst(app, "qwertyuiopasdfghjklzxcvbnm1234567890")
        await pilot.pause()
        assert type(app.screen).__name__ == "HoldsScreen"


async def test_sign_in_by_badge_and_wrong_badge():
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        burst(app, "NOBODY\r")
        await until(pilot, lambda: "No packer" in text_of(app))
        burst(app, "P-ANNA\r")
        await until(pilot, lambda: type(app.screen).__name__ == "PackingScreen")
        # the desk is built and says who is at it (leaving earlier tears it down mid-mount)
        await until(pilot, lambda: "anna · desk-1" in text_of(app))
        assert [type(s).__name__ for s in app.screen_stack] == ["SignInScreen", "PackingScreen"]


async def test_ssh_packer_is_the_only_choice():
    app = make_app(fixed_packer="anna")
    async with app.run_test(size=(80, 24)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert "Signed in over SSH as anna" in text_of(app)
        burst(app, "SUP-0001\r")
        await until(pilot, lambda: "belongs to anna" in text_of(app))


async def test_german_catalog_translates():
    from console.i18n import _, use_language

    try:
        assert use_language("de") == "de"
        assert _("Scan your badge, or choose your name below.").startswith("Scanne")
    finally:
        use_language("en")


def test_every_console_text_speaks_german():
    """Every text a packer reads has its German entry with the same placeholders (the desk's
    takeover, PIN and opening answers came in English on a German desk)."""
    import ast
    import re
    from pathlib import Path

    import console
    from console.i18n import HERE, parse_po

    texts = {
        (node.args[0].value, str(path.relative_to(Path(console.__file__).parent)))
        for path in Path(console.__file__).parent.rglob("*.py")
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.Call)
        and getattr(node.func, "id", "") == "_"
        and node.args
        and isinstance(node.args[0], ast.Constant)
        and isinstance(node.args[0].value, str)
    }
    german = parse_po((HERE / "de" / "LC_MESSAGES" / "packdesk.po").read_text(encoding="utf-8"))
    assert len(texts) > 200
    assert sorted((where, text) for text, where in texts if text not in german) == []

    def names(text: str) -> set[str]:
        return set(re.findall(r"{(\w*)", text))

    assert [(t, german[t]) for t, _w in texts if names(t) != names(german[t])] == []


async def test_an_ended_session_signs_the_packer_out():
    """Deactivation ends the session row; the desk notices on its next poll (issue 15)."""
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        app.signed_in(ANNA)
        await until(pilot, lambda: type(app.screen).__name__ == "PackingScreen")
        await app.workers.wait_for_complete()
        await pilot.pause()
        app.backend.session_ended = True  # type: ignore[attr-defined]
        app.poll_changes()
        await until(pilot, lambda: app.packer is None)
        assert type(app.screen).__name__ == "SignInScreen"


async def test_the_answer_to_a_too_long_search_stays_when_the_first_page_arrives_later():
    """Under load the queue's first page came after the scan and wrote its page count over the
    answer: the packer never saw why the scan did nothing (and the hostile-scan test flaked)."""
    import asyncio

    from console.scanning import decode
    from console.screens.queue import QueueScreen
    from console.widgets.scan_field import ScanField

    backend = FakeBackend()
    gate = asyncio.Event()
    real_queue = backend.queue

    async def slow_queue(*args, **kwargs):
        await gate.wait()
        return await real_queue(*args, **kwargs)

    backend.queue = slow_queue  # type: ignore[method-assign]
    app = PackdeskApp(backend, poll_interval=None, cursor_blink=False)  # type: ignore[arg-type]
    async with app.run_test(size=(100, 30)) as pilot:
        app.signed_in(ANNA)
        await pilot.pause()
        app.action_open("queue")
        await until(pilot, lambda: bool(app.screen.query("QueueScreen ScanField")))
        screen = app.screen
        assert isinstance(screen, QueueScreen)
        field = screen.query_one(ScanField)
        field.post_message(ScanField.Scanned(field, decode("A" * 500)))
        info = screen.query_one("#page-info")
        await until(pilot, lambda: "no barcode is that long" in str(info.render()))
        gate.set()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert "no barcode is that long" in str(info.render())


async def test_rejections_show_what_amazon_refused_per_sku_as_plain_text():
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_screen(app, pilot, "rejections")
        table = app.screen.query_one("#rejections")
        rows = [table.get_row_at(i) for i in range(table.row_count)]
        assert [tuple(str(c) for c in r[1:4]) for r in rows] == [("MUG-01", "DE FR", "8541"),
                                                      ("TEA-02", "DE", "90220")]  # fmt: skip
        await until(pilot, lambda: "Quantity" in str(app.screen.query_one("#message").render()))
        # Amazon's text is data, never markup: the brackets are shown as they came
        assert "[b]Quantity[/b] is invalid" in str(app.screen.query_one("#message").render())


async def test_rejections_show_the_invoices_amazon_did_not_accept_in_its_words():
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_screen(app, pilot, "rejections")
        table = app.screen.query_one("#invoices")
        rows = [tuple(str(c) for c in table.get_row_at(i)) for i in range(table.row_count)]
        # Amazon's status is shown as it came (its values are undocumented), never interpreted
        assert [r[1:4] for r in rows] == [
            ("RE-2026-00007", "302-1234567-7654321", "InvoiceUploadFailed")
        ]
        table.focus()
        table.move_cursor(row=0)
        await until(
            pilot, lambda: "Rechnungsnummer" in str(app.screen.query_one("#message").render())
        )
        # Amazon's text is data, never markup
        assert "[red]Rechnungsnummer[/red]" in str(app.screen.query_one("#message").render())
