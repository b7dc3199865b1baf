"""What scheduled tasks email: each officer's daily digest and the manager's weekly summary (audited).

Both go through the team's SMTP relay (`services/mail.py`, set up with `send-desk smtp set`). Both
carry personal data out of the desk (references, summaries), so each sending is recorded in the audit
trail with who it went to and how many cases it named.
"""

from __future__ import annotations

from dataclasses import dataclass
from email.message import EmailMessage

from send_desk.domain.errors import SendDeskError
from send_desk.reports.scheduled_emails import (
    digest_subject,
    digest_text,
    weekly_email_subject,
    weekly_email_text,
)
from send_desk.services import audit, mail
from send_desk.services.context import ServiceContext
from send_desk.services.permissions import Action, require
from send_desk.services.reminders import ReminderService
from send_desk.values.figures import WeeklySummary
from send_desk.values.letters import SmtpSettingsView


class NoRelayError(SendDeskError):
    """Raise when email is asked for and no admin has set up the team's SMTP relay."""

    default_message = (
        "No email relay is set up, so nothing was sent. An admin sets it up in Admin ▸ Email relay or with "
        "`send-desk smtp set --host H --port P --from ADDRESS`."
    )


@dataclass(frozen=True)
class DigestsSent:
    """Who was sent a digest, and who has something due but no email address to send it to."""

    sent: tuple[tuple[str, str, int], ...]
    """(login, address, how many reminders) for each digest sent."""
    no_address: tuple[str, ...]
    """Logins of staff with reminders but no email address on their staff record."""


class ScheduledMailService:
    """Send the daily digests and the weekly summary through the relay; a manager's task."""

    def __init__(self, ctx: ServiceContext) -> None:
        """Use the desk's context."""
        self.ctx = ctx

    def _relay(self) -> SmtpSettingsView:
        from send_desk.services.letters import LetterService

        settings = LetterService(self.ctx).smtp_settings()
        if settings is None:
            raise NoRelayError()
        return settings

    def _allowed(self) -> None:
        with self.ctx.db.write() as session:
            require(session, self.ctx.actor_login(), Action.RUN_REPORTS, at=self.ctx.now())

    def email_digests(self) -> DigestsSent:
        """Email every member of staff with something due today or overdue their own digest."""
        self._allowed()
        relay = self._relay()
        sent: list[tuple[str, str, int]] = []
        missing: list[str] = []
        for reminders in ReminderService(self.ctx).everyone():
            if not reminders.email.strip():
                missing.append(reminders.login)
                continue
            message = mail.build_message(
                to=[reminders.email],
                subject=digest_subject(reminders),
                body=digest_text(reminders),
                sender=relay.from_address,
                at=self.ctx.now(),
            )
            mail.send(relay, message)
            self._audit("reminders-emailed", [reminders.email], [i.reference for i in reminders.items])
            sent.append((reminders.login, reminders.email, len(reminders.items)))
        return DigestsSent(tuple(sent), tuple(missing))

    def email_weekly(self, summary: WeeklySummary, pdf: bytes, to: list[str], *, team: str) -> EmailMessage:
        """Email the weekly summary's headline figures, with its PDF attached; return what was sent."""
        self._allowed()
        relay = self._relay()
        message = mail.build_message(
            to=to,
            subject=weekly_email_subject(summary, team),
            body=weekly_email_text(summary, team),
            sender=relay.from_address,
            attachments=[mail.Attachment(f"weekly-summary-{summary.week}.pdf", pdf, "application/pdf")],
            at=self.ctx.now(),
        )
        mail.send(relay, message)
        self._audit("weekly-summary-emailed", to, summary.overdue_references, week=summary.week)
        return message

    def _audit(self, action: str, to: list[str], references: list[str], **details: object) -> None:
        with self.ctx.db.write() as session:
            actor = require(session, self.ctx.actor_login(), Action.RUN_REPORTS, at=self.ctx.now())
            audit.record(
                session,
                at=self.ctx.now(),
                login=actor.login,
                actor_name=actor.name,
                action=action,
                details={"to": to, "cases": len(references), "references": references, **details},
            )
