"""Subject access finder: every case that mentions a person, and one spreadsheet pack of them."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from sqlalchemy import func, or_, select

from send_desk.db.models import Case, Person, TimelineEntry
from send_desk.domain.errors import NotFoundError, ValidationError
from send_desk.domain.kinds import PersonRole
from send_desk.services import audit
from send_desk.services.case_rows import digits, name_key
from send_desk.services.cases import CaseService
from send_desk.services.context import ServiceContext
from send_desk.services.documents import DocumentService
from send_desk.services.permissions import Action, require
from send_desk.services.spreadsheet import safe_row
from send_desk.services.views import case_rows, rag_window
from send_desk.values.cases import CaseDetail, CaseRow, PersonView

CASE_COLUMNS = (
    "Reference", "Kind", "Stage", "Status", "Channel", "Received", "Category", "Service area", "Officer",
    "Summary", "Description", "Adjustments", "Acknowledge by", "Acknowledged", "Respond by", "Responded",
    "Outcome", "Closure code", "Closure reason", "Closed", "Ombudsman reference",
)  # fmt: skip
PEOPLE_COLUMNS = (
    "Reference", "Role", "Name", "Date of birth", "Identifier", "Relationship", "Organisation", "Email",
    "Phone", "Address", "Preferred contact", "Consent",
)  # fmt: skip
STAGE_COLUMNS = (
    "Reference", "Stage", "Started", "Handler", "Acknowledge by", "Acknowledged", "Respond by", "Responded",
    "Outcome", "Reasons", "Learning", "Extensions", "Pauses", "Remedies", "Actions",
)  # fmt: skip
TIMELINE_COLUMNS = ("Reference", "When", "Type", "Channel", "Direction", "Text", "Author")
DOCUMENT_COLUMNS = (
    "Reference", "Name", "Type", "Size (bytes)", "SHA-256", "Added", "Added by", "File in the pack",
)  # fmt: skip


def documents_folder(out: Path) -> Path:
    """Return the folder beside a pack's spreadsheet that holds the cases' documents."""
    return out.with_name(f"{out.stem} documents")


def _contains(column: Any, value: str) -> Any:
    return func.lower(column).contains(value.lower(), autoescape=True)


class SubjectAccessService:
    """Find the cases that mention a person and export them as one pack (managers and admins)."""

    def __init__(self, ctx: ServiceContext) -> None:
        """Use the given database, clock and acting login."""
        self.ctx = ctx

    def find_mentions(
        self,
        name: str | None = None,
        email: str | None = None,
        phone: str | None = None,
        child: str | None = None,
        *,
        limit: int = 5000,
    ) -> list[CaseRow]:
        """Return every case naming the person, their email or phone, or the child, newest first."""
        name = (name or "").strip()
        email = (email or "").strip()
        phone = (phone or "").strip()
        child = (child or "").strip()
        if not (name or email or phone or child):
            raise ValidationError("Enter a name, an email address, a phone number or a child's name.")
        if phone and len(digits(phone)) < 6:
            raise ValidationError("Enter at least six digits of the phone number.", field="phone")
        person: list[Any] = []
        text: list[Any] = []
        if name:
            person.append(Person.name_key.contains(name_key(name), autoescape=True))
            text.append(name)
        if child:
            person.append(
                (Person.role == PersonRole.CHILD.value)
                & Person.name_key.contains(name_key(child), autoescape=True)
            )
            text.append(child)
        if email:
            person.append(Person.email_key == email.lower())
            text.append(email)
        if phone:
            person.append(Person.phone_key.contains(digits(phone), autoescape=True))
            text.append(phone)
        with self.ctx.db.read() as session:
            require(session, self.ctx.actor_login(), Action.SUBJECT_ACCESS, at=self.ctx.now())
            ids: set[int] = set(session.scalars(select(Person.case_id).where(or_(*person))))
            ids |= set(
                session.scalars(
                    select(TimelineEntry.case_id).where(
                        or_(*[_contains(TimelineEntry.text, t) for t in text])
                    )
                )
            )
            in_case = [_contains(column, t) for t in text for column in (Case.summary, Case.description)]
            ids |= set(session.scalars(select(Case.id).where(or_(*in_case))))
            ordered = (
                list(
                    session.scalars(
                        select(Case.id)
                        .where(Case.id.in_(ids))
                        .order_by(Case.received_on.desc(), Case.id.desc())
                        .limit(limit)
                    )
                )
                if ids
                else []
            )
            return case_rows(session, ordered, rag_window(session, self.ctx.today()))

    def export_pack(self, references: Sequence[str], out: Path) -> Iterator[int]:
        """Write the whole of each case to one spreadsheet; yield how many cases are written so far.

        The documents kept against the cases are copied into a folder beside the spreadsheet
        ("<name> documents/<reference>/<file>") and listed on its Documents sheet.
        """
        from openpyxl import Workbook

        references = list(dict.fromkeys(r.strip().upper() for r in references if r.strip()))
        if not references:
            raise ValidationError("Choose at least one case to put in the pack.")
        with self.ctx.db.write() as session:
            actor = require(session, self.ctx.actor_login(), Action.SUBJECT_ACCESS, at=self.ctx.now())
            found = set(session.scalars(select(Case.reference).where(Case.reference.in_(references))))
            missing = [r for r in references if r not in found]
            if missing:
                raise NotFoundError(f"There is no case with the reference {', '.join(missing)}.")
            audit.record(
                session,
                at=self.ctx.now(),
                login=actor.login,
                actor_name=actor.name,
                action="subject-access-export",
                details={"count": len(references), "references": references},
            )
        cases = CaseService(self.ctx)
        documents = DocumentService(self.ctx)
        out = Path(out)
        folder = documents_folder(out)
        workbook = Workbook(write_only=True)
        titles = ("Cases", "People", "Stages", "Timeline", "Documents")
        sheets = {title: workbook.create_sheet(title) for title in titles}
        columns_of = (CASE_COLUMNS, PEOPLE_COLUMNS, STAGE_COLUMNS, TIMELINE_COLUMNS, DOCUMENT_COLUMNS)
        for title, columns in zip(sheets, columns_of, strict=True):
            sheets[title].append(list(columns))
        for done, reference in enumerate(references, start=1):
            detail = cases.get_by_reference(reference)
            for title, rows in pack_rows(detail).items():
                for row in rows:
                    sheets[title].append(safe_row(sheets[title], row))
            for document in documents.list(reference):
                target = folder / reference / document.name
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(documents.content(reference, document.id))
                row = [
                    reference, document.name, document.media_type, document.size, document.sha256,
                    document.added_at.replace(tzinfo=None), document.added_by,
                    str(target.relative_to(out.parent)),
                ]  # fmt: skip
                sheets["Documents"].append(safe_row(sheets["Documents"], row))
            if done % 50 == 0:
                yield done
        out.parent.mkdir(parents=True, exist_ok=True)
        tmp = out.with_name(out.name + ".part")
        workbook.save(tmp)
        tmp.replace(out)
        yield len(references)


def _person_row(reference: str, person: PersonView) -> list[Any]:
    return [
        reference, person.role, person.name, person.date_of_birth, person.identifier, person.relationship,
        person.organisation, person.email, person.phone, person.address, person.preferred_contact,
        "yes" if person.consent else "no",
    ]  # fmt: skip


def pack_rows(d: CaseDetail) -> dict[str, list[list[Any]]]:
    """Return the rows one case adds to each sheet of a subject access pack."""
    ref = d.reference
    cases = [[
        ref, d.kind.label, d.stage, d.status.value, d.channel, d.received_on, d.category, d.service_area,
        d.officer.name if d.officer else "", d.summary, d.description, d.adjustments, d.acknowledge_by,
        d.acknowledged_on, d.respond_by, d.responded_on, d.outcome or "", d.closure_code or "",
        d.closure_reason, d.closed_on, d.ombudsman_reference,
    ]]  # fmt: skip
    people = [_person_row(ref, p) for p in (d.child, d.contact, d.representative) if p is not None]
    stages = []
    for s in d.stages:
        ack = s.acknowledge
        resp = s.respond
        stages.append([
            ref, s.stage, s.started_on, s.handler.name if s.handler else "",
            ack.due if ack else None, ack.done_on if ack else None,
            resp.due if resp else None, resp.done_on if resp else None,
            s.outcome or "", s.reasons, s.learning,
            "; ".join(f"{e.amount} to {e.new_due.isoformat()}: {e.reason}" for e in s.extensions),
            "; ".join(f"{p.start.isoformat()}–{p.end or ''}: {p.reason}" for p in s.pauses),
            "; ".join(f"{r.kind} {r.description}".strip() for r in s.remedies),
            "; ".join(a.what for a in s.actions),
        ])  # fmt: skip
    timeline = [
        [ref, t.at.replace(tzinfo=None), t.entry_type, t.channel, t.direction, t.text, t.author]
        for t in d.timeline
    ]
    return {"Cases": cases, "People": people, "Stages": stages, "Timeline": timeline}
