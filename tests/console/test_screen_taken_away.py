"""A screen taken away in the moment it opened never ends the console (console/screens/base.py).

Found under load: the desk was pushed as the test ended, Textual pruned its widgets before its
Mount was handled, and `PackingScreen.on_mount` raised NoMatches for '#who'. A packer gets the
same with a sign-out right after the badge, or the console quitting as the desk opens.
"""

from __future__ import annotations

from console.screens.sign_in import SignInScreen
from tests.console.fakes import ANNA
from tests.console.test_screen_messages import make_app


async def test_quitting_as_the_desk_opens_is_no_error():
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        app.signed_in(ANNA)  # the console quits right after: the desk has not been shown yet


async def test_signing_out_as_the_desk_opens_is_no_error():
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        app.signed_in(ANNA)
        app.action_sign_out()
        await pilot.pause()
        assert isinstance(app.screen, SignInScreen) and app.packer is None
