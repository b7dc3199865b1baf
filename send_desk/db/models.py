"""SQLAlchemy 2.0 typed models: the tables of a SEND Desk database."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, deferred, mapped_column, relationship

from send_desk.db.types import UtcDateTime

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Declarative base with a naming convention so migrations name constraints the same everywhere."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class Staff(Base):
    """A member of staff, known by their operating-system login."""

    __tablename__ = "staff"

    id: Mapped[int] = mapped_column(primary_key=True)
    login: Mapped[str] = mapped_column(String(120), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str] = mapped_column(String(254), default="")
    team: Mapped[str] = mapped_column(String(120), default="")
    role: Mapped[str] = mapped_column(String(20), default="officer")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)


class Category(Base):
    """A SEND category a case is classified under."""

    __tablename__ = "category"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    appealable: Mapped[bool] = mapped_column(Boolean, default=False)
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class TargetPolicyRow(Base):
    """One version of the target policy for a kind and stage; cases keep the version they began under."""

    __tablename__ = "target_policy"
    __table_args__ = (UniqueConstraint("kind", "stage", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))
    stage: Mapped[int] = mapped_column(Integer, default=1)
    version: Mapped[int] = mapped_column(Integer, default=1)
    current: Mapped[bool] = mapped_column(Boolean, default=True)
    effective_from: Mapped[datetime] = mapped_column(UtcDateTime)
    created_by: Mapped[str] = mapped_column(String(120), default="")
    acknowledge_days: Mapped[int | None] = mapped_column(Integer)
    respond_rule: Mapped[str] = mapped_column(String(30))
    respond_amount: Mapped[int | None] = mapped_column(Integer)
    respond_from_acknowledgement: Mapped[bool] = mapped_column(Boolean, default=False)
    extension_max: Mapped[int | None] = mapped_column(Integer)
    calendar: Mapped[str] = mapped_column(String(30))
    counts_closures: Mapped[bool] = mapped_column(Boolean, default=True)
    pause_allowed: Mapped[bool] = mapped_column(Boolean, default=False)
    clarification_restarts: Mapped[bool] = mapped_column(Boolean, default=False)
    due_soon_days: Mapped[int] = mapped_column(Integer, default=2)
    clarification_rule: Mapped[str] = mapped_column(String(20), default="restart")
    clarification_source: Mapped[str] = mapped_column(String(200), default="")
    escalation_days: Mapped[int] = mapped_column(Integer, default=20)


class ClosureDay(Base):
    """An office closure day or a one-off national holiday added by an admin."""

    __tablename__ = "closure_day"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    description: Mapped[str] = mapped_column(String(200), default="")
    national: Mapped[bool] = mapped_column(Boolean, default=False)
    """True for a one-off bank holiday, which counts for every kind (closures only where policy says)."""


class ReferenceCounter(Base):
    """The last case number handed out in a year, for human-friendly references."""

    __tablename__ = "reference_counter"

    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    last: Mapped[int] = mapped_column(Integer, default=0)


class ChangeCounter(Base):
    """A single row bumped on every write so other desks notice changes cheaply."""

    __tablename__ = "change_counter"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    value: Mapped[int] = mapped_column(Integer, default=0)


class Case(Base):
    """A logged enquiry or complaint; current-stage due dates are copied here for indexed queries."""

    __tablename__ = "case_record"
    __table_args__ = (
        Index("ix_case_status_next_due", "status", "next_due"),
        Index("ix_case_received_on", "received_on"),
        Index("ix_case_officer_status", "officer_id", "status"),
        Index("ix_case_kind_received", "kind", "received_on"),
        Index("ix_case_status_ack", "status", "acknowledged_on", "acknowledge_by"),
        Index("ix_case_responded_on", "responded_on"),
        Index("ix_case_closed_on", "closed_on"),
        Index("ix_case_status_received_on", "status", "received_on"),
        # the register's sorts within open or closed cases (migration 0006)
        Index("ix_case_status_reference", "status", "reference"),
        Index("ix_case_status_kind", "status", "kind"),
        Index("ix_case_status_respond_by", "status", "respond_by"),
        Index("ix_case_status_category", "status", "category_id"),
        Index("ix_case_status_officer", "status", "officer_id"),
        # "due soon" per policy: a range over next_due, due_soon_from read from the index (migration 0008)
        Index("ix_case_status_next_due_soon", "status", "next_due", "due_soon_from"),
        # "My work": one officer's open cases by next due date, read in order (migration 0016)
        Index("ix_case_status_officer_next_due", "status", "officer_id", "next_due"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(30), unique=True)
    kind: Mapped[str] = mapped_column(String(40))
    stage: Mapped[int] = mapped_column(Integer, default=1)
    status: Mapped[str] = mapped_column(String(10), default="open")
    channel: Mapped[str] = mapped_column(String(30), default="email")
    received_on: Mapped[date] = mapped_column(Date)
    received_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    category_id: Mapped[int | None] = mapped_column(ForeignKey("category.id"))
    service_area: Mapped[str] = mapped_column(String(120), default="")
    summary: Mapped[str] = mapped_column(Text, default="")
    description: Mapped[str] = mapped_column(Text, default="")
    adjustments: Mapped[str] = mapped_column(Text, default="")
    adjustments_review_on: Mapped[date | None] = mapped_column(Date)
    matter_on: Mapped[date | None] = mapped_column(Date)
    """When the matter complained about happened (Code: complaints within 12 months, discretion beyond)."""
    matter_late_reason: Mapped[str] = mapped_column(Text, default="")
    officer_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    logged_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    # current stage's clocks, copied from case_stage for indexed dashboard queries
    acknowledge_by: Mapped[date | None] = mapped_column(Date)
    acknowledged_on: Mapped[date | None] = mapped_column(Date)
    respond_by: Mapped[date | None] = mapped_column(Date)
    responded_on: Mapped[date | None] = mapped_column(Date)
    next_due: Mapped[date | None] = mapped_column(Date)
    due_soon_from: Mapped[date | None] = mapped_column(Date)
    """The first day `next_due` counts as due soon (the stage's policy window), stored for indexed counts."""
    paused: Mapped[bool] = mapped_column(Boolean, default=False)
    outcome: Mapped[str | None] = mapped_column(String(30))
    closure_code: Mapped[str | None] = mapped_column(String(40))
    closure_reason: Mapped[str] = mapped_column(Text, default="")
    closed_on: Mapped[date | None] = mapped_column(Date)
    ombudsman_reference: Mapped[str] = mapped_column(String(60), default="")
    ombudsman_decision: Mapped[str] = mapped_column(Text, default="")
    remedy_due: Mapped[date | None] = mapped_column(Date)
    remedy_complied_on: Mapped[date | None] = mapped_column(Date)
    anonymised: Mapped[bool] = mapped_column(Boolean, default=False)
    search_text: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)
    updated_by: Mapped[str] = mapped_column(String(200), default="")
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012 - SQLAlchemy's own declaration

    category: Mapped[Category | None] = relationship(lazy="joined")
    officer: Mapped[Staff | None] = relationship(foreign_keys=[officer_id], lazy="joined")
    people: Mapped[list[Person]] = relationship(
        back_populates="case", cascade="all, delete-orphan", order_by="Person.id"
    )
    stages: Mapped[list[CaseStage]] = relationship(
        back_populates="case", cascade="all, delete-orphan", order_by="CaseStage.stage"
    )
    timeline: Mapped[list[TimelineEntry]] = relationship(
        back_populates="case", cascade="all, delete-orphan", order_by="TimelineEntry.id"
    )


class Person(Base):
    """A child, contact or representative named on a case."""

    __tablename__ = "person"
    __table_args__ = (
        UniqueConstraint("case_id", "role"),
        Index("ix_person_role_name_key", "role", "name_key"),
        Index("ix_person_email_key", "email_key"),
        Index("ix_person_phone_key", "phone_key"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case_record.id", ondelete="CASCADE"))
    role: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(200), default="")
    name_key: Mapped[str] = mapped_column(String(200), default="")
    date_of_birth: Mapped[date | None] = mapped_column(Date)
    identifier: Mapped[str] = mapped_column(String(60), default="")
    relationship_to_child: Mapped[str] = mapped_column(String(30), default="")
    organisation: Mapped[str] = mapped_column(String(200), default="")
    email: Mapped[str] = mapped_column(String(254), default="")
    email_key: Mapped[str] = mapped_column(String(254), default="")
    phone: Mapped[str] = mapped_column(String(40), default="")
    phone_key: Mapped[str] = mapped_column(String(40), default="")
    address: Mapped[str] = mapped_column(Text, default="")
    preferred_contact: Mapped[str] = mapped_column(String(30), default="")
    consent: Mapped[bool] = mapped_column(Boolean, default=False)

    case: Mapped[Case] = relationship(back_populates="people")


class CaseStage(Base):
    """One stage of a case with its clocks: due, done, extended, paused, outcome."""

    __tablename__ = "case_stage"
    __table_args__ = (
        UniqueConstraint("case_id", "stage"),
        Index("ix_case_stage_responded", "responded_on", "respond_by", "respond_by_unextended"),
        Index("ix_case_stage_acknowledged", "acknowledged_on", "acknowledge_by"),
        Index("ix_case_stage_stage_started", "stage", "started_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case_record.id", ondelete="CASCADE"))
    stage: Mapped[int] = mapped_column(Integer)
    policy_id: Mapped[int] = mapped_column(ForeignKey("target_policy.id"))
    started_on: Mapped[date] = mapped_column(Date)
    handler_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    acknowledge_by: Mapped[date | None] = mapped_column(Date)
    acknowledged_on: Mapped[date | None] = mapped_column(Date)
    acknowledge_missed_reason: Mapped[str] = mapped_column(Text, default="")
    respond_by: Mapped[date | None] = mapped_column(Date)
    respond_by_unextended: Mapped[date | None] = mapped_column(Date)
    responded_on: Mapped[date | None] = mapped_column(Date)
    respond_missed_reason: Mapped[str] = mapped_column(Text, default="")
    clarified_on: Mapped[date | None] = mapped_column(Date)
    clarification_requested_on: Mapped[date | None] = mapped_column(Date)
    clarification_for: Mapped[str] = mapped_column(String(20), default="")
    chase_on: Mapped[date | None] = mapped_column(Date)
    month_ends_on: Mapped[date | None] = mapped_column(Date)
    """Where a month-long clock (a SAR) now ends before rolling to a working day, once a stop moved it."""
    responded_by: Mapped[str] = mapped_column(String(120), default="")
    handlers: Mapped[str] = mapped_column(Text, default="")
    """The logins that ever held this stage, one a line (the stage 2 handler must be none of stage 1's)."""
    escalation_late_reason: Mapped[str] = mapped_column(Text, default="")
    manual_due: Mapped[date | None] = mapped_column(Date)
    outcome: Mapped[str | None] = mapped_column(String(30))
    reasons: Mapped[str] = mapped_column(Text, default="")
    learning: Mapped[str] = mapped_column(Text, default="")

    case: Mapped[Case] = relationship(back_populates="stages")
    policy: Mapped[TargetPolicyRow] = relationship(lazy="joined")
    handler: Mapped[Staff | None] = relationship(lazy="joined")
    extensions: Mapped[list[Extension]] = relationship(
        cascade="all, delete-orphan", order_by="Extension.id", lazy="selectin"
    )
    pauses: Mapped[list[Pause]] = relationship(
        cascade="all, delete-orphan", order_by="Pause.id", lazy="selectin"
    )
    remedies: Mapped[list[Remedy]] = relationship(
        cascade="all, delete-orphan", order_by="Remedy.id", lazy="selectin"
    )
    actions: Mapped[list[OutstandingAction]] = relationship(
        cascade="all, delete-orphan", order_by="OutstandingAction.id", lazy="selectin"
    )


class Extension(Base):
    """An extension granted to a stage's response target, with its reason."""

    __tablename__ = "extension"

    id: Mapped[int] = mapped_column(primary_key=True)
    stage_id: Mapped[int] = mapped_column(ForeignKey("case_stage.id", ondelete="CASCADE"), index=True)
    amount: Mapped[int] = mapped_column(Integer)
    new_due: Mapped[date] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(Text)
    told_on: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    created_by: Mapped[str] = mapped_column(String(120), default="")


class Pause(Base):
    """A period when a stage's clock is stopped (for example awaiting a fee)."""

    __tablename__ = "pause"

    id: Mapped[int] = mapped_column(primary_key=True)
    stage_id: Mapped[int] = mapped_column(ForeignKey("case_stage.id", ondelete="CASCADE"), index=True)
    start: Mapped[date] = mapped_column(Date)
    end: Mapped[date | None] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(Text, default="")


class Remedy(Base):
    """A remedy offered at a stage (amount in pence for a financial remedy)."""

    __tablename__ = "remedy"

    id: Mapped[int] = mapped_column(primary_key=True)
    stage_id: Mapped[int] = mapped_column(ForeignKey("case_stage.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(40))
    amount_pence: Mapped[int | None] = mapped_column(Integer)
    description: Mapped[str] = mapped_column(Text, default="")


class OutstandingAction(Base):
    """An action promised in a response and tracked until done."""

    __tablename__ = "outstanding_action"

    id: Mapped[int] = mapped_column(primary_key=True)
    stage_id: Mapped[int] = mapped_column(ForeignKey("case_stage.id", ondelete="CASCADE"), index=True)
    what: Mapped[str] = mapped_column(Text)
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    due: Mapped[date | None] = mapped_column(Date)
    done_on: Mapped[date | None] = mapped_column(Date)


class TimelineEntry(Base):
    """A note, a contact with the family or a recorded change, in time order."""

    __tablename__ = "timeline_entry"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case_record.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime)
    entry_type: Mapped[str] = mapped_column(String(20))
    channel: Mapped[str] = mapped_column(String(30), default="")
    direction: Mapped[str] = mapped_column(String(10), default="")
    text: Mapped[str] = mapped_column(Text, default="")
    author: Mapped[str] = mapped_column(String(200), default="")

    case: Mapped[Case] = relationship(back_populates="timeline")


class CaseLink(Base):
    """A link between two cases (duplicate, same child, related)."""

    __tablename__ = "case_link"
    __table_args__ = (UniqueConstraint("case_id", "linked_case_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case_record.id", ondelete="CASCADE"), index=True)
    linked_case_id: Mapped[int] = mapped_column(ForeignKey("case_record.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)


class AuditEntry(Base):
    """An append-only record of one change: who, when, what, old and new values (JSON)."""

    __tablename__ = "audit_entry"
    __table_args__ = (
        Index("ix_audit_case_at", "case_id", "at"),
        Index("ix_audit_at", "at"),
        Index("ix_audit_login_at", "login", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime)
    login: Mapped[str] = mapped_column(String(120))
    actor_name: Mapped[str] = mapped_column(String(200), default="")
    case_id: Mapped[int | None] = mapped_column(Integer)
    case_reference: Mapped[str] = mapped_column(String(30), default="")
    action: Mapped[str] = mapped_column(String(40))
    changes: Mapped[str] = mapped_column(Text, default="{}")


class EhcStepRecord(Base):
    """A step of the EHC process a case is about, with its statutory dates (the latest is `current`).

    The due dates are worked out by `send_desk.domain.ehc` when the step is recorded and stored, one
    column per date name, so the export and the reports read them without the rules.
    """

    __tablename__ = "ehc_step"
    __table_args__ = (Index("ix_ehc_step_current_case", "current", "case_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case_record.id", ondelete="CASCADE"), index=True)
    step: Mapped[str] = mapped_column(String(30))
    started_on: Mapped[date] = mapped_column(Date)
    post16: Mapped[bool] = mapped_column(Boolean, default=False)
    amendment_notice_on: Mapped[date | None] = mapped_column(Date)
    current: Mapped[bool] = mapped_column(Boolean, default=True)
    recorded_at: Mapped[datetime] = mapped_column(UtcDateTime)
    recorded_by: Mapped[str] = mapped_column(String(200), default="")
    decide_assessment_by: Mapped[date | None] = mapped_column(Date)
    decide_not_to_issue_by: Mapped[date | None] = mapped_column(Date)
    final_plan_by: Mapped[date | None] = mapped_column(Date)
    representations_until: Mapped[date | None] = mapped_column(Date)
    amended_plan_by: Mapped[date | None] = mapped_column(Date)
    review_decision_by: Mapped[date | None] = mapped_column(Date)
    transfer_plan_by: Mapped[date | None] = mapped_column(Date)

    marks: Mapped[list[EhcDateMark]] = relationship(
        cascade="all, delete-orphan", order_by="EhcDateMark.id", lazy="selectin"
    )


class EhcDateMark(Base):
    """What an officer recorded against one statutory date of a step: the day it was done, an exception."""

    __tablename__ = "ehc_date_mark"
    __table_args__ = (UniqueConstraint("step_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    step_id: Mapped[int] = mapped_column(ForeignKey("ehc_step.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(40))
    done_on: Mapped[date | None] = mapped_column(Date)
    exception: Mapped[str] = mapped_column(String(40), default="")
    exception_note: Mapped[str] = mapped_column(Text, default="")


class LetterTemplate(Base):
    """One version of a letter template (a .docx with docxtpl tags); each letter keeps the version it used."""

    __tablename__ = "letter_template"
    __table_args__ = (UniqueConstraint("name", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80))
    version: Mapped[int] = mapped_column(Integer, default=1)
    title: Mapped[str] = mapped_column(String(200), default="")
    purpose: Mapped[str] = mapped_column(String(20), default="other")
    kinds: Mapped[str] = mapped_column(String(300), default="")
    """The case kinds the template fits, comma-separated (empty: any kind)."""
    stages: Mapped[str] = mapped_column(String(20), default="")
    """The stages the template fits, comma-separated (empty: any stage)."""
    content: Mapped[bytes] = mapped_column(LargeBinary)
    fields: Mapped[str] = mapped_column(Text, default="")
    """The catalogue fields the template uses, one a line (checked when it was added)."""
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    added_by: Mapped[str] = mapped_column(String(120), default="")
    added_at: Mapped[datetime] = mapped_column(UtcDateTime)


class Letter(Base):
    """A letter or email made for a case from a template version (to whom is said on the timeline)."""

    __tablename__ = "letter"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case_record.id", ondelete="CASCADE"), index=True)
    template_id: Mapped[int] = mapped_column(ForeignKey("letter_template.id"), index=True)
    made_at: Mapped[datetime] = mapped_column(UtcDateTime)
    made_by: Mapped[str] = mapped_column(String(120), default="")
    how: Mapped[str] = mapped_column(String(20))
    """docx, pdf, draft (an .eml to send from the officer's mailbox) or email (sent through the relay)."""
    document_name: Mapped[str] = mapped_column(String(255), default="")


class SmtpSettings(Base):
    """The team's SMTP relay (one row); its password is never here but in each PC's credential store."""

    __tablename__ = "smtp_settings"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    host: Mapped[str] = mapped_column(String(255))
    port: Mapped[int] = mapped_column(Integer, default=25)
    starttls: Mapped[bool] = mapped_column(Boolean, default=False)
    from_address: Mapped[str] = mapped_column(String(254))
    username: Mapped[str] = mapped_column(String(254), default="")
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)
    updated_by: Mapped[str] = mapped_column(String(120), default="")


class CaseDocument(Base):
    """A file kept against a case (bytes in the database); a removal keeps the row and drops the bytes."""

    __tablename__ = "case_document"
    __table_args__ = (Index("ix_case_document_case_removed", "case_id", "removed"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case_record.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(255))
    media_type: Mapped[str] = mapped_column(String(120), default="application/octet-stream")
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    content: Mapped[bytes | None] = deferred(mapped_column(LargeBinary))
    added_by: Mapped[str] = mapped_column(String(120), default="")
    added_at: Mapped[datetime] = mapped_column(UtcDateTime)
    removed: Mapped[bool] = mapped_column(Boolean, default=False)
    removed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    removed_by: Mapped[str] = mapped_column(String(120), default="")
    removed_reason: Mapped[str] = mapped_column(Text, default="")


class DeskSetting(Base):
    """One setting an admin keeps in the database for every desk (a key and its value as text)."""

    __tablename__ = "desk_setting"

    key: Mapped[str] = mapped_column(String(80), primary_key=True)
    value: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)
    updated_by: Mapped[str] = mapped_column(String(120), default="")


class CompactionOwed(Base):
    """A table retention changed that still needs compacting (written with the anonymising, cleared after)."""

    __tablename__ = "compaction_owed"

    table_name: Mapped[str] = mapped_column(String(63), primary_key=True)
    owed_since: Mapped[datetime] = mapped_column(UtcDateTime)
