"""Letters and emails from templates: the template versions, merging, drafts, sending, the SMTP relay.

A letter made is stored as a document of the case (where the documents service is there) and recorded on
the timeline as a contact to the family: to whom, how and when, with the template version that made it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from send_desk.db.models import Case, Letter, LetterTemplate, SmtpSettings
from send_desk.domain import lifecycle
from send_desk.domain.ehc import merge_values as ehc_merge_values
from send_desk.domain.errors import ConflictError, NotFoundError, ValidationError
from send_desk.domain.kinds import CaseKind, Channel
from send_desk.domain.letters import SHIPPED, Purpose, fits, unknown_fields
from send_desk.domain.lifecycle import CaseAction
from send_desk.domain.wording import DEFAULT_TEAM, uk_time
from send_desk.reports.letters import (
    DOCX_MEDIA_TYPE,
    docx_paragraphs,
    docx_text,
    render_docx,
    template_fields,
)
from send_desk.resources import resource_path
from send_desk.services import audit, mail
from send_desk.services.clocks import case_state
from send_desk.services.context import ServiceContext
from send_desk.services.documents import DocumentService
from send_desk.services.letter_fields import check_complete, merge_values
from send_desk.services.permissions import Action, require
from send_desk.services.policies import load_closures, policy_from_row
from send_desk.values.cases import CaseDetail
from send_desk.values.letters import LetterMade, MergedLetter, SmtpSettingsView, TemplateView

HOWS = ("docx", "pdf", "draft", "email")
"""How a letter leaves the desk: a Word file, a PDF, an .eml draft for Outlook, or sent through the relay."""
PDF_MEDIA_TYPE = "application/pdf"
EML_MEDIA_TYPE = "message/rfc822"
SHIPPED_BY = "SEND Desk"
MAX_TEMPLATE_BYTES = 10 * 1024 * 1024


@dataclass(frozen=True)
class Preferences:
    """The contact's reasonable adjustments that change how a letter is made."""

    email_first: bool
    large_print: bool
    phone_only: bool


def preferences(case: CaseDetail) -> Preferences:
    """Return how the contact prefers to hear from us: email first, large print, phone only."""
    preferred = (case.contact.preferred_contact if case.contact else "").strip().lower()
    wants_large = "large print" in case.adjustments.lower() or "large-print" in case.adjustments.lower()
    return Preferences(
        email_first=preferred == "email",
        large_print=wants_large,
        phone_only=preferred in ("phone", "phone only", "phone-only"),
    )


def _split(value: str) -> tuple[str, ...]:
    return tuple(v for v in (p.strip() for p in value.split(",")) if v)


def _view(row: LetterTemplate) -> TemplateView:
    return TemplateView(
        id=row.id,
        name=row.name,
        version=row.version,
        title=row.title,
        purpose=row.purpose,
        kinds=_split(row.kinds),
        stages=tuple(int(s) for s in _split(row.stages)),
        fields=tuple(f for f in row.fields.splitlines() if f),
        active=row.active,
        added_by=row.added_by,
        added_at=row.added_at,
        shipped=row.added_by == SHIPPED_BY,
    )


class LetterService:
    """Template versions, letters merged for a case, drafts and sending, and the relay's settings."""

    def __init__(self, ctx: ServiceContext, documents: DocumentService | None = None) -> None:
        """Use the context; `documents` (with `add`) stores each letter on its case where it is given."""
        self.ctx = ctx
        self.documents = documents

    # ----- templates -----------------------------------------------------------------------
    def ensure_shipped(self) -> None:
        """Add the shipped default templates that the database does not have yet (version 1 each)."""
        with self.ctx.db.read() as session:
            have = set(session.scalars(select(LetterTemplate.name).distinct()))
        wanted = [spec for spec in SHIPPED if spec.name not in have]
        if not wanted:
            return
        with self.ctx.db.write() as session:
            have = set(session.scalars(select(LetterTemplate.name).distinct()))
            for spec in wanted:
                if spec.name in have:
                    continue
                content = resource_path("templates", spec.filename).read_bytes()
                session.add(
                    LetterTemplate(
                        name=spec.name,
                        version=1,
                        title=spec.title,
                        purpose=spec.purpose,
                        kinds=",".join(k.value for k in spec.kinds),
                        stages=",".join(str(s) for s in spec.stages),
                        content=content,
                        fields="\n".join(sorted(template_fields(content))),
                        active=True,
                        added_by=SHIPPED_BY,
                        added_at=self.ctx.now(),
                    )
                )

    def list_templates(self, *, include_off: bool = True) -> list[TemplateView]:
        """Return the latest version of every template, by title (switched-off ones too unless told)."""
        self.ensure_shipped()
        with self.ctx.db.read() as session:
            latest = (
                select(LetterTemplate.name, func.max(LetterTemplate.version).label("v"))
                .group_by(LetterTemplate.name)
                .subquery()
            )
            rows = session.scalars(
                select(LetterTemplate).join(
                    latest, (LetterTemplate.name == latest.c.name) & (LetterTemplate.version == latest.c.v)
                )
            ).all()
            views = [_view(r) for r in rows]
        return sorted((v for v in views if include_off or v.active), key=lambda v: v.title.lower())

    def templates_for(self, case: CaseDetail) -> list[TemplateView]:
        """Return the switched-on templates, those fitting the case's kind and stage first."""
        views = self.list_templates(include_off=False)
        order = {p: i for i, p in enumerate(Purpose.ALL)}
        return sorted(
            views,
            key=lambda v: (not fits(v.kinds, v.stages, case.kind.value, case.stage), order.get(v.purpose, 9)),
        )

    def versions(self, name: str) -> list[TemplateView]:
        """Return every version of one template, newest first."""
        self.ensure_shipped()
        with self.ctx.db.read() as session:
            rows = session.scalars(
                select(LetterTemplate)
                .where(LetterTemplate.name == name)
                .order_by(LetterTemplate.version.desc())
            ).all()
            if not rows:
                raise NotFoundError(
                    f"There is no letter template called {name}. See `send-desk templates list`."
                )
            return [_view(r) for r in rows]

    def template_content(self, name: str, version: int | None = None) -> bytes:
        """Return a template's .docx bytes (the latest version unless one is given)."""
        with self.ctx.db.read() as session:
            return self._template(session, name, version).content

    def check_template(self, content: bytes) -> list[str]:
        """Return the fields a .docx uses, refusing one that uses a field outside the catalogue."""
        if len(content) > MAX_TEMPLATE_BYTES:
            raise ValidationError(
                f"The template is {len(content) / 1048576:.1f} MB; templates may be up to "
                f"{MAX_TEMPLATE_BYTES // 1048576} MB. Make its pictures smaller in Word and try again.",
                field="template",
            )
        used = template_fields(content)
        unknown = unknown_fields(used)
        if unknown:
            raise ValidationError(
                f"The template uses {', '.join('{{ ' + u + ' }}' for u in unknown)}, which "
                f"{'is not a field' if len(unknown) == 1 else 'are not fields'} the desk knows. Use a name "
                "from the field list (Admin ▸ Templates shows it), or correct the spelling in Word.",
                field="template",
            )
        return sorted(used)

    def add_template(
        self,
        name: str,
        content: bytes,
        *,
        title: str = "",
        purpose: str = Purpose.OTHER,
        kinds: Sequence[str] = (),
        stages: Sequence[int] = (),
    ) -> TemplateView:
        """Add a template, or a new version of one (the old versions are kept; letters name theirs)."""
        name = name.strip().lower().replace(" ", "-")
        if not name or len(name) > 80:
            raise ValidationError("Give the template a name of up to 80 letters.", field="name")
        if purpose not in Purpose.ALL:
            raise ValidationError(f"{purpose} is not one of {', '.join(Purpose.ALL)}.", field="purpose")
        for kind in kinds:
            if kind not in {k.value for k in CaseKind}:
                raise ValidationError(f"{kind} is not a kind of case.", field="kinds")
        used = self.check_template(content)
        self.ensure_shipped()
        with self.ctx.db.write() as session:
            actor = require(session, self.ctx.actor_login(), Action.MANAGE_LETTERS, at=self.ctx.now())
            previous = session.scalars(
                select(LetterTemplate)
                .where(LetterTemplate.name == name)
                .order_by(LetterTemplate.version.desc())
            ).first()
            row = LetterTemplate(
                name=name,
                version=previous.version + 1 if previous else 1,
                title=title.strip() or (previous.title if previous else name.replace("-", " ").capitalize()),
                purpose=purpose if previous is None or purpose != Purpose.OTHER else previous.purpose,
                kinds=",".join(kinds) if kinds or previous is None else previous.kinds,
                stages=",".join(str(s) for s in stages) if stages or previous is None else previous.stages,
                content=content,
                fields="\n".join(used),
                active=True,
                added_by=actor.login,
                added_at=self.ctx.now(),
            )
            session.add(row)
            if previous is not None:
                session.execute(update(LetterTemplate).where(LetterTemplate.name == name).values(active=True))
            session.flush()
            audit.record(
                session,
                at=self.ctx.now(),
                login=actor.login,
                actor_name=actor.name,
                action="template-added",
                details={"template": name, "version": row.version, "fields": used},
            )
            return _view(row)

    def set_active(self, name: str, active: bool) -> TemplateView:
        """Switch a template on or off (every version; letters already made keep theirs)."""
        self.ensure_shipped()
        with self.ctx.db.write() as session:
            actor = require(session, self.ctx.actor_login(), Action.MANAGE_LETTERS, at=self.ctx.now())
            row = self._template(session, name, None, active_only=False)
            session.execute(
                update(LetterTemplate).where(LetterTemplate.name == row.name).values(active=active)
            )
            audit.record(
                session,
                at=self.ctx.now(),
                login=actor.login,
                actor_name=actor.name,
                action="template-switched-on" if active else "template-switched-off",
                details={"template": row.name},
            )
            session.flush()
            session.refresh(row)
            return _view(row)

    def _template(
        self, session: Session, name: str, version: int | None, *, active_only: bool = False
    ) -> LetterTemplate:
        query = select(LetterTemplate).where(LetterTemplate.name == name.strip())
        if version is not None:
            query = query.where(LetterTemplate.version == version)
        row = session.scalars(query.order_by(LetterTemplate.version.desc())).first()
        if row is None:
            raise NotFoundError(
                f"There is no letter template called {name.strip()}"
                + (f" (version {version})" if version else "")
                + ". See `send-desk templates list` or Admin ▸ Templates."
            )
        if active_only and not row.active:
            raise ValidationError(
                f"The template {row.title} is switched off. An admin can switch it on in Admin ▸ Templates.",
                field="template",
            )
        return row

    # ----- merging --------------------------------------------------------------------------
    def merge(
        self,
        case_id: int,
        template: str,
        *,
        team: str = DEFAULT_TEAM,
        large_print: bool | None = None,
        version: int | None = None,
        acknowledged_on: date | None = None,
    ) -> MergedLetter:
        """Merge a template with a case; a field the case lacks is refused here, before anything is made."""
        self.ensure_shipped()
        with self.ctx.db.read() as session:
            row = self._template(session, template, version, active_only=version is None)
            view = _view(row)
            content = row.content
            case = session.get(Case, case_id)
            if case is None:
                raise NotFoundError("That case could not be found. Someone may have removed it.")
            escalate_by = _escalate_by(session, case)
            respond_by = _respond_by_if_acknowledged(session, case, acknowledged_on, self.ctx.today())
        from send_desk.services.cases import CaseService
        from send_desk.services.ehc import EhcService

        detail = CaseService(self.ctx).get(case_id)
        values = merge_values(
            detail,
            today=self.ctx.today(),
            team=team,
            escalate_by=escalate_by,
            acknowledged_on=acknowledged_on,
            respond_by=respond_by,
        )
        values.update(ehc_merge_values(EhcService(self.ctx).dates(case_id)))  # the EHC dates (issue 18)
        check_complete(detail.reference, view.title, template_fields(content), values)
        big = preferences(detail).large_print if large_print is None else large_print
        letter = render_docx(content, values, large_print=big)
        stamp = uk_time(self.ctx.now()).strftime("%Y-%m-%d %H%M")
        return MergedLetter(
            reference=detail.reference,
            template=view,
            content=letter,
            text=docx_text(letter),
            paragraphs=tuple(docx_paragraphs(letter)),
            filename=f"{detail.reference} {view.name} {stamp}.docx",
            subject=f"Your {values['kind']} — our reference {detail.reference}",
        )

    # ----- making and sending ---------------------------------------------------------------
    def make(
        self,
        case_id: int,
        template: str,
        how: str,
        *,
        team: str = DEFAULT_TEAM,
        large_print: bool | None = None,
        to: str | None = None,
        attach: bool = True,
        acknowledged_on: date | None = None,
    ) -> LetterMade:
        """Make a letter (docx, pdf), an email draft or a sent email; store it on the case and record it."""
        if how not in HOWS:
            raise ValidationError(f"{how} is not one of {', '.join(HOWS)}.", field="how")
        merged = self.merge(
            case_id, template, team=team, large_print=large_print, acknowledged_on=acknowledged_on
        )
        detail = self._case_detail(case_id)
        contact = detail.contact
        name = contact.name if contact and contact.name else "the contact"
        if how in ("docx", "pdf"):
            content, filename, media_type = merged.content, merged.filename, DOCX_MEDIA_TYPE
            if how == "pdf":
                from send_desk.services.office import docx_to_pdf

                content, filename, media_type = (
                    docx_to_pdf(merged.content),
                    _suffix(filename, ".pdf"),
                    PDF_MEDIA_TYPE,
                )
            recipient = name
            channel = Channel.LETTER
            said = f"Letter made for {name} ({'PDF' if how == 'pdf' else 'Word'})"
        else:
            address = (to or (contact.email if contact else "")).strip()
            if not address:
                raise ValidationError(
                    f"Case {detail.reference} has no email address for {name}. Add it to the case, or type "
                    "the address to send to.",
                    field="email",
                )
            address = mail.check_address(address)
            settings = self.smtp_settings() if how == "email" else None
            if how == "email" and settings is None:
                raise ValidationError(
                    "No email relay is set up, so the desk cannot send email itself. Save an email draft "
                    "and send it from Outlook, or ask an admin to set the relay up "
                    "(`send-desk smtp set`).",
                    field="smtp",
                )
            message = mail.build_message(
                to=[address],
                subject=merged.subject,
                body=merged.text,
                sender=settings.from_address if settings else "",
                attachments=[mail.Attachment(merged.filename, merged.content, DOCX_MEDIA_TYPE)]
                if attach
                else (),
                at=self.ctx.now(),
                draft=how == "draft",
            )
            if settings is not None:
                mail.send(settings, message)
            content, filename, media_type = bytes(message), _suffix(merged.filename, ".eml"), EML_MEDIA_TYPE
            recipient = f"{name} <{address}>"
            channel = Channel.EMAIL
            said = (
                f"Email sent to {recipient}"
                if how == "email"
                else f"Email draft made for {recipient} (to send from Outlook)"
            )
        stored = self._store(detail.reference, filename, content, media_type)
        kept = f"kept with the case's documents as {stored}" if stored else f"saved as {filename}"
        used = merged.template
        text = (
            f"{said} from version {used.version} of the template '{used.title}' "
            f"({used.name} in Admin ▸ Templates); {kept}."
        )
        with self.ctx.db.write() as session:
            actor = require(session, self.ctx.actor_login(), Action.WORK_CASE, at=self.ctx.now())
            session.add(
                Letter(
                    case_id=case_id,
                    template_id=merged.template.id,
                    made_at=self.ctx.now(),
                    made_by=actor.login,
                    how=how,
                    document_name=stored,
                )
            )
        from send_desk.services.cases import CaseService

        CaseService(self.ctx).record_contact(case_id, text=text, channel=channel, direction="out")
        return LetterMade(
            reference=detail.reference,
            template_name=merged.template.name,
            template_version=merged.template.version,
            how=how,
            filename=filename,
            content=content,
            media_type=media_type,
            recipient=recipient,
            timeline_text=text,
            document_stored=bool(stored),
        )

    def acknowledge_and_send(
        self,
        case_id: int,
        template: str,
        *,
        expected_version: int,
        how: str = "email",
        team: str = DEFAULT_TEAM,
        to: str | None = None,
        missed_reason: str = "",
    ) -> tuple[CaseDetail, LetterMade]:
        """Send the acknowledgement and record it, dated today, in one step (nothing recorded if it fails)."""
        detail = self._case_detail(case_id)
        if detail.version != expected_version:
            raise ConflictError(changed_by=detail.updated_by or "another user", changed_at=detail.updated_at)
        why_not = detail.actions.get(CaseAction.ACKNOWLEDGE, "This case cannot be acknowledged.")
        if why_not is not None:
            raise ValidationError(why_not, field="acknowledge")
        today = self.ctx.today()
        if detail.acknowledge_by is not None and today > detail.acknowledge_by and not missed_reason.strip():
            raise ValidationError(
                "The acknowledgement is late: say why it was missed, then send it.", field="missed_reason"
            )
        self.merge(
            case_id, template, team=team, acknowledged_on=today
        )  # refuse a missing field before sending
        made = self.make(case_id, template, how, team=team, to=to, acknowledged_on=today)
        from send_desk.services.cases import CaseService

        cases = CaseService(self.ctx)
        version = cases.get(case_id).version  # moved by the letter's own timeline entry (checked above)
        acknowledged = cases.acknowledge(
            case_id, on=today, expected_version=version, missed_reason=missed_reason
        )
        return acknowledged, made

    def _case_detail(self, case_id: int) -> CaseDetail:
        from send_desk.services.cases import CaseService

        return CaseService(self.ctx).get(case_id)

    def _store(self, reference: str, filename: str, content: bytes, media_type: str) -> str:
        """Keep the letter as a document of the case; return the name it was kept under ("" if not kept)."""
        if self.documents is None:
            return ""
        return self.documents.add(reference, filename, content, media_type=media_type).name

    def letters_made(self, case_id: int) -> list[tuple[str, int, str, datetime]]:
        """Return each letter made for a case: template name, its version, how, when (oldest first)."""
        with self.ctx.db.read() as session:
            rows = session.execute(
                select(LetterTemplate.name, LetterTemplate.version, Letter.how, Letter.made_at)
                .join(LetterTemplate, Letter.template_id == LetterTemplate.id)
                .where(Letter.case_id == case_id)
                .order_by(Letter.id)
            ).all()
            return [(str(n), int(v), str(h), at) for n, v, h, at in rows]

    # ----- the relay ------------------------------------------------------------------------
    def smtp_settings(self) -> SmtpSettingsView | None:
        """Return the team's relay, or None when no admin has set one up."""
        with self.ctx.db.read() as session:
            row = session.get(SmtpSettings, 1)
            if row is None:
                return None
            return SmtpSettingsView(row.host, row.port, row.starttls, row.from_address, row.username)

    def set_smtp(self, settings: SmtpSettingsView) -> SmtpSettingsView:
        """Set up the team's relay (an admin's change, audited); a password is never stored here."""
        host = settings.host.strip()
        if not host or " " in host:
            raise ValidationError("Give the relay's host name, e.g. smtp.council.gov.uk.", field="host")
        if not 0 < settings.port < 65536:
            raise ValidationError(f"{settings.port} is not a port number (1 to 65535).", field="port")
        sender = mail.check_address(settings.from_address, "from-address")
        clean = SmtpSettingsView(host, settings.port, settings.starttls, sender, settings.username.strip())
        with self.ctx.db.write() as session:
            actor = require(session, self.ctx.actor_login(), Action.MANAGE_LETTERS, at=self.ctx.now())
            row = session.get(SmtpSettings, 1)
            before = self.smtp_settings() if row is not None else None
            if row is None:
                row = SmtpSettings(id=1, host=host, from_address=sender, updated_at=self.ctx.now())
                session.add(row)
            row.host, row.port, row.starttls = host, clean.port, clean.starttls
            row.from_address, row.username = sender, clean.username
            row.updated_at, row.updated_by = self.ctx.now(), actor.login
            audit.record(
                session,
                at=self.ctx.now(),
                login=actor.login,
                actor_name=actor.name,
                action="smtp-settings",
                changes={
                    key: (getattr(before, key) if before else None, getattr(clean, key))
                    for key in ("host", "port", "starttls", "from_address", "username")
                },
            )
        return clean

    def test_smtp(self, to: str) -> str:
        """Send a short test email through the relay; return what was sent, in words."""
        settings = self.smtp_settings()
        if settings is None:
            raise ValidationError("No email relay is set up yet: `send-desk smtp set` first.", field="smtp")
        when = uk_time(self.ctx.now())
        message = mail.build_message(
            to=[to],
            subject="SEND Desk: test email",
            body=(
                f"This is a test email from SEND Desk, sent on {when:%d/%m/%Y at %H:%M} through "
                f"{settings.host}:{settings.port}. If you can read it, the desk can send email."
            ),
            sender=settings.from_address,
            at=self.ctx.now(),
        )
        mail.send(settings, message)
        return f"Sent a test email to {to.strip()} through {settings.host}:{settings.port}."


def _suffix(filename: str, suffix: str) -> str:
    return filename.rsplit(".", 1)[0] + suffix


def _respond_by_if_acknowledged(session: Session, case: Case, on: date | None, today: date) -> date | None:
    """Return the response date the case will have once acknowledged `on` (None: no change to show)."""
    if on is None:
        return None
    state = case_state(case)
    if state.current.acknowledged_on is not None:
        return None
    calendar = load_closures(session).calendar_for(state.current.policy)
    try:
        after = lifecycle.acknowledge(state, on=on, today=today, calendar=calendar, missed_reason="(letter)")
    except ValidationError:
        return None
    return after.current.respond_by


def _escalate_by(session: Session, case: Case) -> date | None:
    """Return the last day to ask for stage 2: the stage 1 response plus its policy's escalation window."""
    first = case.stages[0] if case.stages else None
    if first is None or first.responded_on is None or case.kind != CaseKind.COMPLAINT.value:
        return None
    policy = policy_from_row(first.policy)
    calendar = load_closures(session).calendar_for(policy)
    return calendar.add_working_days(first.responded_on, policy.escalation_days)
