"""Small tables every report reads once (staff, categories, calendars) and chunked reads by id."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from send_desk.db.models import Category, Staff, TargetPolicyRow
from send_desk.domain.calendar import WorkingCalendar
from send_desk.services.policies import ClosureSets, load_closures, office_calendar, policy_from_row

UNASSIGNED = "Unassigned"
"""The officer of a case nobody is assigned to."""


@dataclass
class Lookups:
    """Small tables read once per report: staff names, categories, policy kinds and calendars."""

    staff: dict[int, str]
    categories: dict[int, str]
    calendars: dict[int, WorkingCalendar]
    policy_kinds: dict[int, str]
    kind_calendars: dict[str, WorkingCalendar]
    office: WorkingCalendar

    def officer(self, staff_id: int | None) -> str:
        """Return the name of a member of staff, or "Unassigned"."""
        return self.staff.get(staff_id or 0, UNASSIGNED)

    def calendar(self, policy_id: int) -> WorkingCalendar:
        """Return the calendar a policy version counts in."""
        return self.calendars.get(policy_id, self.office)

    def kind_calendar(self, kind: str) -> WorkingCalendar:
        """Return the calendar the current policy of a kind counts in."""
        return self.kind_calendars.get(kind, self.office)


def read_lookups(session: Session) -> Lookups:
    """Read the staff names, categories, policy kinds and calendars a report needs."""
    closures: ClosureSets = load_closures(session)
    calendars: dict[int, WorkingCalendar] = {}
    policy_kinds: dict[int, str] = {}
    kind_calendars: dict[str, WorkingCalendar] = {}
    for row in session.scalars(select(TargetPolicyRow).order_by(TargetPolicyRow.version)):
        calendars[row.id] = closures.calendar_for(policy_from_row(row))
        policy_kinds[row.id] = row.kind
        if row.current:
            kind_calendars[row.kind] = calendars[row.id]
    return Lookups(
        staff={row[0]: row[1] for row in session.execute(select(Staff.id, Staff.name))},
        categories={row[0]: row[1] for row in session.execute(select(Category.id, Category.name))},
        calendars=calendars,
        policy_kinds=policy_kinds,
        kind_calendars=kind_calendars,
        office=office_calendar(closures),
    )


def chunks(ids: Sequence[int], size: int = 900) -> list[Sequence[int]]:
    """Split ids into chunks small enough for one IN (...) list."""
    return [ids[i : i + size] for i in range(0, len(ids), size)]


def scalars_in(
    session: Session, make: Callable[[Sequence[int]], Select[Any]], ids: Sequence[int]
) -> list[Any]:
    """Run a query per chunk of ids (SQLite limits bound parameters) and join the results."""
    found: list[Any] = []
    for chunk in chunks(ids):
        found.extend(session.scalars(make(chunk)))
    return found


def by_stage(
    session: Session, columns: Sequence[Any], ids: Sequence[int]
) -> dict[int, list[tuple[Any, ...]]]:
    """Return the rows of `columns` (the first being a stage id) for the given stage ids, by stage."""
    grouped: dict[int, list[tuple[Any, ...]]] = defaultdict(list)
    for chunk in chunks(ids):
        for row in session.execute(select(*columns).where(columns[0].in_(chunk))).all():
            grouped[row[0]].append(tuple(row[1:]))
    return grouped
