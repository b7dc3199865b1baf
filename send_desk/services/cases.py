"""Case use cases: log, acknowledge, assign, note, extend, pause, respond, escalate, close, reopen, link."""

from __future__ import annotations

import re
from collections.abc import Callable, Generator, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from send_desk.db.models import (
    Case,
    CaseLink,
    CaseStage,
    Category,
    Extension,
    OutstandingAction,
    Person,
    ReferenceCounter,
    Remedy,
    Staff,
    TargetPolicyRow,
    TimelineEntry,
)
from send_desk.db.models import Pause as PauseRow
from send_desk.domain import lifecycle
from send_desk.domain.calendar import WorkingCalendar
from send_desk.domain.errors import ConflictError, NotFoundError, ValidationError
from send_desk.domain.kinds import (
    CaseKind,
    Channel,
    ClosureCode,
    LinkKind,
    Outcome,
    PersonRole,
    RemedyKind,
    kind_facts,
)
from send_desk.domain.lifecycle import CaseState
from send_desk.domain.limits import check_length, too_long
from send_desk.domain.policy import TargetPolicy, kind_noun
from send_desk.domain.reference import make_reference
from send_desk.domain.wording import uk_date, uk_datetime
from send_desk.services import audit
from send_desk.services.case_rows import (
    CaseRows,
    DeadlineMemo,
    PreparedCases,
    build_search_text,
    cases_in_bulk,
    digits,
    name_key,
    new_case_rows,
    prepare_case_rows,
    reserve_case_ids,
    write_case_rows,
)
from send_desk.services.clocks import apply_state, case_state
from send_desk.services.context import ServiceContext
from send_desk.services.identity import find_staff
from send_desk.services.permissions import Action, check, require
from send_desk.services.policies import ClosureSets, current_policy_row, load_closures, policy_from_row
from send_desk.services.views import case_detail, case_rows, rag_window
from send_desk.values.cases import CaseDetail, CaseInput, CaseRow, PersonInput

BULK_CHUNK = 2000
"""Cases written per bulk INSERT round in `CaseService.log_bulk` (all rounds share one transaction)."""
EARLIEST_DATE = date(2000, 1, 1)
EMAIL_PATTERN = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


@dataclass(frozen=True)
class RemedyInput:
    """A remedy offered in a response."""

    kind: RemedyKind
    amount_pence: int | None = None
    description: str = ""


@dataclass(frozen=True)
class ActionInput:
    """An action promised in a response."""

    what: str
    owner_login: str | None = None
    due: date | None = None


class CaseService:
    """The commands that change cases; each is one unit of work and is audited."""

    def __init__(self, ctx: ServiceContext) -> None:
        """Use the given database, clock and acting login."""
        self.ctx = ctx

    # ----- reading -------------------------------------------------------------------------
    def get(self, case_id: int) -> CaseDetail:
        """Return a whole case."""
        with self.ctx.db.read() as session:
            return self._detail(session, self._case(session, case_id))

    def get_by_reference(self, reference: str) -> CaseDetail:
        """Return a whole case found by its reference."""
        with self.ctx.db.read() as session:
            case = session.scalars(select(Case).where(Case.reference == reference.strip().upper())).first()
            if case is None:
                raise NotFoundError(f"There is no case with the reference {reference.strip()}.")
            return self._detail(session, case)

    def find_earlier(
        self, child: PersonInput, contact: PersonInput, *, exclude_id: int | None = None, limit: int = 20
    ) -> list[CaseRow]:
        """Return earlier cases for the same child (name and birth date, or identifier) or contact."""
        conditions: list[Any] = []
        if child.name.strip():
            clause = (Person.role == PersonRole.CHILD.value) & (Person.name_key == name_key(child.name))
            if child.date_of_birth is not None:
                clause = clause & or_(
                    Person.date_of_birth == child.date_of_birth, Person.date_of_birth.is_(None)
                )
            conditions.append(clause)
        if child.identifier.strip():
            conditions.append(Person.identifier == child.identifier.strip())
        if contact.email.strip():
            conditions.append(Person.email_key == contact.email.strip().lower())
        if len(digits(contact.phone)) >= 6:
            conditions.append(Person.phone_key == digits(contact.phone))
        if contact.name.strip():
            conditions.append(
                (Person.role == PersonRole.CONTACT.value) & (Person.name_key == name_key(contact.name))
            )
        if not conditions:
            return []
        with self.ctx.db.read() as session:
            query = select(Person.case_id).where(or_(*conditions))
            if exclude_id is not None:
                query = query.where(Person.case_id != exclude_id)
            ids = list(dict.fromkeys(session.scalars(query.order_by(Person.case_id.desc()).limit(limit * 3))))
            rows = case_rows(session, ids[:limit], rag_window(session, self.ctx.today()))
            return rows

    # ----- logging -------------------------------------------------------------------------
    def log_case(self, data: CaseInput) -> CaseDetail:
        """Log a new case, compute its due dates and audit it; return the saved case."""
        with self.ctx.db.write() as session:
            actor = require(session, self.ctx.actor_login(), Action.LOG_CASE, at=self.ctx.now())
            case_id = self._log(session, data, actor, action="log").id
        # read back after the commit, so the reference counter's lock is not held while the view is built
        return self.get(case_id)

    def log_many(self, inputs: Sequence[CaseInput], *, action: str = "import") -> list[str]:
        """Log several cases in one transaction (all or none); return their references."""
        with self.ctx.db.write() as session:
            actor = require(session, self.ctx.actor_login(), Action.LOG_CASE, at=self.ctx.now())
            references = [self._log(session, data, actor, action=action).reference for data in inputs]
            return references

    def log_bulk(
        self,
        inputs: Sequence[CaseInput],
        *,
        action: str = "import",
        chunk: int = BULK_CHUNK,
        also: Callable[[Session, int, list[int]], None] | None = None,
        checked: bool = False,
    ) -> Generator[int, None, list[str]]:
        """Log many cases in one transaction with bulk inserts, yielding how many are written so far.

        The same rules, due dates, references and audit entries as `log_many`, without the per-case
        unit of work: look-ups are cached, references reserved at once, rows inserted `chunk` at a time.
        All or nothing: an error, or closing the generator before it returns, rolls everything back.
        Linking to other cases is not supported (use `log_many`). Returns the references in input order.
        `also(session, start, ids)` is called after each chunk (its first input's index, the new case ids)
        to write what else belongs to those cases in the same transaction. `checked` says the caller has
        already passed every input through `validate_case_input` today (the import checks each row).
        """
        today = self.ctx.today()
        now = self.ctx.now()
        for data in inputs:
            if not checked:
                validate_case_input(data, today)
            if data.link_to:
                raise ValueError("log_bulk does not link cases; use log_many for cases with links.")
        with self.ctx.db.write() as session:
            actor = require(session, self.ctx.actor_login(), Action.LOG_CASE, at=now)
            self._check_new_references(session, inputs)
            generated = iter(
                reserve_references(session, today.year, sum(1 for d in inputs if not _given_reference(d)))
            )
            rows = _BulkRows(self, session, actor, now, action)
            ids = reserve_case_ids(session, len(inputs))
            references: list[str] = []
            with cases_in_bulk(session, len(inputs)):
                for start in range(0, len(inputs), chunk):
                    part = inputs[start : start + chunk]
                    refs = [_given_reference(data) or next(generated) for data in part]
                    part_ids = ids[start : start + len(part)]
                    rows.insert(*rows.build(part, refs, part_ids))
                    if also is not None:
                        also(session, start, part_ids)
                    references.extend(refs)
                    yield len(references)
            return references

    def _check_new_references(self, session: Session, inputs: Sequence[CaseInput]) -> None:
        given = [ref for ref in (_given_reference(d) for d in inputs) if ref]
        existing: set[str] = set()
        for start in range(0, len(given), 500):
            part = given[start : start + 500]
            existing.update(session.scalars(select(Case.reference).where(Case.reference.in_(part))))
        seen: set[str] = set()
        for reference in given:
            if reference in existing or reference in seen:
                raise ValidationError(
                    f"A case with the reference {reference} already exists.", field="reference"
                )
            seen.add(reference)

    def _log(self, session: Session, data: CaseInput, actor: Staff, *, action: str) -> Case:
        today = self.ctx.today()
        validate_case_input(data, today)
        policy_row = current_policy_row(session, data.kind, data.stage)
        policy = policy_from_row(policy_row)
        now = self.ctx.now()
        officer = self._staff(session, data.officer_login) if data.officer_login else None
        category = self._category(session, data.category) if data.category.strip() else None
        calendar = load_closures(session).calendar_for(policy)
        given = _given_reference(data)
        if given and session.scalar(select(Case.id).where(Case.reference == given)) is not None:
            raise ValidationError(f"A case with the reference {given} already exists.", field="reference")
        # the year's counter row is locked from here to the commit, which every other desk logging a
        # case waits for: take the number after every look-up, so only the inserts remain
        reference = given or next_reference(session, today.year)
        rows = new_case_rows(
            data,
            reference=reference,
            policy_id=policy_row.id,
            policy=policy,
            calendar=calendar,
            officer_id=officer.id if officer else None,
            category_id=category.id if category else None,
            logged_by_id=actor.id,
            logged_by_name=actor.name,
            now=now,
            officer_login=officer.login if officer else "",
        )
        case = Case(**rows.case)
        case.people = [Person(**person) for person in rows.people]
        case.stages = [CaseStage(**stage) for stage in rows.stages]
        session.add(case)
        session.flush()
        for other in data.link_to:
            self._link(session, case, other, LinkKind.RELATED)
        audit.record(
            session,
            at=now,
            login=actor.login,
            actor_name=actor.name,
            action=action,
            case=case,
            details={
                "kind": case.kind,
                "stage": case.stage,
                "received_on": case.received_on,
                "acknowledge_by": case.acknowledge_by,
                "respond_by": case.respond_by,
                "officer": officer.login if officer else None,
            },
        )
        return case

    # ----- changing ------------------------------------------------------------------------
    # Each action reads the case's lifecycle state, lets `domain/lifecycle.py` check the rules and compute
    # the new clocks (with the closure days in force now), then writes the result back and audits it.
    def _change(
        self,
        case_id: int,
        expected_version: int,
        action: str,
        change: Callable[[Session, Case, CaseState, Staff, ClosureSets], CaseState],
        details: dict[str, Any] | None = None,
    ) -> CaseDetail:
        with self.ctx.db.write() as session:
            return self.change_in(session, case_id, expected_version, action, change, details)

    def change_in(
        self,
        session: Session,
        case_id: int,
        expected_version: int,
        action: str,
        change: Callable[[Session, Case, CaseState, Staff, ClosureSets], CaseState],
        details: dict[str, Any] | None = None,
    ) -> CaseDetail:
        """Change one case inside a unit of work the caller owns (bulk work: many cases, one transaction)."""
        case, _stage, actor = self._begin(session, case_id, expected_version)
        closures = load_closures(session)
        before = snapshot(case)
        state = change(session, case, case_state(case), actor, closures)
        apply_state(case, state, closures)
        return self._finish(session, case, actor, action, before, details)

    def acknowledge(
        self, case_id: int, *, on: date, expected_version: int, missed_reason: str = ""
    ) -> CaseDetail:
        """Record that the acknowledgement was sent; a late one needs a reason."""
        return self._change(
            case_id,
            expected_version,
            "acknowledge",
            self.acknowledge_step(on, missed_reason),
            {"missed_reason": missed_reason},
        )

    def acknowledge_step(
        self, on: date, missed_reason: str
    ) -> Callable[[Session, Case, CaseState, Staff, ClosureSets], CaseState]:
        """Return the change that acknowledges a case (for `change_in`)."""

        def change(
            session: Session, case: Case, state: CaseState, actor: Staff, closures: ClosureSets
        ) -> CaseState:
            calendar = closures.calendar_for(state.current.policy)
            new = lifecycle.acknowledge(
                state, on=on, today=self.ctx.today(), calendar=calendar, missed_reason=missed_reason
            )
            case.stages[-1].acknowledge_missed_reason = missed_reason.strip()
            return new

        return change

    def assign(self, case_id: int, *, officer_login: str, expected_version: int) -> CaseDetail:
        """Give the case (and its current stage) to an officer."""
        return self._change(case_id, expected_version, "assign", self.assign_step(officer_login))

    def assign_step(
        self, officer_login: str
    ) -> Callable[[Session, Case, CaseState, Staff, ClosureSets], CaseState]:
        """Return the change that gives a case to an officer (for `change_in`)."""

        def change(
            session: Session, case: Case, state: CaseState, actor: Staff, closures: ClosureSets
        ) -> CaseState:
            officer = self._staff(session, officer_login)
            if officer.id != actor.id:
                check(actor, Action.REASSIGN)
            try:
                new = lifecycle.assign(state, handler=officer.login)
            except ValidationError as error:
                raise ValidationError(
                    str(error).replace(officer.login, officer.name, 1), field="officer"
                ) from None
            case.officer_id = officer.id
            case.officer = officer
            case.stages[-1].handler_id = officer.id
            case.stages[-1].handler = officer
            return new

        return change

    def add_note(self, case_id: int, *, text: str) -> CaseDetail:
        """Add a note to the timeline."""
        return self._timeline(case_id, "note", text=text, channel="", direction="")

    def record_contact(
        self, case_id: int, *, text: str, channel: Channel, direction: str = "out", at: datetime | None = None
    ) -> CaseDetail:
        """Record a contact with the family (a call, an email, a letter), in or out."""
        if direction not in ("in", "out"):
            raise ValidationError(
                "Say whether the contact was made to the family or by them.", field="direction"
            )
        return self._timeline(
            case_id, "contact", text=text, channel=channel.value, direction=direction, at=at
        )

    def _timeline(
        self,
        case_id: int,
        entry_type: str,
        *,
        text: str,
        channel: str,
        direction: str,
        at: datetime | None = None,
    ) -> CaseDetail:
        if not text.strip():
            raise ValidationError("Write something in the note before saving it.", field="text")
        check_length("note", text.strip(), what="note" if entry_type == "note" else "text", key="text")
        with self.ctx.db.write() as session:
            case = self._case(session, case_id)
            actor = require(session, self.ctx.actor_login(), Action.WORK_CASE, at=self.ctx.now())
            when = at or self.ctx.now()
            if when > self.ctx.now():
                raise ValidationError(
                    f"The time given, {uk_datetime(when)}, is in the future. Enter when it happened.",
                    field="at",
                )
            case.timeline.append(
                TimelineEntry(
                    at=when,
                    entry_type=entry_type,
                    channel=channel,
                    direction=direction,
                    text=text.strip(),
                    author=actor.name,
                    recorded_at=self.ctx.now(),
                )
            )
            before = snapshot(case)
            return self._finish(
                session, case, actor, entry_type, before, {"channel": channel, "direction": direction}
            )

    def extend(
        self,
        case_id: int,
        *,
        reason: str,
        expected_version: int,
        amount: int | None = None,
        to: date | None = None,
        told_on: date | None = None,
    ) -> CaseDetail:
        """Extend the response target once with a reason: by `amount` working days, or a SAR `to` a date.

        A SAR may also give `amount` in months (1 or 2); its requester must be told within the first month.
        """
        if amount is not None and amount < 1 and to is None:
            raise ValidationError("An extension must be at least one day.", field="amount")

        def change(
            session: Session, case: Case, state: CaseState, actor: Staff, closures: ClosureSets
        ) -> CaseState:
            calendar = closures.calendar_for(state.current.policy)
            new, length = lifecycle.extend(
                state,
                reason=reason,
                today=self.ctx.today(),
                calendar=calendar,
                amount=amount,
                to=to,
                told_on=told_on,
            )
            assert new.current.respond_by is not None
            case.stages[-1].extensions.append(
                Extension(
                    amount=length,
                    new_due=new.current.respond_by,
                    reason=reason.strip(),
                    told_on=told_on,
                    created_at=self.ctx.now(),
                    created_by=actor.login,
                )
            )
            return new

        details = {"amount": amount, "to": to, "reason": reason, "told_on": told_on}
        return self._change(case_id, expected_version, "extend", change, details)

    def pause(self, case_id: int, *, start: date, reason: str, expected_version: int) -> CaseDetail:
        """Stop the clock (for example a fees notice) where the policy allows it."""

        def change(
            session: Session, case: Case, state: CaseState, actor: Staff, closures: ClosureSets
        ) -> CaseState:
            new = lifecycle.pause(state, start=start, reason=reason, today=self.ctx.today())
            case.stages[-1].pauses.append(PauseRow(start=start, end=None, reason=reason.strip()))
            return new

        return self._change(case_id, expected_version, "pause", change, {"start": start, "reason": reason})

    def resume(self, case_id: int, *, end: date, expected_version: int) -> CaseDetail:
        """Restart a paused clock: the response date moves by the working days paused (both ends included)."""

        def change(
            session: Session, case: Case, state: CaseState, actor: Staff, closures: ClosureSets
        ) -> CaseState:
            calendar = closures.calendar_for(state.current.policy)
            new = lifecycle.resume(state, end=end, today=self.ctx.today(), calendar=calendar)
            open_rows = [p for p in case.stages[-1].pauses if p.end is None]
            open_rows[-1].end = end
            return new

        return self._change(case_id, expected_version, "resume", change, {"end": end})

    def request_clarification(
        self,
        case_id: int,
        *,
        on: date,
        chase_on: date | None = None,
        expected_version: int,
        identity: bool = False,
    ) -> CaseDetail:
        """Ask the requester to clarify (or, for a SAR, prove their identity); the clock stops meanwhile."""

        def change(
            session: Session, case: Case, state: CaseState, actor: Staff, closures: ClosureSets
        ) -> CaseState:
            return lifecycle.request_clarification(
                state, on=on, today=self.ctx.today(), chase_on=chase_on, identity=identity
            )

        details = {"on": on, "chase_on": chase_on, "identity": identity or None}
        return self._change(case_id, expected_version, "clarification-requested", change, details)

    def record_clarification(self, case_id: int, *, on: date, expected_version: int) -> CaseDetail:
        """Record the requester's answer (or proof of identity); the policy says what the clock does."""

        def change(
            session: Session, case: Case, state: CaseState, actor: Staff, closures: ClosureSets
        ) -> CaseState:
            calendar = closures.calendar_for(state.current.policy)
            return lifecycle.receive_clarification(state, on=on, today=self.ctx.today(), calendar=calendar)

        return self._change(case_id, expected_version, "clarification", change, {"clarified_on": on})

    def set_ombudsman_deadline(self, case_id: int, *, due: date, expected_version: int) -> CaseDetail:
        """Enter the deadline given in the Ombudsman's letter."""

        def change(
            session: Session, case: Case, state: CaseState, actor: Staff, closures: ClosureSets
        ) -> CaseState:
            return lifecycle.set_ombudsman_deadline(state, due=due)

        return self._change(case_id, expected_version, "ombudsman-deadline", change)

    def respond(
        self,
        case_id: int,
        *,
        on: date,
        expected_version: int,
        outcome: Outcome | None = None,
        missed_reason: str = "",
        reasons: str = "",
        learning: str = "",
        remedies: Sequence[RemedyInput] = (),
        actions: Sequence[ActionInput] = (),
    ) -> CaseDetail:
        """Record the response; complaints need an outcome, and a late response needs a reason.

        The recorded dates stay: a response with no acknowledgement leaves the acknowledgement missed.
        """
        for remedy in remedies:
            if remedy.kind is RemedyKind.FINANCIAL and not remedy.amount_pence:
                raise ValidationError("Give the amount of the financial remedy.", field="remedies")

        def change(
            session: Session, case: Case, state: CaseState, actor: Staff, closures: ClosureSets
        ) -> CaseState:
            new = lifecycle.respond(
                state,
                on=on,
                today=self.ctx.today(),
                by=actor.login,
                outcome=outcome.value if outcome else None,
                missed_reason=missed_reason,
            )
            stage = case.stages[-1]
            stage.respond_missed_reason = missed_reason.strip()
            stage.outcome = outcome.value if outcome else None
            stage.reasons = reasons.strip()
            stage.learning = learning.strip()
            for remedy in remedies:
                stage.remedies.append(
                    Remedy(
                        kind=remedy.kind.value,
                        amount_pence=remedy.amount_pence,
                        description=remedy.description,
                    )
                )
            for action in actions:
                owner = self._staff(session, action.owner_login) if action.owner_login else None
                stage.actions.append(
                    OutstandingAction(what=action.what, owner_id=owner.id if owner else None, due=action.due)
                )
            return new

        details = {"remedies": [r.kind.value for r in remedies], "missed_reason": missed_reason}
        return self._change(case_id, expected_version, "respond", change, details)

    def complete_action(self, case_id: int, *, action_id: int, on: date, expected_version: int) -> CaseDetail:
        """Mark an outstanding action as done."""
        done: list[str] = []

        def change(
            session: Session, case: Case, state: CaseState, actor: Staff, closures: ClosureSets
        ) -> CaseState:
            action = next((a for s in case.stages for a in s.actions if a.id == action_id), None)
            if action is None:
                raise NotFoundError("That action is not on this case.")
            if action.done_on is not None:
                raise ValidationError(f"That action was already done on {uk_date(action.done_on)}.")
            new = lifecycle.action_done(state, on=on, today=self.ctx.today())
            action.done_on = on
            done.append(action.what)
            return new

        return self._change(case_id, expected_version, "action-done", change, {"action": done})

    def escalate(
        self,
        case_id: int,
        *,
        requested_on: date,
        handler_login: str,
        expected_version: int,
        late_reason: str = "",
    ) -> CaseDetail:
        """Move a complaint to stage 2 with a handler who never handled stage 1 nor recorded its response.

        A request more than the policy's window (20 working days by default) after the stage 1 response
        is accepted with `late_reason`, recorded on the stage.
        """

        def change(
            session: Session, case: Case, state: CaseState, actor: Staff, closures: ClosureSets
        ) -> CaseState:
            handler = self._staff(session, handler_login)
            row = current_policy_row(session, CaseKind.COMPLAINT, 2)
            policy = policy_from_row(row)
            try:
                new = lifecycle.escalate(
                    state,
                    requested_on=requested_on,
                    handler=handler.login,
                    today=self.ctx.today(),
                    policy=policy,
                    calendar=closures.calendar_for(policy),
                    late_reason=late_reason,
                )
            except ValidationError as error:
                raise ValidationError(
                    str(error).replace(handler.login, handler.name, 1), field=error.field
                ) from None
            late = lifecycle.escalation_late(
                state.current, requested_on, closures.calendar_for(state.current.policy)
            )
            case.stages.append(
                CaseStage(
                    stage=2,
                    policy=row,
                    started_on=requested_on,
                    handler_id=handler.id,
                    handler=handler,
                    escalation_late_reason=late_reason.strip() if late else "",
                )
            )
            case.officer_id = handler.id
            case.officer = handler
            case.closure_code = None
            case.closed_on = None
            return new

        return self._change(
            case_id,
            expected_version,
            "escalate",
            change,
            {"requested_on": requested_on, "late_reason": late_reason},
        )

    def close(
        self, case_id: int, *, code: ClosureCode, on: date, expected_version: int, reason: str = ""
    ) -> CaseDetail:
        """Close a case with a closure code; the recorded dates stay."""

        def change(
            session: Session, case: Case, state: CaseState, actor: Staff, closures: ClosureSets
        ) -> CaseState:
            new = lifecycle.close(state, code=code, on=on, today=self.ctx.today(), reason=reason)
            case.closure_code = code.value
            case.closure_reason = reason.strip()
            case.closed_on = on
            return new

        return self._change(case_id, expected_version, "close", change, {"reason": reason})

    def reopen(self, case_id: int, *, reason: str, expected_version: int) -> CaseDetail:
        """Reopen a closed case; recorded dates stay, outstanding clocks run again."""

        def change(
            session: Session, case: Case, state: CaseState, actor: Staff, closures: ClosureSets
        ) -> CaseState:
            new = lifecycle.reopen(state, reason=reason)
            case.closure_code = None
            case.closed_on = None
            case.timeline.append(
                TimelineEntry(
                    at=self.ctx.now(),
                    entry_type="change",
                    text=f"Reopened: {reason.strip()}",
                    author=actor.name,
                )
            )
            return new

        return self._change(case_id, expected_version, "reopen", change, {"reason": reason})

    def link(self, case_id: int, *, other_reference: str, kind: LinkKind = LinkKind.RELATED) -> CaseDetail:
        """Link this case to another by reference (duplicate, same child, related)."""
        with self.ctx.db.write() as session:
            case = self._case(session, case_id)
            actor = require(session, self.ctx.actor_login(), Action.WORK_CASE, at=self.ctx.now())
            other = self._link(session, case, other_reference, kind)
            before = snapshot(case)
            return self._finish(
                session, case, actor, "link", before, {"linked": other.reference, "kind": kind}
            )

    # ----- helpers -------------------------------------------------------------------------
    def _link(self, session: Session, case: Case, other_reference: str, kind: LinkKind) -> Case:
        reference = other_reference.strip().upper()
        other = session.scalars(select(Case).where(Case.reference == reference)).first()
        if other is None:
            raise NotFoundError(f"There is no case with the reference {other_reference.strip()}.")
        if other.id == case.id:
            raise ValidationError("A case cannot be linked to itself.", field="link")
        exists = session.scalar(
            select(CaseLink.id).where(
                or_(
                    (CaseLink.case_id == case.id) & (CaseLink.linked_case_id == other.id),
                    (CaseLink.case_id == other.id) & (CaseLink.linked_case_id == case.id),
                )
            )
        )
        if exists is not None:
            raise ValidationError(f"This case is already linked to {other.reference}.", field="link")
        session.add(
            CaseLink(case_id=case.id, linked_case_id=other.id, kind=kind.value, created_at=self.ctx.now())
        )
        return other

    def _case(self, session: Session, case_id: int, *, lock: bool = False) -> Case:
        case = session.get(Case, case_id, with_for_update={"of": Case} if lock else None)
        if case is None:
            raise NotFoundError("That case could not be found. Someone may have removed it.")
        return case

    def _begin(self, session: Session, case_id: int, expected_version: int) -> tuple[Case, CaseStage, Staff]:
        case = self._case(session, case_id, lock=True)
        if case.version != expected_version:
            raise ConflictError(changed_by=case.updated_by or "another user", changed_at=case.updated_at)
        actor = require(session, self.ctx.actor_login(), Action.WORK_CASE, at=self.ctx.now())
        return case, case.stages[-1], actor

    def _finish(
        self,
        session: Session,
        case: Case,
        actor: Staff,
        action: str,
        before: dict[str, Any],
        details: dict[str, Any] | None = None,
    ) -> CaseDetail:
        case.updated_at = self.ctx.now()
        case.updated_by = actor.name
        case.search_text = build_search_text(case, case.people)
        after = snapshot(case)
        audit.record(
            session,
            at=self.ctx.now(),
            login=actor.login,
            actor_name=actor.name,
            action=action,
            case=case,
            changes=audit.diff(before, after),
            details={k: v for k, v in (details or {}).items() if v not in ("", None, [])},
        )
        session.flush()
        return self._detail(session, case)

    def _staff(self, session: Session, login: str) -> Staff:
        staff = find_staff(session, login.strip())
        if staff is None:
            staff = session.scalars(
                select(Staff).where(func.lower(Staff.name) == login.strip().lower())
            ).first()
        if staff is None or not staff.active:
            raise ValidationError(
                f"There is no active member of staff called {login.strip()}.", field="officer"
            )
        return staff

    def _category(self, session: Session, name: str) -> Category:
        category = session.scalars(
            select(Category).where(func.lower(Category.name) == name.strip().lower())
        ).first()
        if category is None:
            raise ValidationError(
                f"{name.strip()} is not one of the categories. Choose one from the list.", field="category"
            )
        return category

    def _detail(self, session: Session, case: Case) -> CaseDetail:
        return case_detail(session, case, rag_window(session, self.ctx.today()))


def _given_reference(data: CaseInput) -> str:
    return (data.reference or "").strip().upper()


class _BulkRows:
    """Turn case inputs into table rows with cached look-ups, and insert them a chunk at a time."""

    def __init__(self, service: CaseService, session: Session, actor: Staff, now: datetime, action: str):
        self.service = service
        self.session = session
        self.actor = actor
        self.now = now
        self.action = action
        self.closures = load_closures(session)
        self.dialect = session.get_bind().dialect
        self.deadlines = DeadlineMemo()  # many cases share a kind and a received date
        self.policies: dict[tuple[CaseKind, int], tuple[TargetPolicyRow, TargetPolicy, WorkingCalendar]] = {}
        self.officers: dict[str, Staff] = {}
        self.categories: dict[str, int] = {}

    def policy(self, kind: CaseKind, stage: int) -> tuple[TargetPolicyRow, TargetPolicy, WorkingCalendar]:
        """Return the current policy row, the policy and its calendar for a kind and stage."""
        found = self.policies.get((kind, stage))
        if found is None:
            row = current_policy_row(self.session, kind, stage)
            policy = policy_from_row(row)
            found = self.policies[(kind, stage)] = (row, policy, self.closures.calendar_for(policy))
        return found

    def officer(self, login: str) -> Staff:
        """Return the active member of staff a login (or name) names."""
        found = self.officers.get(login)
        if found is None:
            found = self.officers[login] = self.service._staff(self.session, login)
        return found

    def category(self, name: str) -> int:
        """Return the id of the category a name names (case ignored)."""
        key = name.strip().lower()
        found = self.categories.get(key)
        if found is None:
            found = self.categories[key] = self.service._category(self.session, name).id
        return found

    def build(
        self, inputs: Sequence[CaseInput], references: Sequence[str], ids: Sequence[int]
    ) -> tuple[PreparedCases, list[dict[str, Any]]]:
        """Return the cases (given their new ids) ready to write, and their audit rows."""
        batch: list[CaseRows] = []
        audit_rows: list[dict[str, Any]] = []
        for data, reference, case_id in zip(inputs, references, ids, strict=True):
            rows = self.rows(data, reference)
            batch.append(rows)
            officer = data.officer_login and self.officer(data.officer_login).login
            audit_rows.append(self.audit_row(case_id, rows.case, officer))
        return prepare_case_rows(self.dialect, batch, ids), audit_rows

    def insert(self, prepared: PreparedCases, audit_rows: list[dict[str, Any]]) -> None:
        """Write built cases with their stages, people and audit entries."""
        write_case_rows(self.session, prepared)
        audit.write_rows(self.session, audit_rows)

    def rows(self, data: CaseInput, reference: str) -> CaseRows:
        """Return the rows of one case, as `CaseService._log` would save them."""
        policy_row, policy, calendar = self.policy(data.kind, data.stage)
        officer = self.officer(data.officer_login) if data.officer_login else None
        return new_case_rows(
            data,
            reference=reference,
            policy_id=policy_row.id,
            policy=policy,
            calendar=calendar,
            officer_id=officer.id if officer else None,
            category_id=self.category(data.category) if data.category.strip() else None,
            logged_by_id=self.actor.id,
            logged_by_name=self.actor.name,
            now=self.now,
            officer_login=officer.login if officer else "",
            memo=self.deadlines,
        )

    def audit_row(self, case_id: int, case: dict[str, Any], officer: str | None) -> dict[str, Any]:
        """Return the audit row `audit.record` writes for a logged case."""
        details = {
            "kind": case["kind"],
            "stage": case["stage"],
            "received_on": case["received_on"],
            "acknowledge_by": case["acknowledge_by"],
            "respond_by": case["respond_by"],
            "officer": officer,
        }
        return {
            "at": self.now,
            "login": self.actor.login,
            "actor_name": self.actor.name,
            "case_id": case_id,
            "case_reference": case["reference"],
            "action": self.action,
            "changes": audit.changes_json(details=details),
        }


def snapshot(case: Case) -> dict[str, Any]:
    """Return the audited fields of a case and its current stage."""
    stage = case.stages[-1] if case.stages else None
    return {
        "status": case.status,
        "stage": case.stage,
        "officer": case.officer.login if case.officer else None,
        "acknowledge_by": case.acknowledge_by,
        "acknowledged_on": case.acknowledged_on,
        "respond_by": case.respond_by,
        "responded_on": case.responded_on,
        "outcome": case.outcome,
        "closure_code": case.closure_code,
        "closed_on": case.closed_on,
        "paused": case.paused,
        "clarified_on": stage.clarified_on if stage else None,
        "clarification_requested_on": stage.clarification_requested_on if stage else None,
    }


def validate_case_input(data: CaseInput, today: date) -> None:
    """Check a new case's dates and details, raising the first problem as a plain-words ValidationError."""
    for problem in case_input_problems(data, today):
        raise problem


def case_input_problems(data: CaseInput, today: date) -> Iterator[ValidationError]:
    """Yield every problem with a new case's dates and details, each a plain-words ValidationError."""
    if data.received_on > today:
        yield ValidationError(
            f"The received date {uk_date(data.received_on)} is in the future. Enter the day it arrived.",
            field="received_on",
        )
    if data.received_on < EARLIEST_DATE:
        yield ValidationError(
            f"The received date {uk_date(data.received_on)} is too long ago.", field="received_on"
        )
    if kind_facts(data.kind).stages < 2 and data.stage != 1:
        noun = kind_noun(data.kind)
        yield ValidationError(f"{noun[0].upper()}{noun[1:]} has a single stage.", field="stage")
    elif data.stage not in (1, 2):
        yield ValidationError("A complaint can only be at stage 1 or stage 2.", field="stage")
    yield from length_problems(data)
    dob = data.child.date_of_birth
    if dob is not None and dob > data.received_on:
        yield ValidationError(
            "The child's date of birth is after the date the case was received.", field="child_dob"
        )
    for email, field in ((data.contact.email, "contact_email"),):
        if email.strip() and not EMAIL_PATTERN.match(email.strip()):
            yield ValidationError(f"{email.strip()} does not look like an email address.", field=field)
    phone = data.contact.phone.strip()
    if phone and (len(digits(phone)) < 6 or re.search(r"[^\d\s+()\-.]", phone)):
        yield ValidationError(f"{phone} does not look like a phone number.", field="contact_phone")
    for recorded, what, field in (
        (data.acknowledged_on, "acknowledgement", "acknowledged"),
        (data.responded_on, "response", "responded"),
    ):
        if recorded is not None and recorded < data.received_on:
            yield ValidationError(
                f"The {what} date {uk_date(recorded)} is before the received date "
                f"{uk_date(data.received_on)}.",
                field=field,
            )
        if recorded is not None and recorded > today:
            yield ValidationError(f"The {what} date {uk_date(recorded)} is in the future.", field=field)
    if data.matter_on is not None and data.matter_on > data.received_on:
        yield ValidationError("The date of the matter is after the case was received.", field="matter_on")
    if lifecycle.matter_too_old(data.received_on, data.matter_on) and not data.matter_late_reason.strip():
        assert data.matter_on is not None
        yield ValidationError(
            f"The matter ({uk_date(data.matter_on)}) is more than 12 months before the complaint was "
            "received. "
            "Give the reason it is accepted all the same.",
            field="matter_late_reason",
        )
    if data.outcome is not None and data.outcome not in {o.value for o in Outcome}:
        yield ValidationError(f"{data.outcome} is not an outcome.", field="outcome")


LENGTH_CHECKS: tuple[tuple[str, str, str, Callable[[CaseInput], str]], ...] = (
    ("name", "contact's name", "contact_name", lambda d: d.contact.name),
    ("email", "contact's email address", "contact_email", lambda d: d.contact.email),
    ("phone", "contact's phone number", "contact_phone", lambda d: d.contact.phone),
    ("name", "child's name", "child_name", lambda d: d.child.name),
    ("identifier", "", "child_identifier", lambda d: d.child.identifier),
    (
        "name",
        "representative's name",
        "rep_name",
        lambda d: d.representative.name if d.representative else "",
    ),
    ("summary", "", "summary", lambda d: d.summary),
    ("description", "", "description", lambda d: d.description),
)
"""(limit, what it is called, form field, value) for each limited field of a case (domain/limits.py)."""


def length_problems(data: CaseInput) -> Iterator[ValidationError]:
    """Yield each text of a case that does not fit its field, naming the field and how much to cut."""
    for limit, what, key, value in LENGTH_CHECKS:
        message = too_long(limit, value(data).strip(), what)
        if message is not None:
            yield ValidationError(message, field=key)


def next_reference(session: Session, year: int) -> str:
    """Hand out the next case reference for the year, such as SD-2026-00042."""
    return reserve_references(session, year, 1)[0]


def reserve_references(session: Session, year: int, count: int) -> list[str]:
    """Hand out the next `count` case references for the year in one step, in order."""
    if count <= 0:
        return []
    dialect = session.get_bind().dialect.name
    upsert = pg_insert if dialect == "postgresql" else sqlite_insert
    statement = (
        upsert(ReferenceCounter)
        .values(year=year, last=count)
        .on_conflict_do_update(
            index_elements=[ReferenceCounter.year], set_={"last": ReferenceCounter.last + count}
        )
        .returning(ReferenceCounter.last)
    )
    last = int(session.execute(statement).scalar_one())
    return [make_reference(year, number) for number in range(last - count + 1, last + 1)]
