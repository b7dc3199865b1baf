"""The case's documents: files kept against a case, bytes in the database, every change audited.

A file is added under its own name; where the case already has a document of that name, the new one is
kept beside it as "name (2).ext" (never silently replacing the first). Removing a document keeps its
row (name, size, SHA-256, who added and removed it, when, why) and drops its bytes, so a file put on the
wrong case does not linger; both are in the audit trail as "document-added" and "document-removed".
Retention removes the documents of the cases it anonymises ("documents-removed-by-retention").
"""

from __future__ import annotations

import builtins
import hashlib
import mimetypes
import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import PurePath, PureWindowsPath
from typing import NoReturn

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from send_desk.db.models import Case, CaseDocument, Staff
from send_desk.domain.errors import NotFoundError, ValidationError
from send_desk.domain.kinds import CaseKind, Channel
from send_desk.domain.settings import DOCUMENTS_MAX_BYTES
from send_desk.domain.wording import uk_datetime
from send_desk.reports.email_files import read_email
from send_desk.services import audit
from send_desk.services.context import UK, ServiceContext
from send_desk.services.desk_settings import read_setting, write_setting
from send_desk.services.permissions import Action, require
from send_desk.values.cases import CaseDetail, CaseInput, PersonInput
from send_desk.values.documents import (
    DEFAULT_MAX_BYTES,
    MEGABYTE,
    DocumentInfo,
    EmailCaseDraft,
    EmailMessage,
    size_words,
)

NAME_LIMIT = 255
SUMMARY_LIMIT = 300
"""The longest summary the new-case form takes (an email's subject is cut to it)."""
MEDIA_TYPES = {
    ".eml": "message/rfc822",
    ".msg": "application/vnd.ms-outlook",
    ".pdf": "application/pdf",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".doc": "application/msword",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".xls": "application/vnd.ms-excel",
    ".odt": "application/vnd.oasis.opendocument.text",
    ".rtf": "application/rtf",
    ".txt": "text/plain",
    ".csv": "text/csv",
    ".htm": "text/html",
    ".html": "text/html",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
    ".gif": "image/gif",
    ".tif": "image/tiff",
    ".tiff": "image/tiff",
    ".heic": "image/heic",
    ".zip": "application/zip",
    ".mp3": "audio/mpeg",
    ".m4a": "audio/mp4",
    ".mp4": "video/mp4",
}
"""Media types of the files councils keep most, the same on every PC (the OS's own table varies)."""


def guess_media_type(name: str) -> str:
    """Return the media type a file name suggests (application/octet-stream when unknown)."""
    suffix = PurePath(name).suffix.lower()
    if suffix in MEDIA_TYPES:
        return MEDIA_TYPES[suffix]
    guessed, _ = mimetypes.guess_type(name, strict=False)
    return guessed or "application/octet-stream"


def clean_name(name: str) -> str:
    """Return a file name without folders or control characters, refusing an empty or over-long one."""
    base = PureWindowsPath(PurePath(name.strip()).name).name  # "C:\\x\\a.pdf" and "/x/a.pdf" both → a.pdf
    base = re.sub(r"[\x00-\x1f\x7f]", "", base).strip()
    if not base or base in (".", ".."):
        raise ValidationError("The document needs a file name.", field="name")
    if len(base) > NAME_LIMIT:
        stem, suffix = PurePath(base).stem, PurePath(base).suffix
        base = stem[: NAME_LIMIT - len(suffix)] + suffix
    return base


def numbered(name: str, number: int) -> str:
    """Return "name (N).ext" for the Nth file of the same name."""
    path = PurePath(name)
    return f"{path.stem} ({number}){path.suffix}"


@dataclass(frozen=True)
class RemovedByRetention:
    """The documents retention removed from anonymised cases."""

    count: int
    bytes: int


class DocumentService:
    """Add, list, read and remove the files kept against a case."""

    def __init__(self, ctx: ServiceContext) -> None:
        """Use the given database, clock and acting login."""
        self.ctx = ctx

    # ----- the size limit (an admin setting) --------------------------------------------------
    def max_bytes(self) -> int:
        """Return the largest file the desk keeps against a case, in bytes."""
        with self.ctx.db.read() as session:
            return self._max_bytes(session)

    def set_max_bytes(self, limit: int) -> None:
        """Change the largest file kept against a case (admins only, audited)."""
        if limit < 1 or limit > 1024 * MEGABYTE:
            raise ValidationError("The size limit must be between 1 byte and 1024 MB.", field="max_bytes")
        write_setting(self.ctx, DOCUMENTS_MAX_BYTES, str(limit))

    @staticmethod
    def _max_bytes(session: Session) -> int:
        stored = read_setting(session, DOCUMENTS_MAX_BYTES)
        try:
            return int(stored) if stored is not None else DEFAULT_MAX_BYTES
        except ValueError:
            return DEFAULT_MAX_BYTES

    # ----- changing -------------------------------------------------------------------------------
    def add(self, reference: str, name: str, content: bytes, media_type: str | None = None) -> DocumentInfo:
        """Keep a file against a case and audit it; a name already used gets " (2)" and so on."""
        asked = clean_name(name)
        with self.ctx.db.write() as session:
            actor = require(session, self.ctx.actor_login(), Action.WORK_CASE, at=self.ctx.now())
            case = self._case(session, reference)
            if case.anonymised:
                raise ValidationError(
                    f"Case {case.reference} has been anonymised under the retention policy, so no "
                    "documents can be added to it."
                )
            limit = self._max_bytes(session)
            if len(content) > limit:
                self._refuse_size(asked, len(content), limit)
            return self._store(session, actor, case, asked, content, media_type)

    def remove(self, reference: str, name_or_id: str | int, *, reason: str = "") -> DocumentInfo:
        """Remove a document: its bytes go, its record stays, and the removal is audited."""
        with self.ctx.db.write() as session:
            actor = require(session, self.ctx.actor_login(), Action.WORK_CASE, at=self.ctx.now())
            case = self._case(session, reference)
            row = self._document(session, case, name_or_id)
            row.removed = True
            row.removed_at = self.ctx.now()
            row.removed_by = actor.login
            row.removed_reason = reason.strip()
            row.content = None
            audit.record(
                session,
                at=self.ctx.now(),
                login=actor.login,
                actor_name=actor.name,
                action="document-removed",
                case=case,
                details={
                    "document_id": row.id,
                    "name": row.name,
                    "size": row.size,
                    "sha256": row.sha256,
                    "reason": row.removed_reason,
                },
            )
            return _info(row, case.reference)

    # ----- reading --------------------------------------------------------------------------------
    def list(self, reference: str, *, include_removed: bool = False) -> builtins.list[DocumentInfo]:
        """Return a case's documents, oldest first (removed ones too when asked)."""
        with self.ctx.db.read() as session:
            case = self._case(session, reference)
            query = select(CaseDocument).where(CaseDocument.case_id == case.id)
            if not include_removed:
                query = query.where(CaseDocument.removed.is_(False))
            rows = session.scalars(query.order_by(CaseDocument.added_at, CaseDocument.id)).all()
            return [_info(row, case.reference) for row in rows]

    def get(self, reference: str, name_or_id: str | int) -> DocumentInfo:
        """Return what the desk knows of one document that is still kept."""
        with self.ctx.db.read() as session:
            case = self._case(session, reference)
            return _info(self._document(session, case, name_or_id), case.reference)

    def content(self, reference: str, name_or_id: str | int) -> bytes:
        """Return a kept document's bytes."""
        with self.ctx.db.read() as session:
            case = self._case(session, reference)
            row = self._document(session, case, name_or_id)
            data = session.scalar(select(CaseDocument.content).where(CaseDocument.id == row.id))
            return bytes(data or b"")

    def export(self, reference: str, name_or_id: str | int) -> tuple[DocumentInfo, bytes]:
        """Return a document's bytes for writing out of the desk, audited as "document-exported"."""
        with self.ctx.db.write() as session:
            actor = require(session, self.ctx.actor_login(), Action.WORK_CASE, at=self.ctx.now())
            case = self._case(session, reference)
            row = self._document(session, case, name_or_id)
            data = bytes(session.scalar(select(CaseDocument.content).where(CaseDocument.id == row.id)) or b"")
            audit.record(
                session,
                at=self.ctx.now(),
                login=actor.login,
                actor_name=actor.name,
                action="document-exported",
                case=case,
                details={"document_id": row.id, "name": row.name, "sha256": row.sha256},
            )
            return _info(row, case.reference), data

    def email(self, reference: str, name_or_id: str | int) -> EmailMessage:
        """Return what a kept email file says: sender, sent time, subject, body and its attachments."""
        info = self.get(reference, name_or_id)
        return read_email(info.name, self.content(reference, info.id))

    # ----- a new case from an email ---------------------------------------------------------------
    def draft_from_email(
        self, name: str, content: bytes, *, kind: CaseKind = CaseKind.ENQUIRY
    ) -> EmailCaseDraft:
        """Read an email file into a new case's fields: contact from From, received from Date, and so on.

        The received time is the email's Date, or now when it has none or it is in the future (a sender's
        clock can be wrong); the summary is the subject, the description the body as plain text.
        """
        file_name = clean_name(name)
        message = read_email(file_name, content)
        now = self.ctx.now()
        received_at = message.sent_at if message.sent_at is not None and message.sent_at <= now else now
        return EmailCaseDraft(
            file_name=file_name,
            content=content,
            message=message,
            kind=kind.value,
            received_at=received_at,
            contact_name=message.sender_name,
            contact_email=message.sender_address,
            summary=" ".join(message.subject.split())[:SUMMARY_LIMIT],
            description=message.body_text,
        )

    def case_input(self, draft: EmailCaseDraft) -> CaseInput:
        """Return the case an email draft logs as it stands (channel Email, received from its Date)."""
        return CaseInput(
            kind=CaseKind(draft.kind),
            received_on=draft.received_at.astimezone(UK).date(),
            received_at=draft.received_at,
            channel=Channel.EMAIL,
            contact=PersonInput(name=draft.contact_name, email=draft.contact_email),
            summary=draft.summary,
            description=draft.description,
        )

    def log_from_email(self, data: CaseInput, name: str, content: bytes) -> tuple[CaseDetail, DocumentInfo]:
        """Log a case and keep the email it came from against it, in one unit of work (both or neither)."""
        from send_desk.services.cases import CaseService

        asked = clean_name(name)
        cases = CaseService(self.ctx)
        with self.ctx.db.write() as session:
            actor = require(session, self.ctx.actor_login(), Action.LOG_CASE, at=self.ctx.now())
            limit = self._max_bytes(session)
            if len(content) > limit:
                self._refuse_size(asked, len(content), limit)
            case = cases._log(session, data, actor, action="log")  # the same rules and audit as log_case
            session.flush()
            document = self._store(session, actor, case, asked, content, None)
        return cases.get(case.id), document

    def count(self, reference: str) -> int:
        """Return how many documents a case keeps."""
        with self.ctx.db.read() as session:
            case = self._case(session, reference)
            return int(
                session.scalar(
                    select(func.count(CaseDocument.id)).where(
                        CaseDocument.case_id == case.id, CaseDocument.removed.is_(False)
                    )
                )
                or 0
            )

    # ----- helpers --------------------------------------------------------------------------------
    def _store(
        self, session: Session, actor: Staff, case: Case, asked: str, content: bytes, media_type: str | None
    ) -> DocumentInfo:
        """Keep the bytes against the case under a free name and audit it as "document-added"."""
        final = self._free_name(session, case.id, asked)
        row = CaseDocument(
            case_id=case.id,
            name=final,
            media_type=(media_type or "").strip() or guess_media_type(final),
            size=len(content),
            sha256=hashlib.sha256(content).hexdigest(),
            content=content,
            added_by=actor.login,
            added_at=self.ctx.now(),
            removed=False,
            removed_by="",
            removed_reason="",
        )
        session.add(row)
        session.flush()
        details: dict[str, object] = {
            "document_id": row.id,
            "name": final,
            "media_type": row.media_type,
            "size": row.size,
            "sha256": row.sha256,
        }
        if final != asked:
            details["asked_name"] = asked
        audit.record(
            session,
            at=self.ctx.now(),
            login=actor.login,
            actor_name=actor.name,
            action="document-added",
            case=case,
            details=details,
        )
        return _info(row, case.reference, asked_name=asked if final != asked else "")

    @staticmethod
    def _refuse_size(name: str, size: int, limit: int) -> NoReturn:
        raise ValidationError(
            f"{name} is {size_words(size)}, larger than the {size_words(limit)} limit for one document. "
            "Make the file smaller (for example, scan at a lower resolution or save it as PDF) or ask "
            "your SEND Desk admin to raise the limit.",
            field="content",
        )

    @staticmethod
    def _case(session: Session, reference: str) -> Case:
        case = session.scalars(select(Case).where(Case.reference == reference.strip().upper())).first()
        if case is None:
            raise NotFoundError(f"There is no case with the reference {reference.strip()}.")
        return case

    @staticmethod
    def _document(session: Session, case: Case, name_or_id: str | int) -> CaseDocument:
        query = select(CaseDocument).where(CaseDocument.case_id == case.id)
        if isinstance(name_or_id, int):
            query = query.where(CaseDocument.id == name_or_id)
            wanted = f"number {name_or_id}"
        else:
            query = query.where(CaseDocument.name == name_or_id.strip())
            wanted = f"called {name_or_id.strip()}"
        rows = session.scalars(query.order_by(CaseDocument.removed, CaseDocument.id)).all()
        kept = [row for row in rows if not row.removed]
        if kept:
            return kept[0]
        if rows:
            gone = rows[-1]
            raise NotFoundError(
                f"The document {gone.name} on case {case.reference} was removed by {gone.removed_by} on "
                f"{uk_datetime(gone.removed_at)}, so its contents are no longer kept."
            )
        raise NotFoundError(
            f"Case {case.reference} has no document {wanted}. List its documents to see their names."
        )

    @staticmethod
    def _free_name(session: Session, case_id: int, name: str) -> str:
        taken = set(
            session.scalars(
                select(CaseDocument.name).where(
                    CaseDocument.case_id == case_id, CaseDocument.removed.is_(False)
                )
            )
        )
        if name not in taken:
            return name
        number = 2
        while numbered(name, number) in taken:
            number += 1
        return numbered(name, number)


def remove_for_retention(
    session: Session, case_ids: builtins.list[int], *, login: str, now: datetime
) -> RemovedByRetention:
    """Drop the bytes and names of every document of these cases (retention); return what went."""
    if not case_ids:
        return RemovedByRetention(0, 0)
    kept = (CaseDocument.case_id.in_(case_ids), CaseDocument.removed.is_(False))
    count, size = session.execute(
        select(func.count(CaseDocument.id), func.coalesce(func.sum(CaseDocument.size), 0)).where(*kept)
    ).one()
    options = {"synchronize_session": False}
    session.execute(
        update(CaseDocument)
        .where(*kept)
        .values(removed=True, removed_at=now, removed_by=login, removed_reason="retention"),
        execution_options=options,
    )
    session.execute(
        update(CaseDocument).where(CaseDocument.case_id.in_(case_ids)).values(content=None, name="[removed]"),
        execution_options=options,
    )
    return RemovedByRetention(int(count or 0), int(size or 0))


def _info(row: CaseDocument, reference: str, *, asked_name: str = "") -> DocumentInfo:
    return DocumentInfo(
        id=row.id,
        case_reference=reference,
        name=row.name,
        media_type=row.media_type,
        size=row.size,
        sha256=row.sha256,
        added_by=row.added_by,
        added_at=row.added_at,
        removed=row.removed,
        removed_at=row.removed_at,
        removed_by=row.removed_by,
        removed_reason=row.removed_reason,
        asked_name=asked_name,
    )
