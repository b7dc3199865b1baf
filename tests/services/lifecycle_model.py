"""The stateful lifecycle test's own model of cases: what was done, when, and the closures in force then.

Deliberately independent of the code under test: the targets are written out again from DOMAIN.md (not
read from `DEFAULT_POLICIES`), and every due date is worked out at the moment of the event that defines it
with the calendar primitives only (`WorkingCalendar.add_working_days`, `working_days_between`,
`add_calendar_months`), never with `send_desk.domain.targets` or a service. A date, once worked out, is
kept; only the events DOMAIN.md names ("Clock stops and recorded dates") work a date out again.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from datetime import date, timedelta

from send_desk.domain.calendar import CalendarKind, WorkingCalendar, add_calendar_months

EW = CalendarKind.ENGLAND_WALES
ALL_UK = CalendarKind.ALL_UK


@dataclass(frozen=True)
class PolicyModel:
    """The numbers of one target policy, as the model understands them."""

    acknowledge_days: int | None
    respond_amount: int
    months: bool  # the response clock counts calendar months (a SAR), else working days
    from_acknowledgement: bool
    extension_max: int | None
    calendar: CalendarKind
    counts_closures: bool
    pause_allowed: bool
    clarification: bool  # the policy has a clarification clock stop (FOI/EIR restart, SAR resume)
    due_soon_days: int = 2

    def working_calendar(self, closures: frozenset[date]) -> WorkingCalendar:
        """Return the calendar the policy counts on with the given closure days."""
        return WorkingCalendar(self.calendar, closures if self.counts_closures else frozenset())


INITIAL_POLICIES: dict[tuple[str, int], PolicyModel] = {
    # DOMAIN.md, "Case kinds and default targets"
    ("complaint", 1): PolicyModel(5, 10, False, True, 10, EW, True, False, False),
    ("complaint", 2): PolicyModel(5, 20, False, True, 20, EW, True, False, False),
    ("enquiry", 1): PolicyModel(None, 10, False, False, 10, EW, True, False, False),
    ("mp-enquiry", 1): PolicyModel(2, 10, False, False, None, EW, True, False, False),
    ("foi", 1): PolicyModel(None, 20, False, False, 20, ALL_UK, False, True, True),
    ("sar", 1): PolicyModel(None, 1, True, False, 2, EW, False, False, True),
}


@dataclass
class StageModel:
    """One stage: its facts, and the due dates the model worked out when each was defined."""

    number: int
    policy: PolicyModel
    started_on: date
    handlers: set[str]
    acknowledge_by: date | None
    respond_by: date | None
    respond_by_unextended: date | None
    acknowledged_on: date | None = None
    responded_on: date | None = None
    extension: int | None = None
    paused_since: date | None = None
    waiting_since: date | None = None  # clarification requested, not yet received
    stops: int = 0  # pauses and clarification episodes, ended or not
    floor: date = date.min  # the earliest date the next dated action on this stage may carry
    # when stopped the service may blank the due date or keep it: these are the dates before the stop
    stop_respond_by: date | None = None
    stop_respond_by_unextended: date | None = None
    unrolled_due: date | None = None  # a SAR's month end before rolling to a working day
    computed_with: frozenset[date] = frozenset()  # the closures in force when the dates were last worked out

    @property
    def stopped(self) -> bool:
        """Tell whether the clock is stopped (paused, or waiting for the requester)."""
        return self.paused_since is not None or self.waiting_since is not None

    @property
    def stopped_on(self) -> date | None:
        """Return the first day a stopped clock does not count (a pause's start, the day after a request)."""
        if self.paused_since is not None:
            return self.paused_since
        return None if self.waiting_since is None else self.waiting_since + timedelta(days=1)

    def dates(self) -> dict[str, date | None]:
        """Return the stored due dates the model expects."""
        return {
            "acknowledge_by": self.acknowledge_by,
            "respond_by": self.respond_by,
            "respond_by_unextended": self.respond_by_unextended,
        }


@dataclass
class CaseModel:
    """One case as the model knows it."""

    id: int
    kind: str
    received_on: date
    version: int
    stages: list[StageModel] = field(default_factory=list)
    closed_on: date | None = None
    history: list[str] = field(default_factory=list)

    @property
    def current(self) -> StageModel:
        """Return the stage the case is at."""
        return self.stages[-1]

    @property
    def closed(self) -> bool:
        """Tell whether the case is closed."""
        return self.closed_on is not None

    def event_dates(self) -> set[date]:
        """Return every date an event of this case carries (for the weeks the case touches)."""
        found = {self.received_on}
        for stage in self.stages:
            found.add(stage.started_on)
            for day in (stage.acknowledged_on, stage.responded_on):
                if day is not None:
                    found.add(day)
        return found


def new_stage(
    number: int, policy: PolicyModel, started_on: date, handler: str | None, closures: frozenset[date]
) -> StageModel:
    """Return a stage begun on `started_on`, with its dates worked out with the closures in force now."""
    calendar = policy.working_calendar(closures)
    acknowledge_by = (
        None
        if policy.acknowledge_days is None
        else calendar.add_working_days(started_on, policy.acknowledge_days)
    )
    unrolled = None
    if policy.months:
        unrolled = add_calendar_months(started_on, policy.respond_amount)
        due = calendar.next_working_day(unrolled)
    else:
        # DOMAIN.md: before the acknowledgement is sent the response clock runs from the acknowledge-by date
        base = acknowledge_by if policy.from_acknowledgement and acknowledge_by is not None else started_on
        due = calendar.add_working_days(base, policy.respond_amount)
    return StageModel(
        number=number,
        policy=policy,
        started_on=started_on,
        handlers={handler} if handler else set(),
        acknowledge_by=acknowledge_by,
        respond_by=due,
        respond_by_unextended=due,
        floor=started_on,
        unrolled_due=unrolled,
        computed_with=closures,
    )


def extended(stage: StageModel, unextended: date, closures: frozenset[date]) -> date:
    """Return the extended due date for an unextended one (working days; months are done at the extension)."""
    if not stage.extension:
        return unextended
    assert not stage.policy.months
    return stage.policy.working_calendar(closures).add_working_days(unextended, stage.extension)


def acknowledge(stage: StageModel, on: date, closures: frozenset[date]) -> None:
    """Record the acknowledgement; it starts the response clock of a complaint (closures in force now)."""
    stage.acknowledged_on = on
    stage.floor = max(stage.floor, on)
    if stage.policy.from_acknowledgement:
        calendar = stage.policy.working_calendar(closures)
        stage.respond_by_unextended = calendar.add_working_days(on, stage.policy.respond_amount)
        stage.respond_by = extended(stage, stage.respond_by_unextended, closures)
        stage.computed_with = closures


def extend(stage: StageModel, amount: int, closures: frozenset[date]) -> None:
    """Extend the response target once by `amount` (working days, or calendar months for a SAR)."""
    stage.extension = amount
    stage.computed_with = closures
    if stage.policy.months:
        calendar = stage.policy.working_calendar(closures)
        stage.respond_by = calendar.next_working_day(
            add_calendar_months(stage.started_on, stage.policy.respond_amount + amount)
        )
    else:
        assert stage.respond_by_unextended is not None
        stage.respond_by = extended(stage, stage.respond_by_unextended, closures)


def stop(stage: StageModel) -> None:
    """Remember the due dates as they were when the clock stopped."""
    stage.stop_respond_by = stage.respond_by
    stage.stop_respond_by_unextended = stage.respond_by_unextended
    stage.stops += 1


def pause(stage: StageModel, on: date) -> None:
    """Stop the clock (a fees notice given on `on`)."""
    stop(stage)
    stage.paused_since = on
    stage.floor = max(stage.floor, on)


def resume(stage: StageModel, on: date, closures: frozenset[date]) -> None:
    """Restart the clock: the due dates move by the working days paused, counted with today's closures.

    FOIA s10(2): the working days from the notice to the fee, both inclusive, are disregarded.
    """
    assert stage.paused_since is not None
    calendar = stage.policy.working_calendar(closures)
    paused = calendar.working_days_between(stage.paused_since - timedelta(days=1), on)
    for name in ("respond_by_unextended", "respond_by"):
        due = getattr(stage, name)
        if due is not None and stage.paused_since <= due:
            setattr(stage, name, calendar.add_working_days(due, paused))
    stage.paused_since = None
    stage.computed_with = closures
    stage.floor = max(stage.floor, on + timedelta(days=1))


def request_clarification(stage: StageModel, on: date) -> None:
    """Stop the clock while the service waits for the requester."""
    stop(stage)
    stage.waiting_since = on
    stage.floor = max(stage.floor, on)


def receive_clarification(stage: StageModel, on: date, closures: frozenset[date]) -> None:
    """Restart (FOI/EIR: 20 working days from `on`, any extension on top) or resume (SAR) the clock."""
    assert stage.waiting_since is not None
    calendar = stage.policy.working_calendar(closures)
    if stage.policy.months:
        # the month stood still from the request to the answer: its end moves by those days, then rolls
        assert stage.unrolled_due is not None
        assert stage.extension is None
        stage.unrolled_due += on - stage.waiting_since
        stage.respond_by = stage.respond_by_unextended = calendar.next_working_day(stage.unrolled_due)
    else:
        stage.respond_by_unextended = calendar.add_working_days(on, stage.policy.respond_amount)
        stage.respond_by = extended(stage, stage.respond_by_unextended, closures)
    stage.waiting_since = None
    stage.floor = max(stage.floor, on)
    stage.computed_with = closures


def with_change(policy: PolicyModel, name: str, value: object) -> PolicyModel:
    """Return the policy with one field changed."""
    return dataclasses.replace(policy, **{name: value})
