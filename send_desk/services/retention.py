"""Retention: anonymise cases closed long ago, keeping every figure the reports use.

What is removed (set to empty) for each case closed before the cut-off:
- people named on the case: name, date of birth, identifier (EHC plan / UPN), organisation, email, phone,
  address, preferred contact method (the row stays with its role and relationship, so "who contacted us"
  counts still work);
- the case's summary, description, reasonable adjustments, closure reason, Ombudsman reference and
  decision text, and the free-text search index;
- the free text of its stages that is about the family: missed-target reasons, response reasons, pause
  reasons, remedy descriptions and outstanding-action text;
- the text of every timeline entry (the entry, its time, type, channel and direction stay);
- every document kept against the case: its bytes and its name (the row stays, marked removed by
  retention, with its size and type);
- the body of its audit entries when that body holds anything but dates, statuses, kinds and staff
  logins (the entry itself, who, when and what action, always stays; see migration 0004).

What is kept: reference, kind, stage, channel, category, service area, officer, every date (received,
due, done, closed), outcome, closure code, remedy kinds and amounts, extension lengths, links between
cases. So weekly and annual figures are the same before and after.

Three texts are kept because the annual report counts or lists them as figures about the service, not the
family: extension reasons (counted by reason), learning (listed) and the Ombudsman's decision (counted by
decision). They are meant to hold no personal data; as a safeguard, any name, email address, phone number
or identifier of a person on the case that appears in them is replaced by "[removed]" first.

Compaction is owed from the moment cases are anonymised: a `compaction_owed` row is written in the same
transaction. On SQLite the file is then compacted so removed text does not linger in free pages, the
write-ahead log or the full-text index (secure_delete, an FTS 'rebuild', VACUUM, a truncating WAL
checkpoint) and the row cleared; if the process dies first, the desk's next start, the next retention
run or `send-desk maintain` compacts. On PostgreSQL old row versions stay in the table files until
`send-desk maintain`, run with the owner login, does VACUUM FULL and ANALYZE (services/maintenance.py).
A base backup or WAL archive taken earlier still holds them until it ages out.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Engine, and_, delete, func, select, text, update
from sqlalchemy.orm import Session

from send_desk.db.models import (
    AuditEntry,
    Case,
    CaseStage,
    CompactionOwed,
    Extension,
    OutstandingAction,
    Pause,
    Person,
    Remedy,
    TimelineEntry,
)
from send_desk.domain.errors import ValidationError
from send_desk.domain.kinds import CaseKind, CaseStatus
from send_desk.domain.wording import uk_datetime
from send_desk.services import audit
from send_desk.services.context import ServiceContext
from send_desk.services.documents import remove_for_retention
from send_desk.services.permissions import Action, require

RETENTION_TABLES = (
    "person",
    "case_record",
    "case_stage",
    "timeline_entry",
    "audit_entry",
    "extension",
    "pause",
    "remedy",
    "outstanding_action",
    "case_document",
)
"""The tables retention changes, so the tables compaction is owed on (PostgreSQL)."""
SQLITE_WHOLE_FILE = "*"
"""The compaction_owed row of a SQLite database: its one file is compacted whole."""
RETENTION_YEARS = 6
BATCH = 500
REDACTED = '{"redacted": true}'
"""The audit body the database accepts as a replacement, and only for anonymised cases."""

SAFE_CHANGE_KEYS = frozenset(
    {
        "status",
        "stage",
        "officer",
        "acknowledge_by",
        "acknowledged_on",
        "respond_by",
        "responded_on",
        "outcome",
        "closure_code",
        "closed_on",
        "paused",
        "clarified_on",
        "handler",
        "received_on",
        "next_due",
        "policy_version",
    }
)
"""Audit change keys whose values are dates, statuses, codes or staff ids, never about a family."""

SAFE_DETAIL_KEYS = frozenset(
    {
        "kind",
        "stage",
        "received_on",
        "acknowledge_by",
        "respond_by",
        "officer",
        "amount",
        "remedies",
        "channel",
        "direction",
        "requested_on",
        "clarified_on",
        "start",
        "end",
        "linked",
        "field",
        "version",
    }
)
"""Audit detail keys that hold no free text; anything else (reasons, notes, names) is redacted."""


@dataclass(frozen=True)
class CompactionState:
    """Whether anonymised text may still sit in the database's files (compaction owed), since when."""

    owed: bool
    since: datetime | None
    tables: tuple[str, ...]


@dataclass(frozen=True)
class RetentionItem:
    """A case that retention would anonymise."""

    case_id: int
    reference: str
    kind: CaseKind
    closed_on: date


@dataclass(frozen=True)
class RetentionPreview:
    """The cases closed before the cut-off that are not yet anonymised."""

    cutoff: date
    items: tuple[RetentionItem, ...]

    @property
    def count(self) -> int:
        """Return how many cases would be anonymised."""
        return len(self.items)


@dataclass(frozen=True)
class RetentionResult:
    """What an anonymising run did."""

    cutoff: date
    references: tuple[str, ...]
    audit_entries_redacted: int
    compacted: bool
    documents_removed: int = 0
    """How many documents kept against these cases were removed (their names and bytes)."""

    @property
    def count(self) -> int:
        """Return how many cases were anonymised."""
        return len(self.references)


def years_before(day: date, years: int) -> date:
    """Return the same date `years` earlier (29 February becomes 28 February)."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def needs_redaction(body_text: str) -> bool:
    """Tell whether an audit body holds anything beyond dates, statuses, kinds and staff logins."""
    if body_text == REDACTED:
        return False
    try:
        body = json.loads(body_text or "{}")
    except ValueError:
        return True
    if not isinstance(body, dict):
        return True
    if set(body) - {"changes", "details"}:
        return True
    changes = body.get("changes") or {}
    details = body.get("details") or {}
    if not isinstance(changes, dict) or not isinstance(details, dict):
        return True
    return bool(set(changes) - SAFE_CHANGE_KEYS or set(details) - SAFE_DETAIL_KEYS)


def person_mentions(name: str, email: str, phone: str, identifier: str) -> list[str]:
    """Return the strings that identify a person: full name, name parts, email, phone, identifier."""
    found = [name.strip(), email.strip(), phone.strip(), identifier.strip()]
    found += [part for part in re.split(r"[\s,.'()-]+", name) if len(part) >= 3]
    phone_digits = "".join(ch for ch in phone if ch.isdigit())
    if len(phone_digits) >= 6:
        found.append(phone_digits)
    return [text for text in found if len(text) >= 3]


def remove_mentions(text: str, mentions: Sequence[str]) -> str:
    """Replace each mention (whole words, any case) in a text with "[removed]"."""
    for mention in sorted(set(mentions), key=len, reverse=True):
        text = re.sub(rf"(?<!\w){re.escape(mention)}(?!\w)", "[removed]", text, flags=re.IGNORECASE)
    return text


class RetentionService:
    """Preview and run the anonymising of old closed cases (admins only)."""

    def __init__(self, ctx: ServiceContext) -> None:
        """Use the given database, clock and acting login."""
        self.ctx = ctx

    def default_cutoff(self) -> date:
        """Return the date six years before today: cases closed before it are due for anonymising."""
        return years_before(self.ctx.today(), RETENTION_YEARS)

    def preview(self, closed_before: date | None = None) -> RetentionPreview:
        """List the cases that anonymising with this cut-off would change."""
        cutoff = self._cutoff(closed_before)
        with self.ctx.db.read() as session:
            require(session, self.ctx.actor_login(), Action.RETENTION, at=self.ctx.now())
            rows = session.execute(
                select(Case.id, Case.reference, Case.kind, Case.closed_on)
                .where(self._due(cutoff))
                .order_by(Case.closed_on, Case.id)
            ).all()
            return RetentionPreview(
                cutoff,
                tuple(RetentionItem(r[0], r[1], CaseKind(r[2]), r[3]) for r in rows if r[3] is not None),
            )

    def anonymise(self, closed_before: date | None = None, *, compact: bool = True) -> RetentionResult:
        """Remove personal data from cases closed before the cut-off, audit the run, then compact."""
        cutoff = self._cutoff(closed_before)
        with self.ctx.db.write() as session:
            actor = require(session, self.ctx.actor_login(), Action.RETENTION, at=self.ctx.now())
            due = session.execute(
                select(Case.id, Case.reference).where(self._due(cutoff)).order_by(Case.closed_on, Case.id)
            ).all()
            references = tuple(row[1] for row in due)
            redacted, documents = self._anonymise_ids(session, [row[0] for row in due], actor.name)
            if references:
                audit.record(
                    session,
                    at=self.ctx.now(),
                    login=actor.login,
                    actor_name=actor.name,
                    action="retention-anonymise",
                    details={
                        "cutoff": cutoff,
                        "count": len(references),
                        "references": list(references),
                        "audit_entries_redacted": redacted,
                        "documents_removed": documents,
                    },
                )
        compacted = compact_owed(self.ctx.db.engine) if compact else False
        return RetentionResult(cutoff, references, redacted, compacted, documents)

    def compaction_owed(self) -> CompactionState:
        """Tell whether anonymised text may still sit in the database's files, and since when."""
        with self.ctx.db.read() as session:
            rows = session.execute(select(CompactionOwed.table_name, CompactionOwed.owed_since)).all()
        if not rows:
            return CompactionState(owed=False, since=None, tables=())
        return CompactionState(
            owed=True, since=min(row[1] for row in rows), tables=tuple(sorted(row[0] for row in rows))
        )

    def compaction_note(self) -> str:
        """Say in plain words whether anonymised text may still sit in the database's files."""
        state = self.compaction_owed()
        if not state.owed:
            return "No compaction owed: no anonymised text is left in the database's files."
        if self.ctx.db.engine.dialect.name == "postgresql":
            until = "until the database owner's nightly 'send-desk maintain' compacts the tables"
        else:
            until = "until SEND Desk next starts, or the next retention run, compacts the file"
        return (
            f"Compaction owed since {uk_datetime(state.since)}: anonymised text may still sit in the "
            f"database's files {until}."
        )

    def reapply(self, references: Sequence[str], *, compact: bool = True) -> tuple[str, ...]:
        """Anonymise again the listed cases where this database still holds them in full.

        After a backup from before a retention run is restored, the cases that run anonymised would be
        back with their personal data; the decision was already taken, so it is carried out again
        (audited as "retention-reapplied"), without asking for the admin role. Returns their references.
        """
        wanted = list(dict.fromkeys(references))
        if not wanted:
            return ()
        login = self.ctx.actor_login()
        with self.ctx.db.write() as session:
            rows = [
                row
                for start in range(0, len(wanted), BATCH)
                for row in session.execute(
                    select(Case.id, Case.reference)
                    .where(Case.reference.in_(wanted[start : start + BATCH]), Case.anonymised.is_(False))
                    .order_by(Case.id)
                ).all()
            ]
            done = [row[1] for row in rows]
            redacted, documents = self._anonymise_ids(session, [row[0] for row in rows], login)
            if done:
                audit.record(
                    session,
                    at=self.ctx.now(),
                    login=login,
                    actor_name=login,
                    action="retention-reapplied",
                    details={
                        "count": len(done),
                        "references": done,
                        "audit_entries_redacted": redacted,
                        "documents_removed": documents,
                    },
                )
        if compact:
            compact_owed(self.ctx.db.engine)
        return tuple(done)

    def _anonymise_ids(self, session: Session, ids: Sequence[int], actor_name: str) -> tuple[int, int]:
        """Scrub these cases in batches (overwriting freed pages on SQLite).

        Returns how many audit entries were redacted and how many documents were removed.
        """
        if ids and self.ctx.db.engine.dialect.name == "sqlite":
            session.execute(text("PRAGMA secure_delete=ON"))
        redacted = documents = 0
        for start in range(0, len(ids), BATCH):
            chunk = ids[start : start + BATCH]
            self._scrub(session, chunk, actor_name)
            documents += remove_for_retention(
                session, list(chunk), login=self.ctx.actor_login(), now=self.ctx.now()
            ).count
            redacted += self._redact_audit(session, chunk)
        return redacted, documents

    def _cutoff(self, closed_before: date | None) -> date:
        cutoff = closed_before or self.default_cutoff()
        if cutoff > self.ctx.today():
            raise ValidationError("The cut-off date cannot be in the future.", field="closed_before")
        return cutoff

    @staticmethod
    def _due(cutoff: date) -> Any:
        return and_(
            Case.status == CaseStatus.CLOSED.value,
            Case.closed_on.is_not(None),
            Case.closed_on < cutoff,
            Case.anonymised.is_(False),
        )

    def _scrub(self, session: Session, ids: Sequence[int], actor_name: str) -> None:
        options = {"synchronize_session": False}
        self._redact_kept_text(session, ids)
        session.execute(
            update(Person)
            .where(Person.case_id.in_(ids))
            .values(
                name="",
                name_key="",
                date_of_birth=None,
                identifier="",
                organisation="",
                email="",
                email_key="",
                phone="",
                phone_key="",
                address="",
                preferred_contact="",
            ),
            execution_options=options,
        )
        session.execute(
            update(TimelineEntry).where(TimelineEntry.case_id.in_(ids)).values(text=""),
            execution_options=options,
        )
        session.execute(
            update(CaseStage)
            .where(CaseStage.case_id.in_(ids))
            .values(acknowledge_missed_reason="", respond_missed_reason="", reasons=""),
            execution_options=options,
        )
        stage_ids = select(CaseStage.id).where(CaseStage.case_id.in_(ids)).scalar_subquery()
        for model, values in (
            (Pause, {"reason": ""}),
            (Remedy, {"description": ""}),
            (OutstandingAction, {"what": ""}),
        ):
            session.execute(
                update(model).where(model.stage_id.in_(stage_ids)).values(**values),
                execution_options=options,
            )
        session.execute(
            update(Case)
            .where(Case.id.in_(ids))
            .values(
                summary="",
                description="",
                adjustments="",
                closure_reason="",
                ombudsman_reference="",
                search_text=Case.reference + " " + func.replace(Case.reference, "-", ""),
                version=Case.version + 1,
                updated_at=self.ctx.now(),
                updated_by=actor_name,
            ),
            execution_options=options,
        )
        mark_anonymised(session, ids, at=self.ctx.now())

    def _redact_kept_text(self, session: Session, ids: Sequence[int]) -> None:
        """Remove the case's own people's names and contact details from the texts retention keeps."""
        mentions: dict[int, list[str]] = {}
        people = session.execute(
            select(Person.case_id, Person.name, Person.email, Person.phone, Person.identifier).where(
                Person.case_id.in_(ids)
            )
        ).all()
        for case_id, name, email, phone, identifier in people:
            mentions.setdefault(case_id, []).extend(person_mentions(name, email, phone, identifier))
        if not mentions:
            return
        options = {"synchronize_session": False}
        for case_id, learning_id, learning in session.execute(
            select(CaseStage.case_id, CaseStage.id, CaseStage.learning).where(
                CaseStage.case_id.in_(list(mentions)), CaseStage.learning != ""
            )
        ).all():
            cleaned = remove_mentions(learning, mentions[case_id])
            if cleaned != learning:
                session.execute(
                    update(CaseStage).where(CaseStage.id == learning_id).values(learning=cleaned),
                    execution_options=options,
                )
        for case_id, extension_id, reason in session.execute(
            select(CaseStage.case_id, Extension.id, Extension.reason)
            .join(CaseStage, CaseStage.id == Extension.stage_id)
            .where(CaseStage.case_id.in_(list(mentions)))
        ).all():
            cleaned = remove_mentions(reason, mentions[case_id])
            if cleaned != reason:
                session.execute(
                    update(Extension).where(Extension.id == extension_id).values(reason=cleaned),
                    execution_options=options,
                )
        for case_id, decision in session.execute(
            select(Case.id, Case.ombudsman_decision).where(
                Case.id.in_(list(mentions)), Case.ombudsman_decision != ""
            )
        ).all():
            cleaned = remove_mentions(decision, mentions[case_id])
            if cleaned != decision:
                session.execute(
                    update(Case).where(Case.id == case_id).values(ombudsman_decision=cleaned),
                    execution_options=options,
                )

    def _redact_audit(self, session: Session, ids: Sequence[int]) -> int:
        rows = session.execute(
            select(AuditEntry.id, AuditEntry.changes).where(AuditEntry.case_id.in_(ids))
        ).all()
        to_redact = [entry_id for entry_id, body in rows if needs_redaction(body)]
        if session.get_bind().dialect.name == "postgresql":
            # desk logins have no UPDATE on the audit table: the server's function checks the role
            for start in range(0, len(to_redact), BATCH):
                session.execute(
                    text("SELECT send_desk_redact_audit(:ids)"), {"ids": to_redact[start : start + BATCH]}
                )
            return len(to_redact)
        for start in range(0, len(to_redact), BATCH):
            session.execute(
                update(AuditEntry)
                .where(AuditEntry.id.in_(to_redact[start : start + BATCH]))
                .values(changes=REDACTED),
                execution_options={"synchronize_session": False},
            )
        return len(to_redact)


def mark_anonymised(session: Session, ids: Sequence[int], *, at: datetime) -> None:
    """Set these cases anonymised and record, in the same transaction, that compaction is owed.

    On PostgreSQL the server's send_desk_anonymise does both and checks the caller is an admin (desk
    logins cannot set the flag themselves); on SQLite the whole file is owed one compaction.
    """
    if not ids:
        return
    if session.get_bind().dialect.name == "postgresql":
        session.execute(
            text("SELECT send_desk_anonymise(:ids, :tables)"),
            {"ids": list(ids), "tables": list(RETENTION_TABLES)},
        )
        return
    session.execute(
        update(Case).where(Case.id.in_(ids)).values(anonymised=True),
        execution_options={"synchronize_session": False},
    )
    if session.get(CompactionOwed, SQLITE_WHOLE_FILE) is None:
        session.add(CompactionOwed(table_name=SQLITE_WHOLE_FILE, owed_since=at))
        session.flush()


def compact_owed(engine: Engine) -> bool:
    """Compact a SQLite file if compaction is owed (also one a crash left owed); True when done.

    On PostgreSQL compaction (VACUUM FULL) needs the tables' owner, so it stays owed until
    `send-desk maintain` runs with the owner login; this returns False there.
    """
    if engine.dialect.name != "sqlite":
        return False
    with engine.connect() as conn:
        owed = conn.execute(select(func.count()).select_from(CompactionOwed)).scalar()
    if not owed:
        return False
    if not compact_database(engine):
        return False
    with engine.begin() as conn:
        conn.execute(delete(CompactionOwed))
    return True


def compact_database(engine: Engine) -> bool:
    """Make removed text unrecoverable from the file: rebuild the search index, VACUUM, checkpoint."""
    if engine.dialect.name == "sqlite":
        raw = engine.raw_connection()
        try:
            cursor = raw.cursor()
            cursor.execute("PRAGMA secure_delete=ON")
            cursor.execute("INSERT INTO case_fts(case_fts) VALUES('rebuild')")
            cursor.execute("VACUUM")
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            busy = cursor.fetchone()
            cursor.close()
        finally:
            raw.close()
        return not (busy and busy[0])
    return False
