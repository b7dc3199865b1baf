"""Email without Qt: drafts (.eml with X-Unsent: 1) and sending through the team's SMTP relay.

Used by letters (write email, acknowledge and send) and by scheduled tasks (reminders, weekly reports).
The relay's settings live in the database; a password never does: it is read from
SEND_DESK_SMTP_PASSWORD (scheduled tasks) or this PC's credential store (keyring).
"""

from __future__ import annotations

import os
import smtplib
import ssl
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

from send_desk.domain.errors import SendDeskError, ValidationError
from send_desk.values.letters import SmtpSettingsView

PASSWORD_ENV = "SEND_DESK_SMTP_PASSWORD"
KEYRING_SERVICE = "send-desk-smtp"
SEND_SECONDS = 30


class MailError(SendDeskError):
    """Raise when an email could not be sent."""


@dataclass(frozen=True)
class Attachment:
    """A file attached to an email."""

    filename: str
    content: bytes
    media_type: str


def check_address(address: str, what: str = "email address") -> str:
    """Return an address stripped, or refuse one that is not an email address."""
    value = address.strip()
    if "@" not in value or " " in value or value.startswith("@") or value.endswith("@") or "\n" in value:
        raise ValidationError(f"{value or 'An empty value'} is not a valid {what}.", field="email")
    return value


def build_message(
    *,
    to: Sequence[str],
    subject: str,
    body: str,
    sender: str = "",
    attachments: Sequence[Attachment] = (),
    at: datetime | None = None,
    draft: bool = False,
) -> EmailMessage:
    """Return an email; a draft has X-Unsent: 1 so Outlook opens it ready to send from its own mailbox."""
    message = EmailMessage()
    if draft:
        message["X-Unsent"] = "1"
    if sender:
        message["From"] = sender
    message["To"] = ", ".join(check_address(a) for a in to)
    message["Subject"] = subject
    if at is not None:
        message["Date"] = format_datetime(at)
    message["Message-ID"] = make_msgid(domain="send-desk.local")
    message.set_content(body)
    for item in attachments:
        main, _, sub = item.media_type.partition("/")
        message.add_attachment(item.content, maintype=main, subtype=sub, filename=item.filename)
    return message


def smtp_password(settings: SmtpSettingsView) -> str | None:
    """Return the relay's password: SEND_DESK_SMTP_PASSWORD first, else this PC's credential store."""
    if not settings.username:
        return None
    from_env = os.environ.get(PASSWORD_ENV)
    if from_env:
        return from_env
    try:
        import keyring

        return keyring.get_password(KEYRING_SERVICE, f"{settings.username}@{settings.host}")
    except Exception:  # no usable credential store on this PC: as if no password were kept
        return None


def store_password(settings: SmtpSettingsView, password: str) -> None:
    """Keep the relay's password in this PC's credential store (never in the database)."""
    import keyring

    try:
        keyring.set_password(KEYRING_SERVICE, f"{settings.username}@{settings.host}", password)
    except Exception as exc:
        raise MailError(
            f"This PC's credential store would not keep the password ({exc}). Set {PASSWORD_ENV} for "
            "scheduled tasks instead."
        ) from exc


def send(settings: SmtpSettingsView, message: EmailMessage, *, password: str | None = None) -> None:
    """Send a message through the relay (STARTTLS and login where set up), said in plain words if it fails."""
    del message["X-Unsent"]
    if message["From"] is None:
        message["From"] = settings.from_address
    password = password if password is not None else smtp_password(settings)
    if settings.username and password is None:
        raise MailError(
            f"The relay {settings.host} needs the password of {settings.username}, and none is kept on this "
            f"PC. Store it with `keyring set {KEYRING_SERVICE} {settings.username}@{settings.host}` or set "
            f"{PASSWORD_ENV}."
        )
    where = f"{settings.host}:{settings.port}"
    try:
        with smtplib.SMTP(settings.host, settings.port, timeout=SEND_SECONDS) as smtp:
            if settings.starttls:
                smtp.starttls(context=ssl.create_default_context())
            if settings.username and password:
                smtp.login(settings.username, password)
            smtp.send_message(message)
    except smtplib.SMTPAuthenticationError as exc:
        raise MailError(
            f"The relay {where} refused the user name or password ({exc.smtp_code}). Check them with IT."
        ) from exc
    except smtplib.SMTPRecipientsRefused as exc:
        raise MailError(
            f"The relay {where} refused the address {', '.join(exc.recipients)}. Check it and try again."
        ) from exc
    except smtplib.SMTPException as exc:
        raise MailError(f"The relay {where} did not take the email: {exc}. Try again or ask IT.") from exc
    except OSError as exc:
        raise MailError(
            f"The relay {where} could not be reached ({exc.strerror or exc}). Check the SMTP settings "
            "(Admin ▸ Email relay, or `send-desk smtp set`) or save an email draft instead."
        ) from exc
