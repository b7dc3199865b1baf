"""The weekly summary's position at the end of the week: open cases, overdue targets, targets due next week.

Every query is an indexed range whose size follows the activity since `as_of`, not the size of the database.
Cases received on or after `as_of` are all either open now or closed since, so open then = open now + closed
since − received since (per officer too). Targets outstanding then and due by next Sunday are
(1) outstanding now on open cases (ix_case_status_next_due, `outstanding_on_open_cases`), (2) done since
`as_of` (case_stage responded_on / acknowledged_on ranges, `done_since`) or (3) never done on cases closed
since (ix_case_closed_on, `never_done_on_cases_closed_since`). A case closed before `as_of` is not open then,
so none of its targets is outstanding then, whatever its stages say. Only overdue targets need the case's
reference, so only they are looked up.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any, NamedTuple

from sqlalchemy import ColumnElement, and_, func, literal_column, or_, select
from sqlalchemy.orm import Session

from send_desk.db.models import Case, CaseStage, Staff
from send_desk.domain.kinds import CaseKind, CaseStatus
from send_desk.services.reporting.lookups import UNASSIGNED, Lookups, chunks
from send_desk.values.figures import Count, TargetItem, label_of, ordered_counts


class StageClocks(NamedTuple):
    """One stage's targets as they stood at `as_of`, with whoever owned them (a tuple: thousands are made)."""

    kind: str
    owner_id: int | None
    acknowledge_by: date | None
    acknowledged_on: date | None
    respond_by: date | None
    responded_on: date | None


Stages = dict[tuple[int, int], StageClocks]
"""(case id, stage) → the stage's clocks."""


@dataclass(frozen=True)
class Position:
    """The end-of-week position, before it is put into the summary."""

    open_count: int
    overdue: tuple[TargetItem, ...]
    due_next_week: tuple[Count, ...]
    open_by_officer: Counter[str]
    overdue_by_officer: Counter[str]
    due_by_officer: Counter[str]


def read_backwards(received_before: int, received_since: int) -> bool:
    """Tell whether the position of a past week is cheaper to read from the cases received before it."""
    return received_before < received_since


def _is_open() -> ColumnElement[bool]:
    return Case.status == CaseStatus.OPEN.value


def looks_back(session: Session, as_of: date) -> bool:
    """Tell whether `as_of` is far enough back that counting from the cases received before it is cheaper."""
    received_since = int(session.scalar(select(func.count()).where(Case.received_on >= as_of)) or 0)
    # counted only up to received_since + 1: enough to choose, and cheap when as_of is recent
    capped = select(Case.id).where(Case.received_on < as_of).limit(received_since + 1).subquery()
    received_before = int(session.scalar(select(func.count()).select_from(capped)) or 0)
    return read_backwards(received_before, received_since)


def open_by_officer(session: Session, as_of: date, look: Lookups, *, look_back: bool) -> Counter[str]:
    """Count the cases open at the start of `as_of` by officer."""
    # an expression, so SQLite keeps the date range index; a literal 0 (not a parameter) so PostgreSQL
    # sees the same expression in SELECT and GROUP BY
    officer_key = func.coalesce(Case.officer_id, literal_column("0"))
    counts: Counter[str] = Counter()
    if look_back:
        # a week long past: open then = received before it − closed before it
        changes = ((Case.received_on < as_of, 1), (Case.closed_on < as_of, -1))
    else:
        # a recent week: open then = open now + closed since − received since
        staff_open = select(func.count()).where(Case.officer_id == Staff.id, _is_open()).scalar_subquery()
        for staff_id, n in session.execute(select(Staff.id, staff_open)):
            counts[look.officer(staff_id)] += int(n)
        counts[UNASSIGNED] += int(
            session.scalar(select(func.count()).where(Case.officer_id.is_(None), _is_open())) or 0
        )
        changes = ((Case.closed_on >= as_of, 1), (Case.received_on >= as_of, -1))
    for condition, sign in changes:
        for officer_id, n in session.execute(
            select(officer_key, func.count()).where(condition).group_by(officer_key)
        ):
            counts[look.officer(officer_id)] += sign * int(n)
    return counts


_CLOCK_COLUMNS = (
    Case.id,
    Case.reference,
    Case.kind,
    Case.officer_id,
    Case.received_on,
    Case.stage,
    Case.acknowledge_by,
    Case.acknowledged_on,
    Case.respond_by,
    Case.responded_on,
)


def _current_stages(rows: Iterable[Any], as_of: date, references: dict[int, str]) -> Stages:
    """Return the current stage of each case received before `as_of`, noting its reference."""
    stages: Stages = {}
    for row in rows:
        if row.received_on >= as_of:
            continue
        references[row.id] = row.reference
        stages[(row.id, row.stage)] = StageClocks(
            row.kind,
            row.officer_id,
            row.acknowledge_by,
            row.acknowledged_on,
            row.respond_by,
            row.responded_on,
        )
    return stages


def outstanding_on_open_cases(
    session: Session, as_of: date, next_sunday: date, references: dict[int, str]
) -> Stages:
    """Return the current stages of open cases with a target due by `next_sunday` (query 1)."""
    rows = session.execute(select(*_CLOCK_COLUMNS).where(_is_open(), Case.next_due <= next_sunday))
    return _current_stages(rows, as_of, references)


def never_done_on_cases_closed_since(
    session: Session, as_of: date, next_sunday: date, references: dict[int, str], *, look_back: bool
) -> Stages:
    """Return the current stages of cases closed since `as_of` with a target never done (query 3)."""
    never_done = or_(
        and_(Case.acknowledge_by <= next_sunday, Case.acknowledged_on.is_(None)),
        and_(Case.respond_by <= next_sunday, Case.responded_on.is_(None)),
    )
    rows = session.execute(
        select(*_CLOCK_COLUMNS).where(
            Case.received_on < as_of if look_back else Case.closed_on >= as_of,
            Case.closed_on >= as_of,
            never_done,
        )
    )
    return _current_stages(rows, as_of, references)


def done_since(session: Session, as_of: date, next_sunday: date, look: Lookups) -> Stages:
    """Return the stages begun before `as_of` with a target due by `next_sunday` done since (query 2).

    A case closed before `as_of` had nothing outstanding then, even if a stage of it records a target done
    later (data that came in from elsewhere), so it is left out.
    """
    stages: Stages = {}
    for row in session.execute(
        select(
            CaseStage.case_id,
            CaseStage.stage,
            CaseStage.policy_id,
            CaseStage.handler_id,
            CaseStage.acknowledge_by,
            CaseStage.acknowledged_on,
            CaseStage.respond_by,
            CaseStage.responded_on,
        )
        .join(Case, Case.id == CaseStage.case_id)
        .where(
            CaseStage.started_on < as_of,
            or_(
                and_(CaseStage.responded_on >= as_of, CaseStage.respond_by <= next_sunday),
                and_(CaseStage.acknowledged_on >= as_of, CaseStage.acknowledge_by <= next_sunday),
            ),
            or_(Case.closed_on.is_(None), Case.closed_on >= as_of),
        )
    ):
        stages[(row.case_id, row.stage)] = StageClocks(
            look.policy_kinds.get(row.policy_id, ""),
            row.handler_id,
            row.acknowledge_by,
            row.acknowledged_on,
            row.respond_by,
            row.responded_on,
        )
    return stages


def _drop_stages_begun_since(session: Session, stages: Stages, as_of: date) -> None:
    """Drop a later stage that began on or after `as_of`: it was not the stage current then."""
    later = sorted({case_id for case_id, stage_no in stages if stage_no > 1})
    for chunk in chunks(later):
        for case_id, stage_no in session.execute(
            select(CaseStage.case_id, CaseStage.stage).where(
                CaseStage.case_id.in_(chunk), CaseStage.stage > 1, CaseStage.started_on >= as_of
            )
        ):
            stages.pop((case_id, stage_no), None)


def missed_reasons(session: Session, wanted: set[tuple[int, int]]) -> dict[tuple[int, int], tuple[str, str]]:
    """Return the recorded missed-target reasons (acknowledge, respond) of the given (case id, stage)s."""
    reasons: dict[tuple[int, int], tuple[str, str]] = {}
    for chunk in chunks(sorted({case_id for case_id, _ in wanted})):
        for case_id, stage_no, ack_reason, resp_reason in session.execute(
            select(
                CaseStage.case_id,
                CaseStage.stage,
                CaseStage.acknowledge_missed_reason,
                CaseStage.respond_missed_reason,
            ).where(
                CaseStage.case_id.in_(chunk),
                or_(CaseStage.acknowledge_missed_reason != "", CaseStage.respond_missed_reason != ""),
            )
        ):
            if (case_id, stage_no) in wanted:
                reasons[(case_id, stage_no)] = (ack_reason or "", resp_reason or "")
    return reasons


def position(session: Session, as_of: date, next_monday: date, next_sunday: date, look: Lookups) -> Position:
    """Work out the position at the start of `as_of`: open cases, overdue targets, targets due next week."""
    look_back = looks_back(session, as_of)
    by_officer = open_by_officer(session, as_of, look, look_back=look_back)
    references: dict[int, str] = {}
    stages = outstanding_on_open_cases(session, as_of, next_sunday, references)
    stages.update(
        never_done_on_cases_closed_since(session, as_of, next_sunday, references, look_back=look_back)
    )
    _drop_stages_begun_since(session, stages, as_of)
    stages.update(done_since(session, as_of, next_sunday, look))

    # (case id, stage, target, kind, officer, due, working days overdue), made into items once the
    # references and reasons are known
    late: list[tuple[int, int, str, str, str, date, int]] = []
    due_by_kind: Counter[str] = Counter()
    due_by_officer: Counter[str] = Counter()
    for (case_id, stage_no), clocks in stages.items():
        for target, due, done in (
            ("acknowledge", clocks.acknowledge_by, clocks.acknowledged_on),
            ("respond", clocks.respond_by, clocks.responded_on),
        ):
            if due is None or (done is not None and done < as_of) or due > next_sunday:
                continue
            if due < as_of:
                days = max(1, look.kind_calendar(clocks.kind).working_days_between(due, as_of))
                late.append(
                    (case_id, stage_no, target, clocks.kind, look.officer(clocks.owner_id), due, days)
                )
            elif due >= next_monday:
                due_by_kind[clocks.kind] += 1
                due_by_officer[look.officer(clocks.owner_id)] += 1
    missing = sorted({item[0] for item in late if item[0] not in references})
    for chunk in chunks(missing):
        references.update(
            {
                row[0]: row[1]
                for row in session.execute(select(Case.id, Case.reference).where(Case.id.in_(chunk)))
            }
        )
    reasons = missed_reasons(session, {(item[0], item[1]) for item in late})
    labels = {kind: label_of(CaseKind, kind) for kind in {item[3] for item in late}}
    overdue = [
        TargetItem(
            case_id,
            references[case_id],
            kind,
            labels[kind],
            stage_no,
            target,
            officer,
            due,
            days,
            reasons.get((case_id, stage_no), ("", ""))[target == "respond"],
        )
        for case_id, stage_no, target, kind, officer, due, days in late
    ]
    overdue.sort(key=lambda i: (i.due, i.reference, i.target))
    overdue_by_officer: Counter[str] = Counter(
        officer for officer, _ in {(i.officer, i.case_id) for i in overdue}
    )
    return Position(
        open_count=sum(by_officer.values()),
        overdue=tuple(overdue),
        due_next_week=ordered_counts(due_by_kind, CaseKind, order=[k.value for k in CaseKind]),
        open_by_officer=+by_officer,
        overdue_by_officer=overdue_by_officer,
        due_by_officer=due_by_officer,
    )
