"""The target engine: due dates, extensions, pauses, met/missed and RAG state."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from send_desk.domain.calendar import WorkingCalendar, add_calendar_months
from send_desk.domain.errors import ValidationError
from send_desk.domain.kinds import Rag
from send_desk.domain.policy import ClockRule, TargetPolicy, amount_words, kind_plural


@dataclass(frozen=True, slots=True)
class Pause:
    """A stopped clock: working days in (start, end] do not count; `end` None means still stopped."""

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
    arrived; `manual_due` is the date from an Ombudsman letter.
    """

    started_on: date
    acknowledged_on: date | None = None
    extension: int | None = None
    pauses: tuple[Pause, ...] = ()
    clarified_on: date | None = None
    manual_due: date | None = None


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
    if policy.clarification_restarts and clock.clarified_on is not None and clock.clarified_on > start:
        start = clock.clarified_on
    assert policy.respond_amount is not None
    if rule is ClockRule.CALENDAR_MONTHS:
        due = calendar.next_working_day(add_calendar_months(start, policy.respond_amount))
        if not extension:
            return Deadlines(acknowledge_by, due, due, False)
        extended = calendar.next_working_day(add_calendar_months(start, policy.respond_amount + extension))
        return Deadlines(acknowledge_by, extended, due, False)
    if not (policy.pause_allowed and clock.pauses):
        due = calendar.add_working_days(start, policy.respond_amount)
        extended = calendar.add_working_days(due, extension) if extension else due
        return Deadlines(acknowledge_by, extended, due, False)
    due_or_none, paused = _paused_due(calendar, start, policy.respond_amount, clock.pauses)
    extended_or_none, _ = _paused_due(calendar, start, policy.respond_amount + extension, clock.pauses)
    return Deadlines(acknowledge_by, extended_or_none, due_or_none, paused)


def _paused_due(
    calendar: WorkingCalendar, start: date, amount: int, pauses: tuple[Pause, ...]
) -> tuple[date | None, bool]:
    """Return the `amount`th counted working day after `start`, skipping pauses, and whether one is open.

    The date is None when an open pause stopped the clock before the target was reached.
    """
    cursor = start
    remaining = amount
    for pause in sorted(pauses, key=lambda p: p.start):
        if pause.end is not None and pause.end <= cursor:
            continue
        stopped = max(pause.start, cursor)
        elapsed = calendar.working_days_between(cursor, stopped)
        if elapsed >= remaining:
            open_pause = any(p.end is None for p in pauses)
            return calendar.add_working_days(cursor, remaining), open_pause
        remaining -= elapsed
        if pause.end is None:
            return None, True
        cursor = pause.end
    return calendar.add_working_days(cursor, remaining), False


def rag(
    due: date | None,
    done_on: date | None,
    today: date,
    calendar: WorkingCalendar,
    due_soon_days: int = 2,
) -> Rag:
    """Return the state of a target on `today`: done, overdue, due soon or on track."""
    if done_on is not None:
        return Rag.DONE
    if due is None:
        return Rag.ON_TRACK
    if today > due:
        return Rag.OVERDUE
    if calendar.working_days_between(today, due) <= due_soon_days:
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
