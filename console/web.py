"""`packdesk web`: the console in a browser, with an access token, over TLS beyond localhost.

Decision (issue 15): the browser station is guarded by Packdesk itself, not only by a proxy.
- On localhost it may run bare (a reverse proxy in front does TLS and login, docs/ssh.md).
- On any other address it refuses to start without a TLS certificate and key, and every request
  must carry the access token: once as `?token=…` in the link handed to the desk, then as an
  HttpOnly, Secure, SameSite=Strict cookie. Wrong or missing token: 401, nothing else served.
Inside, packers sign in with their badge and supervisors enter their PIN, as at every desk; each
browser tab is its own console process with a session row (kind `web`), so deactivation ends it.
"""

from __future__ import annotations

import hmac
import os
import secrets
import ssl
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from aiohttp import web
from textual_serve.server import Server

from core.errors import UserInputError

TOKEN_ENV = "PACKDESK_WEB_TOKEN"
TOKEN_FILE = "web.token"
COOKIE = "packdesk_web"
LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1")

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def access_token(data_dir: Path) -> str:
    """The token from PACKDESK_WEB_TOKEN, else from `web.token` in the data dir (made once, 0600)."""
    if env := os.environ.get(TOKEN_ENV):
        if len(env) < 20:
            raise UserInputError(f"{TOKEN_ENV} is too short to guard the console (20+ characters).")
        return env
    path = data_dir / TOKEN_FILE
    if not path.exists():
        data_dir.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write(secrets.token_urlsafe(32) + "\n")
    return path.read_text().strip()


def tls_context(cert: Path, key: Path) -> ssl.SSLContext:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    try:
        context.load_cert_chain(cert, key)
    except (OSError, ssl.SSLError) as exc:
        raise UserInputError(f"--tls-cert {cert} / --tls-key {key} cannot be used: {exc}") from None
    return context


def token_guard(token: str, *, secure_cookie: bool) -> Any:
    """aiohttp middleware: no token, no console."""

    @web.middleware
    async def guard(request: web.Request, handler: Handler) -> web.StreamResponse:
        offered = request.query.get("token") or request.cookies.get(COOKIE, "")
        if not hmac.compare_digest(offered.encode(), token.encode()):
            return web.Response(status=401, text="Packdesk: open the link with the access token.\n")
        response = await handler(request)
        if request.query.get("token"):
            response.set_cookie(COOKIE, token, httponly=True, secure=secure_cookie,
                                samesite="Strict")  # fmt: skip
        return response

    return guard


class GuardedServer(Server):
    """textual-serve with the token guard and, when given, TLS."""

    def __init__(
        self, command: str, *, host: str, port: int, token: str | None,
        tls: ssl.SSLContext | None,
    ) -> None:  # fmt: skip
        scheme = "https" if tls else "http"
        super().__init__(command, host=host, port=port, title="Packdesk",
                         public_url=f"{scheme}://{host}:{port}")  # fmt: skip
        self.token = token
        self.tls = tls

    async def _make_app(self) -> web.Application:
        app = await super()._make_app()
        app.middlewares.append(focus_terminal)
        if self.token:
            app.middlewares.append(token_guard(self.token, secure_cookie=self.tls is not None))
        return app

    def serve(self, debug: bool = False) -> None:
        # textual-serve's own serve() has no TLS; the same run_app with an SSL context.
        self.debug = debug
        self.initialize_logging()
        web.run_app(self._make_app(), host=self.host, port=self.port, ssl_context=self.tls,
                    print=lambda *args: None)  # fmt: skip


# textual-serve's page leaves focus on <body>: a scanner typed into nothing until someone clicked
# the terminal. Focus xterm's input as soon as it exists (it is created after the page loads).
FOCUS_SCRIPT = (
    "<script>(function(){function f(){var t=document.querySelector('.xterm-helper-textarea');"
    "if(t){t.focus();}else{setTimeout(f,50);}}window.addEventListener('load',f);})();</script>"
)


@web.middleware
async def focus_terminal(request: web.Request, handler: Any) -> web.StreamResponse:
    response: web.StreamResponse = await handler(request)
    if (
        request.path == "/"
        and isinstance(response, web.Response)
        and response.content_type == "text/html"
        and response.text
        and "</body>" in response.text
    ):
        response.text = response.text.replace("</body>", FOCUS_SCRIPT + "</body>", 1)
    return response


def check_exposure(host: str, tls_cert: Path | None, tls_key: Path | None, token: bool) -> None:
    """Beyond localhost only with TLS and the token: refuse otherwise, saying what is missing."""
    if host in LOCAL_HOSTS:
        return
    if tls_cert is None or tls_key is None:
        raise UserInputError(
            f"packdesk web --host {host}: serving beyond localhost needs --tls-cert and --tls-key "
            "(or keep it on localhost behind a reverse proxy, docs/ssh.md)."
        )
    if not token:
        raise UserInputError(f"packdesk web --host {host}: beyond localhost the access token is "
                             "required (drop --no-token).")  # fmt: skip
