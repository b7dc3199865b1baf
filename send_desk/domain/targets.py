"""The target engine: due dates, extensions, pauses, met/missed and RAG state."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from send_desk.domain.calendar import WorkingCalendar, add_calendar_months
from send_desk.domain.errors import ValidationError
from send_desk.domain.kinds import Rag
from send_desk.domain.policy import ClarificationRule, ClockRule, TargetPolicy, amount_words, kind_plural


@dataclass(frozen=True, slots=True)
class Pause:
    """A stopped clock: working days in [start, end], both inclusive, do not count; `end` None: still stopped.

    The convention of FOIA s10(2) for a fees notice: the day the notice is given and the day the fee is
    received are both disregarded.
    """

    start: date
    end: date | None = None
    reason: str = ""

    def __post_init__(self) -> None:
        """Reject a pause that ends before it starts."""
        if self.end is not None and self.end < self.start:
            raise ValidationError("A pause cannot end before it starts.", field="pauses")


@dataclass(frozen=True, slots=True)
class StageClock:
    """The facts of one stage that its due dates depend on.

    `started_on` is the received date (the escalation-request date at complaint stage 2);
    `extension` None means not extended; `clarified_on` is when clarification (or, for a SAR, ID)
    arrived, `clarification_requested_on` when it was asked for (`identity`: proof of identity);
    `manual_due` is the date from an Ombudsman letter; `extended_to` a SAR's extended due date.
    """

    started_on: date
    acknowledged_on: date | None = None
    extension: int | None = None
    pauses: tuple[Pause, ...] = ()
    clarified_on: date | None = None
    manual_due: date | None = None
    clarification_requested_on: date | None = None
    extended_to: date | None = None
    identity: bool = False


@dataclass(frozen=True, slots=True)
class Deadlines:
    """The computed targets of one stage; `respond_by` includes any extension."""

    acknowledge_by: date | None
    respond_by: date | None
    respond_by_unextended: date | None
    paused: bool = False


NO_DEADLINES = Deadlines(None, None, None, False)


def check_extension(policy: TargetPolicy, extension: int) -> None:
    """Raise ValidationError unless `extension` is allowed by `policy`."""
    if policy.extension_max is None:
        raise ValidationError(f"{kind_plural(policy.kind)} cannot be extended.", field="extension")
    if extension < 1:
        raise ValidationError(
            f"An extension must be at least {amount_words(1, policy.respond_rule)}.", field="extension"
        )
    if extension > policy.extension_max:
        raise ValidationError(
            f"An extension for {policy.noun} can be at most "
            f"{amount_words(policy.extension_max, policy.respond_rule)}.",
            field="extension",
        )


def compute_deadlines(policy: TargetPolicy, calendar: WorkingCalendar, clock: StageClock) -> Deadlines:
    """Return the acknowledgement and response dates for one stage under `policy`."""
    rule = policy.respond_rule
    extension = 0
    if clock.extension is not None:
        check_extension(policy, clock.extension)
        extension = clock.extension
    start = clock.started_on
    acknowledge_by = (
        None if policy.acknowledge_days is None else calendar.add_working_days(start, policy.acknowledge_days)
    )
    if rule is ClockRule.NONE:
        return Deadlines(acknowledge_by, None, None, False) if acknowledge_by else NO_DEADLINES
    if rule is ClockRule.MANUAL:
        return Deadlines(acknowledge_by, clock.manual_due, clock.manual_due, False)
    if policy.respond_from_acknowledgement:
        start = clock.acknowledged_on or acknowledge_by or start
    pauses, stopped = _stops(policy, clock)
    if policy.clarification_restarts and clock.clarified_on is not None and _restarts(policy, clock):
        start = max(start, clock.clarified_on)
    assert policy.respond_amount is not None
    if rule is ClockRule.CALENDAR_MONTHS:
        return _months_due(policy, calendar, clock, start, acknowledge_by, pauses, stopped)
    if not pauses:  # the everyday case (every log and import): one count, no stops to walk
        due = calendar.add_working_days(start, policy.respond_amount)
        extended = calendar.add_working_days(due, extension) if extension else due
        return Deadlines(acknowledge_by, extended, due, stopped)
    due = _paused_due(calendar, start, policy.respond_amount, pauses)
    extended = _paused_due(calendar, start, policy.respond_amount + extension, pauses) if extension else due
    return Deadlines(acknowledge_by, extended, due, stopped)


def _restarts(policy: TargetPolicy, clock: StageClock) -> bool:
    """Return whether the answer starts the period again (rule, proof of identity, or no recorded stop)."""
    unasked = clock.clarification_requested_on is None
    return policy.clarification_rule is ClarificationRule.RESTART or clock.identity or unasked


def _stops(policy: TargetPolicy, clock: StageClock) -> tuple[tuple[Pause, ...], bool]:
    """Return the ended stops that move the response date, and whether the clock is stopped now.

    A stopped clock keeps the date it had when it stopped; resuming moves it by the days stopped. A
    clarification answered under the "resume" rule stops it for the days after the request up to and
    including the answer.
    """
    pauses = clock.pauses if policy.pause_allowed else ()
    ended = tuple(p for p in pauses if p.end is not None)
    stopped = len(ended) < len(pauses)
    asked = clock.clarification_requested_on if policy.clarification_restarts else None
    if asked is not None:
        answered = clock.clarified_on if clock.clarified_on and clock.clarified_on >= asked else None
        if answered is None:
            stopped = True
        elif not _restarts(policy, clock) and answered > asked:
            ended = (*ended, Pause(asked + timedelta(days=1), answered))
    return ended, stopped


def _months_due(
    policy: TargetPolicy,
    calendar: WorkingCalendar,
    clock: StageClock,
    start: date,
    acknowledge_by: date | None,
    pauses: tuple[Pause, ...],
    stopped: bool,
) -> Deadlines:
    """Return a calendar-month clock's dates: stopped days move it by as many calendar days."""
    assert policy.respond_amount is not None
    unrolled = add_calendar_months(start, policy.respond_amount)
    due = calendar.next_working_day(unrolled)
    for pause in pauses:
        if pause.start <= due and pause.end is not None:
            due = calendar.next_working_day(due + timedelta(days=(pause.end - pause.start).days + 1))
    extended = due
    if clock.extended_to is not None:
        extended = clock.extended_to
    elif clock.extension:
        extended = calendar.next_working_day(
            add_calendar_months(start, policy.respond_amount + clock.extension)
        )
    return Deadlines(acknowledge_by, extended, due, stopped)


def _paused_due(calendar: WorkingCalendar, start: date, amount: int, pauses: tuple[Pause, ...]) -> date:
    """Return the `amount`th counted working day after `start`, skipping the ended pauses' days."""
    cursor = start
    remaining = amount
    for pause in sorted(pauses, key=lambda p: p.start):
        assert pause.end is not None
        if pause.end <= cursor:
            continue
        stopped = max(pause.start - timedelta(days=1), cursor)
        elapsed = calendar.working_days_between(cursor, stopped)
        if elapsed >= remaining:
            return calendar.add_working_days(cursor, remaining)
        remaining -= elapsed
        cursor = pause.end
    return calendar.add_working_days(cursor, remaining)


def disregarded_days(calendar: WorkingCalendar, start: date, end: date) -> int:
    """Return the working days in [start, end], both inclusive (the days a stopped clock does not count)."""
    return calendar.working_days_between(start - timedelta(days=1), end)


def due_soon_from(due: date | None, calendar: WorkingCalendar, due_soon_days: int) -> date | None:
    """Return the first day a target counts as "due soon": `due_soon_days` working days before `due`.

    Stored with the dates (on the case row) so that the dashboard counts stay one indexed query and every
    kind keeps the "due soon" window of the policy version its stage was recorded under.
    """
    if due is None:
        return None
    day = due
    for _ in range(due_soon_days):
        day -= timedelta(days=1)
        while not calendar.is_working_day(day):
            day -= timedelta(days=1)
    return min(day, due)


def rag(
    due: date | None, done_on: date | None, today: date, calendar: WorkingCalendar, due_soon_days: int = 2
) -> Rag:
    """Return the state of a target on `today` with a "due soon" window of `due_soon_days` working days."""
    return rag_at(due, done_on, today, due_soon_from(due, calendar, due_soon_days))


def rag_at(due: date | None, done_on: date | None, today: date, soon_from: date | None) -> Rag:
    """Return the state of a target on `today`: done, overdue, due soon (from `soon_from`) or on track.

    The one RAG rule: every view, list and count uses it (the counts through the stored `due_soon_from`).
    """
    if done_on is not None:
        return Rag.DONE
    if due is None:
        return Rag.ON_TRACK
    if today > due:
        return Rag.OVERDUE
    if soon_from is not None and today >= soon_from:
        return Rag.DUE_SOON
    return Rag.ON_TRACK


def met(due: date | None, done_on: date | None) -> bool | None:
    """Return whether a target was met (done on or before the due date); None if not done or no due date."""
    if due is None or done_on is None:
        return None
    return done_on <= due


def next_target(deadlines: Deadlines, acknowledged_on: date | None, responded_on: date | None) -> date | None:
    """Return the earliest outstanding target date (the stored `next_due`), or None if nothing is due."""
    if responded_on is not None:
        return None
    respond_by = deadlines.respond_by
    acknowledge_by = deadlines.acknowledge_by if acknowledged_on is None else None
    if acknowledge_by is None:
        return respond_by
    if respond_by is None:
        return acknowledge_by
    return min(acknowledge_by, respond_by)


def working_days_taken(calendar: WorkingCalendar, start: date, done: date) -> int:
    """Return the working days from `start` to `done`, counting `done` but not `start`."""
    return calendar.working_days_between(start, done)
