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
from typing import Any

from sqlalchemy import select, union
from sqlalchemy.orm import Session

from send_desk.db.models import Case, CaseStage, EhcDateMark, EhcStepRecord, TargetPolicyRow
from send_desk.domain.ehc import STEPS, EhcException, EhcStep, step_days_late
from send_desk.domain.kinds import CaseKind, CaseStatus, Outcome
from send_desk.services.reporting.lookups import chunks
from send_desk.values.figures import EhcStepComplaints, EhcStepLoad, Ratio

UPHELD = frozenset({Outcome.UPHELD.value, Outcome.PARTLY_UPHELD.value})


def open_by_step(session: Session, as_of: date) -> tuple[EhcStepLoad, ...]:
    """Return open cases at the start of `as_of` by EHC step, with how many are past a statutory date."""
    # open then = open now or closed since, received before it (as position.py): two small indexed reads,
    # not the whole case table
    open_now = select(Case.id).where(Case.status == CaseStatus.OPEN.value)
    closed_since = select(Case.id).where(Case.closed_on >= as_of)
    candidates = union(open_now, closed_since).subquery()
    table = EhcStepRecord.__table__
    latest: dict[int, Any] = {}
    for row in session.execute(
        select(table)
        .join(candidates, candidates.c.id == EhcStepRecord.case_id)
        .join(Case, Case.id == EhcStepRecord.case_id)
        .where(Case.received_on < as_of, EhcStepRecord.started_on < as_of)
        .order_by(EhcStepRecord.case_id, EhcStepRecord.started_on, EhcStepRecord.id)
    ):
        latest[row.case_id] = row  # ordered, so the last one kept is the latest step begun before as_of
    marks: dict[int, list[Any]] = defaultdict(list)
    for chunk in chunks([row.id for row in latest.values()]):
        for mark in session.execute(
            select(EhcDateMark.step_id, EhcDateMark.name, EhcDateMark.done_on, EhcDateMark.exception).where(
                EhcDateMark.step_id.in_(chunk)
            )
        ):
            marks[mark.step_id].append(mark)
    counts: Counter[str] = Counter()
    weeks: dict[str, list[int]] = defaultdict(list)
    for row in latest.values():
        done: dict[str, date] = {}
        exceptions: dict[str, EhcException] = {}
        for mark in marks.get(row.id, ()):
            if mark.done_on is not None and mark.done_on < as_of:
                done[mark.name] = mark.done_on
            if mark.exception:
                exceptions[mark.name] = EhcException(mark.exception)
        late = step_days_late(EhcStep(row.step), row._mapping, as_of, done, exceptions)
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
    # the kind comes from the stage's policy, so the wide case table is read only for the matching cases
    policies = list(
        session.scalars(
            select(TargetPolicyRow.id).where(
                TargetPolicyRow.kind == CaseKind.COMPLAINT.value, TargetPolicyRow.stage == 1
            )
        )
    )
    steps = session.execute(
        select(CaseStage.case_id, EhcStepRecord.step)
        .join(EhcStepRecord, (EhcStepRecord.case_id == CaseStage.case_id) & EhcStepRecord.current)
        .where(
            CaseStage.stage == 1,
            CaseStage.started_on.between(start, end),
            CaseStage.policy_id.in_(policies),
        )
    ).all()
    outcomes: dict[int, str | None] = {}
    for chunk in chunks([case_id for case_id, _step in steps]):
        for case_id, outcome in session.execute(select(Case.id, Case.outcome).where(Case.id.in_(chunk))):
            outcomes[case_id] = outcome
    rows = [(step, outcomes.get(case_id)) for case_id, step in steps]
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
