"""Where delays come from: open cases by the EHC step they are about, and complaints by step (issue 18).

- *Open at the end of the week*: received before `as_of` and not closed before it (as the weekly
  summary's position). Its EHC step is the latest one that began before `as_of`.
- *Past the statutory date*: a statutory date of that step (not the family's representations period) is
  before `as_of`, was not done before `as_of`, or was done after it, and has no exception recorded. How
  far: the most days any of its dates is late, in whole weeks; the table gives the median of those.
- *Complaints by step*: stage 1 complaints begun in the reporting year whose case is about an EHC step
  (its current step). *Uphold rate*: upheld or partly upheld, of those with an outcome.
"""

from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from datetime import date

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from send_desk.db.models import Case, CaseStage, EhcStepRecord
from send_desk.domain.ehc import STEPS, EhcException, date_statuses, days_late
from send_desk.domain.kinds import CaseKind, Outcome
from send_desk.services.ehc import step_dates
from send_desk.values.figures import EhcStepComplaints, EhcStepLoad, Ratio

UPHELD = frozenset({Outcome.UPHELD.value, Outcome.PARTLY_UPHELD.value})


def open_by_step(session: Session, as_of: date) -> tuple[EhcStepLoad, ...]:
    """Return open cases at the start of `as_of` by EHC step, with how many are past a statutory date."""
    open_then = (Case.received_on < as_of) & or_(Case.closed_on.is_(None), Case.closed_on >= as_of)
    latest: dict[int, EhcStepRecord] = {}
    for row in session.scalars(
        select(EhcStepRecord)
        .join(Case, Case.id == EhcStepRecord.case_id)
        .where(open_then, EhcStepRecord.started_on < as_of)
        .order_by(EhcStepRecord.case_id, EhcStepRecord.started_on, EhcStepRecord.id)
    ):
        latest[row.case_id] = row  # ordered, so the last one kept is the latest step begun before as_of
    counts: Counter[str] = Counter()
    weeks: dict[str, list[int]] = defaultdict(list)
    for row in latest.values():
        done: dict[str, date] = {}
        exceptions: dict[str, EhcException] = {}
        for mark in row.marks:  # loaded with the steps (selectin)
            if mark.done_on is not None and mark.done_on < as_of:
                done[mark.name] = mark.done_on
            if mark.exception:
                exceptions[mark.name] = EhcException(mark.exception)
        late = days_late(date_statuses(step_dates(row), as_of, done=done, exceptions=exceptions))
        counts[row.step] += 1
        if late > 0:
            weeks[row.step].append(late // 7)
    return tuple(
        EhcStepLoad(
            step.value,
            facts.label,
            counts[step.value],
            len(weeks[step.value]),
            float(statistics.median(weeks[step.value])) if weeks[step.value] else None,
        )
        for step, facts in STEPS.items()
        if counts[step.value]
    )


def complaints_by_step(session: Session, start: date, end: date) -> tuple[EhcStepComplaints, ...]:
    """Return the stage 1 complaints begun from `start` to `end` by EHC step, with their uphold rates."""
    rows = session.execute(
        select(EhcStepRecord.step, Case.outcome)
        .join(Case, Case.id == EhcStepRecord.case_id)
        .join(CaseStage, (CaseStage.case_id == Case.id) & (CaseStage.stage == 1))
        .where(
            EhcStepRecord.current,
            Case.kind == CaseKind.COMPLAINT.value,
            CaseStage.started_on.between(start, end),
        )
    ).all()
    complaints: Counter[str] = Counter()
    decided: Counter[str] = Counter()
    upheld: Counter[str] = Counter()
    for step, outcome in rows:
        complaints[step] += 1
        if outcome:
            decided[step] += 1
            upheld[step] += outcome in UPHELD
    return tuple(
        EhcStepComplaints(
            step.value, facts.label, complaints[step.value], Ratio(upheld[step.value], decided[step.value])
        )
        for step, facts in STEPS.items()
        if complaints[step.value]
    )
