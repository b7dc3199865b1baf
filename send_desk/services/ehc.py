"""The EHC process a case is about: record a step, the day a statutory date was done, an exception.

Each change is one unit of work on the case (its version moves, so another desk's stale save is caught)
and one audit entry ("ehc"). The statutory dates come from `send_desk.domain.ehc` and are stored with
the step by the one writer of a case's rows (`services/case_rows.py`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import flag_modified

from send_desk.db.models import Case, EhcDateMark, EhcStepRecord
from send_desk.domain.ehc import (
    STEPS,
    EhcDateName,
    EhcDates,
    EhcException,
    EhcStep,
    check_exception,
    date_statuses,
    rule_for,
    statutory_dates,
)
from send_desk.domain.errors import ConflictError, NotFoundError, ValidationError
from send_desk.domain.wording import uk_date
from send_desk.services import audit
from send_desk.services.case_rows import ehc_mark_row, ehc_step_row
from send_desk.services.context import ServiceContext
from send_desk.services.permissions import Action, require
from send_desk.values.ehc import EhcRecord, EhcStepView

NO_CHANGE: Any = object()
"""Leave a value as it is (as opposed to None, which clears it)."""


@dataclass(frozen=True)
class EhcChange:
    """What to change on a case's EHC process in one go.

    `step` and `started` together record a new current step (the same step and start again only updates
    it). `done` maps a date name to the day it was done (None clears it); `exceptions` maps a date name to
    (exception, note), or None to clear it. `post16` and `amendment_notice_on` apply to the current step.
    """

    step: EhcStep | None = None
    started: date | None = None
    post16: bool | None = None
    amendment_notice_on: Any = NO_CHANGE
    done: Mapping[str, date | None] = field(default_factory=dict)
    exceptions: Mapping[str, tuple[EhcException, str] | None] = field(default_factory=dict)


def step_dates(row: Any) -> EhcDates:
    """Return the statutory dates of a stored step (a row or an `EhcStepRecord`) as stored, in order."""
    step = EhcStep(row.step)
    stored = ((rule.name, getattr(row, rule.name.value)) for rule in STEPS[step].rules)
    return EhcDates(
        step,
        row.started_on,
        post16=row.post16,
        amendment_notice_on=row.amendment_notice_on,
        dates=tuple((name, when) for name, when in stored if when is not None),
    )


def step_view(row: EhcStepRecord, today: date) -> EhcStepView:
    """Return a stored step with where each date stands today."""
    dates = step_dates(row)
    done = {m.name: m.done_on for m in row.marks if m.done_on is not None}
    exceptions = {m.name: EhcException(m.exception) for m in row.marks if m.exception}
    return EhcStepView(
        id=row.id,
        dates=dates,
        statuses=date_statuses(dates, today, done=done, exceptions=exceptions),
        current=row.current,
        recorded_at=row.recorded_at,
        recorded_by=row.recorded_by,
        done=done,
        exceptions=exceptions,
        notes={m.name: m.exception_note for m in row.marks if m.exception},
    )


def load_steps(session: Session, case_id: int) -> list[EhcStepRecord]:
    """Return a case's stored steps, the latest first (the current one first)."""
    return list(
        session.scalars(
            select(EhcStepRecord)
            .where(EhcStepRecord.case_id == case_id)
            .order_by(EhcStepRecord.current.desc(), EhcStepRecord.started_on.desc(), EhcStepRecord.id.desc())
        )
    )


class EhcService:
    """Read and change the EHC process a case is about."""

    def __init__(self, ctx: ServiceContext) -> None:
        """Use the given database, clock and acting login."""
        self.ctx = ctx

    def get(self, case_id: int) -> EhcRecord:
        """Return a case's EHC steps (latest first) with where each date stands today."""
        with self.ctx.db.read() as session:
            return self._record(session, self._case(session, case_id))

    def dates(self, case_id: int) -> EhcDates | None:
        """Return the statutory dates of the case's current step, or None (for letters and print-outs)."""
        current = self.get(case_id).current
        return current.dates if current is not None else None

    def merge_fields(self, case_id: int) -> dict[str, str]:
        """Return the letter merge fields of the case's current step (`EhcDates.merge_fields`), or {}."""
        dates = self.dates(case_id)
        return dates.merge_fields() if dates is not None else {}

    def change(self, case_id: int, change: EhcChange, *, expected_version: int) -> EhcRecord:
        """Record a step, the days dates were done and exceptions, in one audited unit of work."""
        today = self.ctx.today()
        now = self.ctx.now()
        with self.ctx.db.write() as session:
            case = self._case(session, case_id, lock=True)
            if case.version != expected_version:
                raise ConflictError(changed_by=case.updated_by or "another user", changed_at=case.updated_at)
            actor = require(session, self.ctx.actor_login(), Action.WORK_CASE, at=now)
            steps = load_steps(session, case_id)
            current = steps[0] if steps else None
            before = _snapshot(current)
            if change.step is not None or change.started is not None:
                if change.step is None or change.started is None:
                    raise ValidationError("Give both the EHC step and the day it began.", field="step")
                _check_started(change.step, change.started, today)
                wanted = (change.step.value, change.started)
                if current is None or (current.step, current.started_on) != wanted:
                    for row in steps:
                        row.current = False
                    again = [row for row in steps if (row.step, row.started_on) == wanted]
                    if again:  # back to a step recorded before: it is current again, with what it had
                        current = again[0]
                        current.current = True
                    else:
                        dates = statutory_dates(change.step, change.started, post16=bool(change.post16))
                        current = EhcStepRecord(
                            case_id=case.id, **ehc_step_row(dates, recorded_at=now, recorded_by=actor.name)
                        )
                        session.add(current)
                    session.flush()
            if current is None:
                raise ValidationError(
                    f"{case.reference} has no EHC step yet: record the step and the day it began first.",
                    field="step",
                )
            step = EhcStep(current.step)
            if change.post16 is not None:
                if change.post16 and step is not EhcStep.PHASE_TRANSFER:
                    raise ValidationError(
                        "Only a phase transfer can be into post-16 education.", field="post16"
                    )
                current.post16 = change.post16
            if change.amendment_notice_on is not NO_CHANGE:
                notice = change.amendment_notice_on
                if notice is not None:
                    if step is not EhcStep.ANNUAL_REVIEW:
                        raise ValidationError(
                            "Only an annual review has an amendment notice.", field="amendment_notice_on"
                        )
                    _not_before(notice, current.started_on, "The amendment notice", "the review meeting")
                    _not_after_today(notice, today, "The amendment notice")
                current.amendment_notice_on = notice
            marks = {m.name: m for m in current.marks}
            for name, done_on in change.done.items():
                rule = rule_for(step, name)
                if done_on is not None:
                    if rule.window:
                        raise ValidationError(
                            f"{rule.label} is a period for the family, not something the council does: "
                            "there is no day it was done.",
                            field="done",
                        )
                    _not_before(done_on, current.started_on, rule.label, "the step began")
                    _not_after_today(done_on, today, rule.label)
                self._mark(current, marks, rule.name).done_on = done_on
            for name, exception in change.exceptions.items():
                mark = self._mark(current, marks, rule_for(step, name).name)
                if exception is None:
                    mark.exception, mark.exception_note = "", ""
                else:
                    reason, note = exception
                    check_exception(step, name, reason)
                    mark.exception, mark.exception_note = reason.value, note.strip()
            dates = statutory_dates(
                step,
                current.started_on,
                post16=current.post16,
                amendment_notice_on=current.amendment_notice_on,
            )
            for key, value in ehc_step_row(dates, recorded_at=now, recorded_by=actor.name).items():
                if key not in ("recorded_at", "recorded_by", "current"):
                    setattr(current, key, value)
            for mark in list(current.marks):
                if mark.done_on is None and not mark.exception:
                    current.marks.remove(mark)
            session.flush()
            session.refresh(current)
            case.updated_at = now
            case.updated_by = actor.name
            flag_modified(case, "updated_at")  # the case's version moves even when the clock stood still
            audit.record(
                session,
                at=now,
                login=actor.login,
                actor_name=actor.name,
                action="ehc",
                case=case,
                changes=audit.diff(before, _snapshot(current)),
            )
            session.flush()
            return self._record(session, case)

    def _mark(self, step: EhcStepRecord, marks: dict[str, EhcDateMark], name: EhcDateName) -> EhcDateMark:
        mark = marks.get(name.value)
        if mark is None:
            mark = marks[name.value] = EhcDateMark(**ehc_mark_row(name))
            step.marks.append(mark)
        return mark

    def _case(self, session: Session, case_id: int, *, lock: bool = False) -> Case:
        case = session.get(Case, case_id, with_for_update={"of": Case} if lock else None)
        if case is None:
            raise NotFoundError("That case could not be found. Someone may have removed it.")
        return case

    def _record(self, session: Session, case: Case) -> EhcRecord:
        today = self.ctx.today()
        views = tuple(step_view(row, today) for row in load_steps(session, case.id))
        return EhcRecord(case.id, case.reference, case.version, today, views)


def _snapshot(row: EhcStepRecord | None) -> dict[str, Any]:
    if row is None:
        return {}
    values: dict[str, Any] = {
        "ehc_step": row.step,
        "ehc_started": row.started_on,
        "ehc_post16": row.post16,
        "ehc_amendment_notice_on": row.amendment_notice_on,
    }
    for mark in row.marks:
        values[f"{mark.name}_done"] = mark.done_on
        values[f"{mark.name}_exception"] = mark.exception or None
    return values


def _check_started(step: EhcStep, started: date, today: date) -> None:
    if step is not EhcStep.PHASE_TRANSFER:
        _not_after_today(started, today, "The day the step began")
    elif not today.year - 30 <= started.year <= today.year + 30:
        raise ValidationError(f"{uk_date(started)} is not a plausible day to move on.", field="started")


def _not_after_today(day: date, today: date, what: str) -> None:
    if day > today:
        raise ValidationError(
            f"{what} ({uk_date(day)}) is after today ({uk_date(today)}): record it on the day or after.",
            field="date",
        )


def _not_before(day: date, start: date, what: str, start_words: str) -> None:
    if day < start:
        raise ValidationError(
            f"{what} ({uk_date(day)}) is before {start_words} ({uk_date(start)}): check the date.",
            field="date",
        )
