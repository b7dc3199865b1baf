"""One writer of what a logged case stores: its case row, stage row, people rows and search text.

`CaseService._log` (through the ORM), the bulk import (`CaseService.log_bulk`, plain INSERTs) and the
demo builder all turn a `CaseInput` into rows here, given what they looked up (policy, calendar,
officer, category, reference), so a case is stored the same way whichever path logged it.
`insert_case_rows` writes a batch of them with the ids the database assigns.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, NamedTuple

from sqlalchemy import Dialect
from sqlalchemy.orm import Session

from send_desk.db.bulk import (
    PreparedInsert,
    insert_rows,
    mostly_new,
    prepare_insert,
    reserve_ids,
    row_triggers_set_aside,
)
from send_desk.db.models import (
    AuditEntry,
    Base,
    Case,
    CaseStage,
    EhcDateMark,
    EhcStepRecord,
    Extension,
    Person,
    TimelineEntry,
)
from send_desk.domain.calendar import WorkingCalendar
from send_desk.domain.ehc import EhcDateName, EhcDates, EhcException
from send_desk.domain.kinds import CaseStatus, PersonRole
from send_desk.domain.policy import ClockRule, TargetPolicy
from send_desk.domain.targets import Deadlines, StageClock, compute_deadlines, due_soon_from, next_target
from send_desk.domain.text import fold_accents
from send_desk.values.cases import CaseInput, PersonInput

Row = dict[str, Any]


class CaseRows(NamedTuple):
    """The rows of one case before it is inserted (no ids yet; `extensions` pair a stage index with a row).

    `ehc` holds the case's EHC steps (oldest first), each with the rows of its date marks.
    """

    case: Row
    stages: list[Row]
    people: list[Row]
    extensions: list[tuple[int, Row]]
    ehc: list[tuple[Row, list[Row]]]


def digits(text: str) -> str:
    """Return only the digits of a phone number."""
    return "".join(filter(str.isdigit, text)) if text else ""


def name_key(name: str) -> str:
    """Return a name folded for matching (case and spacing ignored)."""
    return " ".join(name.lower().split())


def search_text_of(
    reference: str, summary: str, ombudsman_reference: str, people: Iterable[tuple[str, str, str, str]]
) -> str:
    """Return the search text from a case's reference, summary and people's (name, email, phone, id).

    Accents are folded away ("Siân" is kept as "Sian") so that both databases find it by either spelling.
    """
    parts = [reference, reference.replace("-", ""), summary, ombudsman_reference]
    for name, email, phone, identifier in people:
        parts += [name, email, phone, digits(phone), identifier]
    return fold_accents(" ".join(part for part in parts if part))


def build_search_text(case: Case, people: Iterable[Person]) -> str:
    """Return the text the free-text search indexes for a case."""
    return search_text_of(
        case.reference,
        case.summary,
        case.ombudsman_reference,
        ((person.name, person.email, person.phone, person.identifier) for person in people),
    )


def person_values(role: PersonRole, data: PersonInput) -> Row | None:
    """Return the column values of a person row for entered details, or None when nothing was entered."""
    if data.is_blank() and data.date_of_birth is None:
        return None
    return {
        "role": role.value,
        "name": data.name.strip(),
        "name_key": name_key(data.name),
        "date_of_birth": data.date_of_birth,
        "identifier": data.identifier.strip(),
        "relationship_to_child": data.relationship.strip(),
        "organisation": data.organisation.strip(),
        "email": data.email.strip(),
        "email_key": data.email.strip().lower(),
        "phone": data.phone.strip(),
        "phone_key": digits(data.phone),
        "address": data.address.strip(),
        "preferred_contact": data.preferred_contact.strip(),
        "consent": data.consent,
    }


class DeadlineMemo:
    """Due dates already worked out in one bulk write (its cases share kinds and received dates).

    Keyed by everything they are worked out from: the policy, the calendar and the stage's clock (or the
    target, the calendar and the "due soon" days), so a remembered answer is the one computing gives.
    """

    def __init__(self) -> None:
        """Start with nothing remembered."""
        self.stages: dict[tuple[TargetPolicy, WorkingCalendar, StageClock], Deadlines] = {}
        self.soon: dict[tuple[date | None, WorkingCalendar, int], date | None] = {}

    def deadlines(self, policy: TargetPolicy, calendar: WorkingCalendar, clock: StageClock) -> Deadlines:
        """Return `compute_deadlines(policy, calendar, clock)`, worked out once."""
        key = (policy, calendar, clock)
        found = self.stages.get(key)
        if found is None:
            found = self.stages[key] = compute_deadlines(policy, calendar, clock)
        return found

    def due_soon_from(self, due: date | None, calendar: WorkingCalendar, days: int) -> date | None:
        """Return `targets.due_soon_from(due, calendar, days)`, worked out once."""
        key = (due, calendar, days)
        if key not in self.soon:
            self.soon[key] = due_soon_from(due, calendar, days)
        return self.soon[key]


def stage_deadlines(
    policy: TargetPolicy,
    calendar: WorkingCalendar,
    stage: Row,
    extension: int | None,
    memo: DeadlineMemo | None = None,
) -> Deadlines:
    """Work out a stage row's due dates from its recorded facts and store them on the row."""
    clock = StageClock(
        started_on=stage["started_on"],
        acknowledged_on=stage["acknowledged_on"],
        extension=extension,
        manual_due=stage["manual_due"],
    )
    deadlines = (
        memo.deadlines(policy, calendar, clock) if memo else compute_deadlines(policy, calendar, clock)
    )
    stage["acknowledge_by"] = deadlines.acknowledge_by
    stage["respond_by"] = deadlines.respond_by
    stage["respond_by_unextended"] = deadlines.respond_by_unextended
    return deadlines


def new_stage_row(
    stage: int,
    *,
    policy_id: int,
    policy: TargetPolicy,
    calendar: WorkingCalendar,
    started_on: date,
    handler_id: int | None,
    acknowledged_on: date | None = None,
    responded_on: date | None = None,
    manual_due: date | None = None,
    outcome: str | None = None,
    memo: DeadlineMemo | None = None,
) -> tuple[Row, Deadlines]:
    """Return a new stage's row with its due dates computed, and those due dates.

    The row names every column a stage stores: a bulk INSERT takes its columns from the first row of
    the batch, so a column one row left out would be dropped from all of them.
    """
    row: Row = {
        "stage": stage,
        "policy_id": policy_id,
        "started_on": started_on,
        "handler_id": handler_id,
        "handlers": "",
        "acknowledged_on": acknowledged_on,
        "acknowledge_missed_reason": "",
        "responded_on": responded_on,
        "respond_missed_reason": "",
        "responded_by": "",
        "clarified_on": None,
        "clarification_requested_on": None,
        "clarification_for": "",
        "chase_on": None,
        "month_ends_on": None,
        "escalation_late_reason": "",
        "manual_due": manual_due if policy.respond_rule is ClockRule.MANUAL else None,
        "outcome": outcome,
        "reasons": "",
        "learning": "",
    }
    return row, stage_deadlines(policy, calendar, row, None, memo)


def new_case_rows(
    data: CaseInput,
    *,
    reference: str,
    policy_id: int,
    policy: TargetPolicy,
    calendar: WorkingCalendar,
    officer_id: int | None,
    category_id: int | None,
    logged_by_id: int | None,
    logged_by_name: str,
    now: datetime,
    officer_login: str = "",
    memo: DeadlineMemo | None = None,
) -> CaseRows:
    """Return the rows logging `data` stores, given what the caller looked up for it (and `memo`'s dates)."""
    memo = memo or DeadlineMemo()
    stage, deadlines = new_stage_row(
        data.stage,
        policy_id=policy_id,
        policy=policy,
        calendar=calendar,
        started_on=data.received_on,
        handler_id=officer_id,
        acknowledged_on=data.acknowledged_on,
        responded_on=data.responded_on,
        manual_due=data.ombudsman_due,
        outcome=data.outcome,
        memo=memo,
    )
    people = [
        values
        for values in (
            person_values(PersonRole.CHILD, data.child),
            person_values(PersonRole.CONTACT, data.contact),
            person_values(PersonRole.REPRESENTATIVE, data.representative)
            if data.representative is not None and not data.representative.is_blank()
            else None,
        )
        if values is not None
    ]
    stage["handlers"] = officer_login
    next_due = next_target(deadlines, data.acknowledged_on, data.responded_on)
    summary = data.summary.strip()
    ombudsman_reference = data.ombudsman_reference.strip()
    case = {
        "reference": reference,
        "kind": data.kind.value,
        "stage": data.stage,
        "status": CaseStatus.OPEN.value,
        "channel": data.channel.value,
        "received_on": data.received_on,
        "received_at": data.received_at,
        "category_id": category_id,
        "service_area": data.service_area.strip(),
        "summary": summary,
        "description": data.description.strip(),
        "adjustments": data.adjustments.strip(),
        "adjustments_review_on": data.adjustments_review_on,
        "matter_on": data.matter_on,
        "matter_late_reason": data.matter_late_reason.strip(),
        "officer_id": officer_id,
        "logged_by_id": logged_by_id,
        "acknowledge_by": deadlines.acknowledge_by,
        "acknowledged_on": data.acknowledged_on,
        "respond_by": deadlines.respond_by,
        "responded_on": data.responded_on,
        "next_due": next_due,
        "due_soon_from": memo.due_soon_from(next_due, calendar, policy.due_soon_days),
        "paused": deadlines.paused,
        "outcome": data.outcome,
        "closure_code": None,
        "closure_reason": "",
        "closed_on": None,
        "ombudsman_reference": ombudsman_reference,
        "search_text": search_text_of(
            reference,
            summary,
            ombudsman_reference,
            ((p["name"], p["email"], p["phone"], p["identifier"]) for p in people),
        ),
        "created_at": now,
        "updated_at": now,
        "updated_by": logged_by_name,
    }
    return CaseRows(case, [stage], people, [], [])


def reserve_case_ids(session: Session, count: int) -> list[int]:
    """Return `count` new case ids, as the database gives them (`db.bulk.reserve_ids`)."""
    return reserve_ids(session, Base.metadata.tables[Case.__tablename__], count)


@dataclass
class PreparedCases:
    """A batch of cases ready to write: ids given, the case, stage and people INSERTs converted.

    Stages with extensions wait for their ids from the database (`write_case_rows`), as do EHC steps.
    """

    ids: list[int]
    cases: PreparedInsert | None
    stages: list[Row]
    stage_insert: PreparedInsert | None
    people: PreparedInsert | None
    extensions: list[tuple[Row, Row]]
    ehc: list[tuple[int, Sequence[tuple[Row, list[Row]]]]]


def prepare_case_rows(dialect: Dialect, batch: Sequence[CaseRows], ids: Sequence[int]) -> PreparedCases:
    """Return a batch of cases (given their new ids) ready to write; reads nothing from the database."""
    tables = Base.metadata.tables
    stages: list[Row] = []
    people: list[Row] = []
    extensions: list[tuple[Row, Row]] = []
    for case_id, rows in zip(ids, batch, strict=True):
        rows.case["id"] = case_id
        for stage in rows.stages:
            stage["case_id"] = case_id
            stages.append(stage)
        for person in rows.people:
            person["case_id"] = case_id
            people.append(person)
        extensions += [(rows.stages[index], row) for index, row in rows.extensions]
    return PreparedCases(
        ids=list(ids),
        cases=prepare_insert(dialect, tables[Case.__tablename__], [rows.case for rows in batch]),
        stages=stages,
        stage_insert=None if extensions else prepare_insert(dialect, tables[CaseStage.__tablename__], stages),
        people=prepare_insert(dialect, tables[Person.__tablename__], people),
        extensions=extensions,
        ehc=[(case_id, rows.ehc) for case_id, rows in zip(ids, batch, strict=True) if rows.ehc],
    )


BULK_TABLES = (
    Case.__tablename__,
    Person.__tablename__,
    CaseStage.__tablename__,
    AuditEntry.__tablename__,
    TimelineEntry.__tablename__,
)
"""The tables a bulk write of cases (their stages, audit entries and notes) inserts into."""


def cases_in_bulk(session: Session, count: int = 0) -> AbstractContextManager[None]:
    """Hold back the cases' insert triggers for the block and do their work once after it (`db.bulk`).

    When the `count` cases to come are at least as many as the desk holds, their indexes wait too.
    """
    tables = [Base.metadata.tables[name] for name in BULK_TABLES]
    return row_triggers_set_aside(
        session, tables, indexes_too=count > 0 and mostly_new(session, tables[0], count)
    )


def write_case_rows(session: Session, prepared: PreparedCases) -> None:
    """Insert a prepared batch of cases, each table's rows together (`db.bulk`); see `cases_in_bulk`."""
    tables = Base.metadata.tables
    if prepared.cases is not None:
        prepared.cases.run(session)
    if prepared.extensions:
        stage_table = tables[CaseStage.__tablename__]
        stage_ids = reserve_ids(session, stage_table, len(prepared.stages))
        for stage, stage_id in zip(prepared.stages, stage_ids, strict=True):
            stage["id"] = stage_id
        for stage, row in prepared.extensions:
            row["stage_id"] = stage["id"]
        insert_rows(session, stage_table, prepared.stages)
        insert_rows(session, tables[Extension.__tablename__], [row for _, row in prepared.extensions])
    elif prepared.stage_insert is not None:
        prepared.stage_insert.run(session)
    if prepared.people is not None:
        prepared.people.run(session)
    insert_ehc_rows(session, prepared.ehc)


def insert_case_rows(
    session: Session, batch: Sequence[CaseRows], ids: Sequence[int] | None = None
) -> list[int]:
    """Insert a batch of cases with their stages, people and extensions; return the new case ids in order.

    The ids are the database's, taken up front (`reserve_case_ids`, here unless given: PostgreSQL's
    sequences move as they do for one logged case).
    """
    ids = list(ids) if ids is not None else reserve_case_ids(session, len(batch))
    with cases_in_bulk(session):
        write_case_rows(session, prepare_case_rows(session.get_bind().dialect, batch, ids))
    return ids


def ehc_step_row(dates: EhcDates, *, recorded_at: datetime, recorded_by: str, current: bool = True) -> Row:
    """Return the row of an EHC step: what was recorded and its statutory dates, one column per name."""
    row: Row = {
        "step": dates.step.value,
        "started_on": dates.started,
        "post16": dates.post16,
        "amendment_notice_on": dates.amendment_notice_on,
        "current": current,
        "recorded_at": recorded_at,
        "recorded_by": recorded_by,
    }
    row.update({name.value: dates.get(name) for name in EhcDateName})
    return row


def ehc_mark_row(
    name: EhcDateName, *, done_on: date | None = None, exception: EhcException | None = None, note: str = ""
) -> Row:
    """Return the row of what was recorded against one statutory date: the day done, an exception."""
    return {
        "name": name.value,
        "done_on": done_on,
        "exception": exception.value if exception is not None else "",
        "exception_note": note.strip(),
    }


def insert_ehc_rows(session: Session, cases: Sequence[tuple[int, Sequence[tuple[Row, list[Row]]]]]) -> None:
    """Insert the EHC steps (and their date marks) of cases already inserted, given as (case id, steps)."""
    tables = Base.metadata.tables
    steps: list[tuple[Row, list[Row]]] = []
    for case_id, case_steps in cases:
        for step, step_marks in case_steps:
            step["case_id"] = case_id
            steps.append((step, step_marks))
    if not steps:
        return
    step_table = tables[EhcStepRecord.__tablename__]
    mark_rows: list[Row] = []
    for (step, step_marks), step_id in zip(steps, reserve_ids(session, step_table, len(steps)), strict=True):
        step["id"] = step_id
        for mark in step_marks:
            mark["step_id"] = step_id
            mark_rows.append(mark)
    insert_rows(session, step_table, [step for step, _marks in steps])
    insert_rows(session, tables[EhcDateMark.__tablename__], mark_rows)
