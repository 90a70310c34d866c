"""Mail: the SMTP mailer (aiosmtplib) and the invoice mail templates in de, en and fr.

`SmtpMailer.send` raises `PermanentFailure` when the server refuses for good (5xx), so the outbox
job dies with the reason; anything temporary (4xx, connection refused, timeouts) raises
`MailUnavailable`, which the outbox retries with backoff. Error texts never carry the recipient's
address: a server's reply often quotes it, so addresses are masked before the text is kept.
"""

from __future__ import annotations

import os
import re
import string
from collections.abc import Mapping, Sequence
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path
from typing import Any

import aiosmtplib

from core.config import MailSettings
from core.documents import locale
from core.errors import PackdeskError, UserInputError
from core.ports import Attachment
from core.services.outbox import PermanentFailure

_ADDRESS = re.compile(r"<?[^\s<>@]+@[^\s<>@]+>?")


class MailUnavailable(PackdeskError):
    """The mail server cannot take the message right now; the outbox tries again later."""


def _masked(text: str) -> str:
    return _ADDRESS.sub("<address>", text)[:300]


class SmtpMailer:
    """Sends through the SMTP server in `[mail]`; the password comes from `mail.password_env`."""

    def __init__(self, settings: MailSettings, environ: Mapping[str, str] | None = None) -> None:
        if not settings.host:
            raise UserInputError("mail.host is not set — set it to send invoices by mail.")
        if not settings.sender:
            raise UserInputError("mail.sender is not set — the address invoices are sent from.")
        env = os.environ if environ is None else environ
        self.settings = settings
        self._password = env.get(settings.password_env, "") if settings.username else ""

    def _message(
        self, to: str, subject: str, body: str, attachments: Sequence[Attachment]
    ) -> EmailMessage:
        msg = EmailMessage()
        msg["From"] = self.settings.sender
        msg["To"] = to
        msg["Subject"] = subject
        msg["Date"] = formatdate(localtime=False, usegmt=True)
        domain = self.settings.sender.rpartition("@")[2].strip(">") or "packdesk.invalid"
        msg["Message-ID"] = make_msgid(domain=domain)
        msg.set_content(body)
        for a in attachments:
            maintype, _, subtype = a.content_type.partition("/")
            msg.add_attachment(a.data, maintype=maintype, subtype=subtype, filename=a.filename)
        return msg

    async def send(
        self, to: str, subject: str, body: str, attachments: Sequence[Attachment] = ()
    ) -> str:
        """Send one message; return its Message-ID."""
        msg = self._message(to, subject, body, attachments)
        s = self.settings
        try:
            await aiosmtplib.send(
                msg,
                hostname=s.host,
                port=s.port,
                username=s.username or None,
                password=self._password or None,
                use_tls=s.security == "tls",
                start_tls=True if s.security == "starttls" else False,
                timeout=s.timeout_s,
            )
        except aiosmtplib.SMTPRecipientsRefused as exc:
            codes = [r.code for r in exc.recipients]
            text = f"The mail server refused the recipient ({', '.join(map(str, codes))})."
            if all(500 <= c < 600 for c in codes):
                raise PermanentFailure(text) from None
            raise MailUnavailable(text) from None
        except aiosmtplib.SMTPResponseException as exc:
            text = f"The mail server answered {exc.code}: {_masked(exc.message)}"
            if 500 <= exc.code < 600:
                raise PermanentFailure(text) from None
            raise MailUnavailable(text) from None
        except (aiosmtplib.SMTPException, OSError, TimeoutError) as exc:
            raise MailUnavailable(
                f"The mail server {s.host}:{s.port} cannot be reached ({type(exc).__name__})."
            ) from None
        return str(msg["Message-ID"])


DEFAULT_TEMPLATES = {
    "de": (
        "Ihre Rechnung $number zur Amazon-Bestellung $order",
        "Guten Tag $name,\n\nvielen Dank für Ihre Bestellung $order bei $marketplace. "
        "Im Anhang finden Sie Ihre Rechnung $number über $total.\n$tracking\n"
        "Mit freundlichen Grüßen\n$seller\n",
    ),
    "en": (
        "Your invoice $number for Amazon order $order",
        "Hello $name,\n\nthank you for your order $order on $marketplace. "
        "Please find attached your invoice $number for $total.\n$tracking\nKind regards\n$seller\n",
    ),
    "fr": (
        "Votre facture $number pour la commande Amazon $order",
        "Bonjour $name,\n\nmerci pour votre commande $order sur $marketplace. "
        "Vous trouverez ci-joint votre facture $number d'un montant de $total.\n$tracking\n"
        "Cordialement\n$seller\n",
    ),
}


TRACKING_LABEL = {"de": "Sendungsnummer", "en": "Tracking number", "fr": "Numéro de suivi"}


class MailTemplates:
    """Subject and body per language; `<templates_dir>/invoice.<lang>.txt` overrides the default.

    A template file holds the subject on its first line, a blank line, then the body. Placeholders:
    $number, $order, $marketplace, $total, $name, $seller, $kind, $tracking (a line per parcel
    with carrier and tracking number, or nothing before the goods have left).
    """

    def __init__(self, templates_dir: Path | None = None) -> None:
        self.templates_dir = templates_dir

    def template(self, language: str) -> tuple[str, str]:
        language = language if language in DEFAULT_TEMPLATES else "en"
        if self.templates_dir is not None:
            path = self.templates_dir / f"invoice.{language}.txt"
            if path.is_file():
                subject, _, body = path.read_text(encoding="utf-8").partition("\n")
                return subject.strip(), body.lstrip("\n")
        return DEFAULT_TEMPLATES[language]

    def render(
        self, content: dict[str, Any], tracking: Sequence[tuple[str, str]] = ()
    ) -> tuple[str, str]:
        """(subject, body) for the invoice or credit note `content`, in its language.

        `tracking` holds (carrier, tracking number) per parcel of the shipment.
        """
        language = str(content.get("language", "en"))
        label = TRACKING_LABEL.get(language, TRACKING_LABEL["en"])
        parcels = "".join(
            f"{label}: {number}" + (f" ({carrier})" if carrier else "") + "\n"
            for carrier, number in tracking
            if number
        )
        values = {
            "number": content["number"],
            "order": content["order"]["external_id"],
            "marketplace": content["order"]["marketplace"],
            "total": locale.money(content["totals"]["gross"], content["currency"], language),
            "name": content["buyer"].get("name", ""),
            "seller": content["seller"]["name"],
            "kind": locale.text(language, content["kind"]),
            "tracking": "\n" + parcels if parcels else "",
        }
        subject, body = self.template(language)
        return (
            string.Template(subject).safe_substitute(values),
            string.Template(body).safe_substitute(values),
        )
