"""A case's lifecycle: its state as a value and, for each action, whether it is allowed now and what it does.

The shape of cosmicpython's domain model: `CaseState` is a frozen value, each action is a short function
that checks the rules (raising `ValidationError` with the reason in plain words) and returns the new
state. Time and the working calendar come in as arguments. Services ask `refusal` before they change
anything and copy the new state's dates onto the stored case.

Recorded dates move only through their defining events (DOMAIN.md "Clock stops and recorded dates"):
logging computes the targets; the acknowledgement starts a response clock counted from it; an
extension, a pause and its resumption, and a clarification request and its answer move the response
date. Every other action (respond, close, reopen, assign...) leaves the recorded dates as they are, so
closure days or policies changed later never move them by themselves. A date computed now uses the
calendar in force now (the `calendar` argument).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, fields
from datetime import date, timedelta
from enum import StrEnum
from typing import Any, TypeVar, cast

from send_desk.domain.calendar import WorkingCalendar, add_calendar_months
from send_desk.domain.errors import ValidationError
from send_desk.domain.kinds import CaseKind, CaseStatus, ClosureCode, kind_facts
from send_desk.domain.policy import ClarificationRule, ClockRule, TargetPolicy, amount_words, kind_plural
from send_desk.domain.targets import Pause, check_extension, disregarded_days
from send_desk.domain.wording import uk_date

_Value = TypeVar("_Value")
_FIELDS: dict[type, frozenset[str]] = {}


def replace(value: _Value, /, **changes: Any) -> _Value:
    """Return a copy of a lifecycle value with `changes` made and checked (`dataclasses.replace`, cheaper).

    Every action copies a state or two and the demo builder takes each step of its sample cases through
    them, so this is on a hot path. A name that is not a field is refused, as `dataclasses.replace` does.
    """
    cls: Any = type(value)
    slots: tuple[str, ...] | None = cls.__dict__.get("__slots__")
    if slots is None:
        result: _Value = dataclasses.replace(cast(Any, value), **changes)
        return result
    names = _FIELDS.get(cls)
    if names is None:
        names = _FIELDS[cls] = frozenset(f.name for f in fields(cls))
    if not names.issuperset(changes):
        raise TypeError(f"{cls.__name__} has no field {', '.join(sorted(set(changes) - names))}")
    copy: _Value = object.__new__(cls)
    for name in slots:
        object.__setattr__(copy, name, changes[name] if name in changes else getattr(value, name))
    check = getattr(cls, "__post_init__", None)
    if check is not None:
        check(copy)  # the checks a value makes of itself (a pause cannot end before it starts) still hold
    return copy


class CaseAction(StrEnum):
    """An action on a logged case; the value is the command-line id (`send-desk case ACTION`)."""

    ACKNOWLEDGE = "acknowledge"
    ASSIGN = "assign"
    EXTEND = "extend"
    PAUSE = "pause"
    RESUME = "resume"
    CLARIFICATION_REQUESTED = "clarification-requested"
    CLARIFICATION_RECEIVED = "clarification-received"
    RESPOND = "respond"
    ESCALATE = "escalate"
    CLOSE = "close"
    REOPEN = "reopen"
    OMBUDSMAN_DEADLINE = "ombudsman-deadline"
    ACTION_DONE = "action-done"


IDENTITY = "identity"
"""`StageState.clarification_for` of a SAR waiting for proof of identity (its month starts on arrival)."""


@dataclass(frozen=True, slots=True)
class StageState:
    """One stage's clocks and the facts they depend on.

    `respond_by` is the recorded response date; while the clock is stopped it keeps the date it had when
    it stopped, and resuming moves it by the time stopped. `handlers` are the logins that ever held the
    stage; `responded_by` is the login that recorded the response.
    """

    stage: int
    policy: TargetPolicy
    started_on: date
    handler: str | None = None
    acknowledge_by: date | None = None
    acknowledged_on: date | None = None
    respond_by: date | None = None
    respond_by_unextended: date | None = None
    responded_on: date | None = None
    responded_by: str | None = None
    extended: bool = False
    extension_days: int = 0
    """The working days an extension added (working-day targets only)."""
    pauses: tuple[Pause, ...] = ()
    clarification_requested_on: date | None = None
    clarification_for: str = ""
    chase_on: date | None = None
    month_ends_on: date | None = None
    """Where a month-long clock ends before rolling to a working day, once a stop or proof of identity
    moved it; None means the month runs from its start unmoved (see `month_end`)."""
    clarified_on: date | None = None
    manual_due: date | None = None
    open_actions: int = 0
    handlers: frozenset[str] = frozenset()

    @property
    def paused(self) -> bool:
        """Return whether a pause (such as a fees notice) has stopped the clock."""
        return any(p.end is None for p in self.pauses)

    @property
    def waiting(self) -> bool:
        """Return whether the clock is stopped waiting for the requester (clarification or ID)."""
        requested = self.clarification_requested_on
        return requested is not None and (self.clarified_on is None or self.clarified_on < requested)

    @property
    def stopped(self) -> bool:
        """Return whether the response clock is stopped for any reason."""
        return self.paused or self.waiting


@dataclass(frozen=True, slots=True)
class CaseState:
    """A case as the lifecycle sees it: kind, status, received date and its stages (the last is current)."""

    kind: CaseKind
    status: CaseStatus
    received_on: date
    stages: tuple[StageState, ...]
    matter_on: date | None = None

    @property
    def current(self) -> StageState:
        """Return the current (last) stage."""
        return self.stages[-1]

    @property
    def is_open(self) -> bool:
        """Return whether the case is open."""
        return self.status is CaseStatus.OPEN

    def with_current(self, stage: StageState) -> CaseState:
        """Return the state with its current stage replaced."""
        return replace(self, stages=(*self.stages[:-1], stage))


# ----- logging ------------------------------------------------------------------------------------------
def start_stage(
    policy: TargetPolicy,
    calendar: WorkingCalendar,
    *,
    started_on: date,
    handler: str | None = None,
    manual_due: date | None = None,
    acknowledged_on: date | None = None,
    responded_on: date | None = None,
) -> StageState:
    """Return a new stage with its targets computed now (logging, escalation, importing history)."""
    acknowledge_by = (
        None
        if policy.acknowledge_days is None
        else calendar.add_working_days(started_on, policy.acknowledge_days)
    )
    stage = StageState(
        stage=policy.stage,
        policy=policy,
        started_on=started_on,
        handler=handler,
        acknowledge_by=acknowledge_by,
        manual_due=manual_due,
        handlers=frozenset({handler}) if handler else frozenset(),
    )
    due = _response_due(stage, calendar, acknowledged_on)
    stage = replace(stage, respond_by=due, respond_by_unextended=due, acknowledged_on=acknowledged_on)
    return replace(stage, responded_on=responded_on)


def _response_due(stage: StageState, calendar: WorkingCalendar, acknowledged_on: date | None) -> date | None:
    """Return the unextended response date counted from the stage's start (or its acknowledgement)."""
    policy = stage.policy
    if policy.respond_rule is ClockRule.NONE:
        return None
    if policy.respond_rule is ClockRule.MANUAL:
        return stage.manual_due
    start = stage.started_on
    if policy.respond_from_acknowledgement:
        start = acknowledged_on or stage.acknowledge_by or start
    return _count(policy, calendar, start)


def _count(policy: TargetPolicy, calendar: WorkingCalendar, start: date, extra: int = 0) -> date:
    assert policy.respond_amount is not None
    if policy.respond_rule is ClockRule.CALENDAR_MONTHS:
        return calendar.next_working_day(add_calendar_months(start, policy.respond_amount + extra))
    return calendar.add_working_days(start, policy.respond_amount + extra)


# ----- whether an action is allowed ---------------------------------------------------------------------
def refusal(state: CaseState, action: CaseAction) -> str | None:
    """Return why `action` is not allowed on the case now (plain words), or None when it is."""
    stage = state.current
    policy = stage.policy
    closed = "The case is closed. Reopen it first if more work is needed."
    noun = kind_facts(state.kind).noun
    match action:
        case CaseAction.ACKNOWLEDGE:
            if not state.is_open:
                return closed
            if stage.acknowledge_by is None:
                return f"{kind_plural(state.kind)} have no acknowledgement target."
            if stage.acknowledged_on is not None:
                return f"The acknowledgement was already recorded on {uk_date(stage.acknowledged_on)}."
            if stage.responded_on is not None:
                return "The response has already been sent; the acknowledgement stays missed."
        case CaseAction.ASSIGN:
            if not state.is_open:
                return closed
        case CaseAction.EXTEND:
            if not state.is_open:
                return closed
            if policy.extension_max is None:
                return f"{kind_plural(state.kind)} cannot be extended."
            if stage.responded_on is not None:
                return "The response has already been sent, so it cannot be extended."
            if stage.extended:
                return "This stage has already been extended once; a target can only be extended once."
            if stage.stopped:
                return "The clock is stopped. Restart it before extending the target."
        case CaseAction.PAUSE:
            if not state.is_open:
                return closed
            if not policy.pause_allowed:
                return f"The clock of {noun} cannot be paused."
            if stage.paused:
                return "The clock is already paused. Resume it first."
            if stage.waiting:
                return "The clock is already stopped, waiting for the requester."
            if stage.responded_on is not None:
                return "The response has already been sent, so the clock cannot be paused."
        case CaseAction.RESUME:
            if not stage.paused:
                return "The clock is not paused."
        case CaseAction.CLARIFICATION_REQUESTED:
            if not state.is_open:
                return closed
            if not policy.clarification_restarts:
                return f"Asking for clarification does not stop the clock of {noun}."
            if stage.stopped:
                return "The clock is already stopped. Record the answer or resume it first."
            if stage.responded_on is not None:
                return "The response has already been sent."
        case CaseAction.CLARIFICATION_RECEIVED:
            if not state.is_open:
                return closed
            if not policy.clarification_restarts:
                return f"Clarification does not restart the clock of {noun}."
            if stage.paused:
                return "The clock is paused. Resume it first."
            if stage.responded_on is not None:
                return "The response has already been sent."
        case CaseAction.RESPOND:
            if not state.is_open:
                return closed
            if policy.respond_rule is ClockRule.NONE and not kind_facts(state.kind).needs_outcome:
                return f"{kind_plural(state.kind)} need no response; close the case instead."
            if stage.responded_on is not None:
                return f"The response was already recorded on {uk_date(stage.responded_on)}."
            if stage.paused:
                return "The clock is paused. Resume it before recording the response."
            if stage.waiting:
                return "The case is waiting for the requester. Record their answer before the response."
        case CaseAction.ESCALATE:
            if kind_facts(state.kind).stages < 2:
                return f"Only complaints have a second stage; {noun} has one."
            if stage.stage != 1:
                return "This complaint is already at stage 2; the Code allows two stages only."
            if stage.responded_on is None:
                return "Record the stage 1 response before escalating to stage 2."
        case CaseAction.CLOSE:
            if not state.is_open:
                return "The case is already closed."
        case CaseAction.REOPEN:
            if state.is_open:
                return "The case is already open."
        case CaseAction.OMBUDSMAN_DEADLINE:
            if policy.respond_rule is not ClockRule.MANUAL:
                return "Only an Ombudsman enquiry takes its deadline from a letter."
            if not state.is_open:
                return closed
            if stage.responded_on is not None:
                return "The response has already been sent."
        case CaseAction.ACTION_DONE:
            if not any(s.open_actions for s in state.stages):
                return "There is no outstanding promised action."
    return None


def allowed_actions(state: CaseState) -> dict[CaseAction, str | None]:
    """Return every action with None when it is allowed now, or the reason it is not."""
    return {action: refusal(state, action) for action in CaseAction}


def relevant_actions(state: CaseState) -> frozenset[CaseAction]:
    """Return the actions this kind and its stage's policy ever allow (screens hide the others)."""
    stage = state.current
    policy = stage.policy
    facts = kind_facts(state.kind)
    never: set[CaseAction] = set()
    if not policy.clarification_restarts:
        never |= {CaseAction.CLARIFICATION_REQUESTED, CaseAction.CLARIFICATION_RECEIVED}
    if policy.respond_rule is not ClockRule.MANUAL:
        never.add(CaseAction.OMBUDSMAN_DEADLINE)
    if not policy.pause_allowed and not stage.paused:
        never |= {CaseAction.PAUSE, CaseAction.RESUME}
    if policy.acknowledge_days is None and stage.acknowledge_by is None:
        never.add(CaseAction.ACKNOWLEDGE)
    if policy.extension_max is None and not stage.extended:
        never.add(CaseAction.EXTEND)
    if facts.stages < 2:
        never.add(CaseAction.ESCALATE)
    if not any(s.open_actions for s in state.stages):
        never.add(CaseAction.ACTION_DONE)
    return frozenset(CaseAction) - never


def _require(state: CaseState, action: CaseAction) -> StageState:
    reason = refusal(state, action)
    if reason is not None:
        raise ValidationError(reason)
    return state.current


def check_date(value: date, what: str, *, today: date, not_before: date, field: str, since: str = "") -> None:
    """Refuse a date in the future or before `not_before` (when this stage began, unless `since` says)."""
    if value > today:
        raise ValidationError(f"The {what} date {uk_date(value)} is in the future.", field=field)
    if value < not_before:
        when = since or "when this stage began"
        raise ValidationError(
            f"The {what} date {uk_date(value)} is before {uk_date(not_before)}, {when}.", field=field
        )


# ----- the actions ---------------------------------------------------------------------------------------
def acknowledge(
    state: CaseState, *, on: date, today: date, calendar: WorkingCalendar, missed_reason: str = ""
) -> CaseState:
    """Record the acknowledgement; a response clock counted from it starts now (its defining event)."""
    stage = _require(state, CaseAction.ACKNOWLEDGE)
    check_date(on, "acknowledgement", today=today, not_before=stage.started_on, field="acknowledged_on")
    assert stage.acknowledge_by is not None
    if on > stage.acknowledge_by and not missed_reason.strip():
        raise ValidationError(
            f"The acknowledgement was due by {uk_date(stage.acknowledge_by)}, so it is late. "
            "Give a reason for the missed target.",
            field="missed_reason",
        )
    stage = replace(stage, acknowledged_on=on)
    if stage.policy.respond_from_acknowledgement and not stage.stopped:
        due = _response_due(stage, calendar, on)
        extended = due
        if stage.extension_days and due is not None:
            extended = calendar.add_working_days(due, stage.extension_days)
        stage = replace(stage, respond_by=extended, respond_by_unextended=due)
    return state.with_current(stage)


def assign(state: CaseState, *, handler: str) -> CaseState:
    """Give the current stage to `handler`; at stage 2 nobody who handled or answered stage 1 may take it."""
    stage = _require(state, CaseAction.ASSIGN)
    check_stage_two_handler(state, handler)
    return state.with_current(replace(stage, handler=handler, handlers=stage.handlers | {handler}))


def check_stage_two_handler(state: CaseState, handler: str, *, escalating: bool = False) -> None:
    """Refuse a stage 2 handler who held stage 1 at any time or recorded its response (Code 6.1)."""
    if not escalating and state.current.stage != 2:
        return
    first = state.stages[0]
    if handler in first.handlers or handler == first.responded_by:
        raise ValidationError(
            f"{handler} handled stage 1, so cannot handle stage 2. Choose someone else.",
            field="handler",
        )


def extend(
    state: CaseState,
    *,
    reason: str,
    today: date,
    calendar: WorkingCalendar,
    amount: int | None = None,
    to: date | None = None,
    told_on: date | None = None,
) -> tuple[CaseState, int]:
    """Extend the response target once; return the new state and the amount (working days or months).

    A SAR is extended `to` a date at most two calendar months after its original month, and only when
    the requester is told within the first month (which ends on the original due date).
    """
    stage = _require(state, CaseAction.EXTEND)
    policy = stage.policy
    if not reason.strip():
        raise ValidationError("Give the reason for the extension; it is told to the family.", field="reason")
    if told_on is not None:
        check_date(
            told_on, "date the family was told", today=today, not_before=stage.started_on, field="told_on"
        )
    due = stage.respond_by
    assert due is not None
    assert policy.extension_max is not None
    if policy.respond_rule is ClockRule.CALENDAR_MONTHS:
        return _extend_months(state, stage, to=to, amount=amount, told_on=told_on, calendar=calendar)
    if to is not None:
        amount = calendar.working_days_between(due, to)
    if amount is None:
        raise ValidationError("Say how long the extension is.", field="amount")
    if amount < 1:
        raise ValidationError(
            f"An extension must be at least {amount_words(1, policy.respond_rule)}.", field="amount"
        )
    check_extension(policy, amount)
    new_due = calendar.add_working_days(due, amount)
    return state.with_current(
        replace(stage, respond_by=new_due, extended=True, extension_days=amount)
    ), amount


def _extend_months(
    state: CaseState,
    stage: StageState,
    *,
    to: date | None,
    amount: int | None,
    told_on: date | None,
    calendar: WorkingCalendar,
) -> tuple[CaseState, int]:
    policy = stage.policy
    assert policy.extension_max is not None
    assert stage.respond_by_unextended is not None
    first_month_ends = stage.respond_by_unextended
    if told_on is None:
        raise ValidationError(
            "Give the date the requester was told of the extension; it must be within the first month.",
            field="told_on",
        )
    if told_on > first_month_ends:
        raise ValidationError(
            f"The requester must be told of an extension within the first month, which ended on "
            f"{uk_date(first_month_ends)}; they were told on {uk_date(told_on)}, so the request cannot be "
            "extended now.",
            field="told_on",
        )
    start = _month_start(stage)
    latest = calendar.next_working_day(
        add_calendar_months(start, (policy.respond_amount or 1) + policy.extension_max)
    )
    if to is None:
        if amount is None or amount < 1:
            raise ValidationError("Give the new due date of the extension.", field="to")
        check_extension(policy, amount)
        to = calendar.next_working_day(add_calendar_months(start, (policy.respond_amount or 1) + amount))
    if to <= stage.respond_by_unextended:
        raise ValidationError(
            f"The new due date must be after the original one, {uk_date(stage.respond_by_unextended)}.",
            field="to",
        )
    if to > latest:
        raise ValidationError(
            f"{kind_plural(state.kind)} can be extended by at most "
            f"{amount_words(policy.extension_max, ClockRule.CALENDAR_MONTHS)} after the first month: "
            f"{uk_date(latest)} at the latest.",
            field="to",
        )
    months = (
        1
        if to <= calendar.next_working_day(add_calendar_months(start, (policy.respond_amount or 1) + 1))
        else 2
    )
    return state.with_current(replace(stage, respond_by=to, extended=True)), months


def _month_start(stage: StageState) -> date:
    """Return the day a SAR's month counts from (receipt, or proof of identity when it was asked for)."""
    if stage.clarification_for == IDENTITY and stage.clarified_on is not None:
        return stage.clarified_on
    return stage.started_on


def month_end(stage: StageState) -> date:
    """Return the day a month-long clock ends before rolling to a working day.

    A clarification stop moves it by the days stopped (DUAA 2025 s76); the due date is rolled from it.
    """
    if stage.month_ends_on is not None:
        return stage.month_ends_on
    return add_calendar_months(_month_start(stage), stage.policy.respond_amount or 1)


def pause(state: CaseState, *, start: date, reason: str, today: date) -> CaseState:
    """Stop the clock (an FOI fees notice, for example); the recorded date moves when it resumes."""
    stage = _require(state, CaseAction.PAUSE)
    check_date(start, "pause", today=today, not_before=stage.started_on, field="start")
    if not reason.strip():
        raise ValidationError("Give the reason the clock is paused.", field="reason")
    return state.with_current(replace(stage, pauses=(*stage.pauses, Pause(start, None, reason.strip()))))


def resume(state: CaseState, *, end: date, today: date, calendar: WorkingCalendar) -> CaseState:
    """Restart a paused clock: the response date moves by the working days paused, counted now.

    The days from the pause's first day to `end`, both inclusive, are disregarded (FOIA s10(2): the day a
    fees notice is given to the day the fee is received).
    """
    stage = _require(state, CaseAction.RESUME)
    open_pause = next(p for p in reversed(stage.pauses) if p.end is None)
    check_date(
        end, "resume", today=today, not_before=open_pause.start, field="end", since="when the clock stopped"
    )
    pauses = tuple(replace(p, end=end) if p is open_pause else p for p in stage.pauses)
    stage = replace(stage, pauses=pauses)
    shift = disregarded_days(calendar, open_pause.start, end)
    return state.with_current(_shifted(stage, calendar, shift, open_pause.start))


def _shifted(stage: StageState, calendar: WorkingCalendar, shift: int, stopped_on: date) -> StageState:
    """Move the response dates by `shift` working days, if the clock stopped before they were reached."""
    if stage.respond_by is None or stopped_on > stage.respond_by or shift == 0:
        return stage
    unextended = stage.respond_by_unextended
    if unextended is not None and stopped_on <= unextended:
        unextended = calendar.add_working_days(unextended, shift)
    return replace(
        stage, respond_by=calendar.add_working_days(stage.respond_by, shift), respond_by_unextended=unextended
    )


def request_clarification(
    state: CaseState, *, on: date, today: date, chase_on: date | None = None, identity: bool = False
) -> CaseState:
    """Stop the clock while the requester is asked to clarify (or, for a SAR, to prove their identity)."""
    stage = _require(state, CaseAction.CLARIFICATION_REQUESTED)
    check_date(on, "clarification request", today=today, not_before=stage.started_on, field="on")
    if chase_on is not None and chase_on < on:
        raise ValidationError("The chase-up date cannot be before the request.", field="chase_on")
    if identity and stage.policy.respond_rule is not ClockRule.CALENDAR_MONTHS:
        raise ValidationError("Only a subject access request waits for proof of identity.", field="identity")
    return state.with_current(
        replace(
            stage,
            clarification_requested_on=on,
            clarified_on=None,
            chase_on=chase_on,
            clarification_for=IDENTITY if identity else "clarification",
        )
    )


def receive_clarification(state: CaseState, *, on: date, today: date, calendar: WorkingCalendar) -> CaseState:
    """Record the requester's answer: the clock restarts from it or resumes where it stopped (policy rule)."""
    stage = _require(state, CaseAction.CLARIFICATION_RECEIVED)
    requested = stage.clarification_requested_on if stage.waiting else None
    since = "when clarification was asked for" if requested else ""
    check_date(
        on,
        "clarification",
        today=today,
        not_before=requested or stage.started_on,
        field="clarified_on",
        since=since,
    )
    stage = replace(stage, clarified_on=on)
    policy = stage.policy
    restart = (
        policy.clarification_rule is ClarificationRule.RESTART
        or stage.clarification_for == IDENTITY
        or not requested
    )
    if policy.respond_rule not in (ClockRule.WORKING_DAYS, ClockRule.CALENDAR_MONTHS):
        return state.with_current(stage)
    if restart:
        due = _count(policy, calendar, on)
        if policy.respond_rule is ClockRule.CALENDAR_MONTHS:
            stage = replace(stage, month_ends_on=add_calendar_months(on, policy.respond_amount or 1))
        extended = due
        if stage.extended and stage.respond_by and stage.respond_by_unextended:
            if policy.respond_rule is ClockRule.WORKING_DAYS:
                extended = calendar.add_working_days(due, stage.extension_days)
            else:
                extended = max(due, stage.respond_by)  # a SAR extended to a date keeps that date
        return state.with_current(replace(stage, respond_by=extended, respond_by_unextended=due))
    assert requested is not None
    if policy.respond_rule is ClockRule.CALENDAR_MONTHS:
        days = (on - requested).days
        assert stage.respond_by is not None
        if requested > stage.respond_by:
            return state.with_current(stage)
        ends = month_end(stage) + timedelta(days=days)
        unextended = calendar.next_working_day(ends)
        due = (
            calendar.next_working_day(stage.respond_by + timedelta(days=days))
            if stage.extended
            else unextended
        )
        return state.with_current(
            replace(stage, month_ends_on=ends, respond_by=due, respond_by_unextended=unextended)
        )
    return state.with_current(
        _shifted(stage, calendar, calendar.working_days_between(requested, on), requested)
    )


def respond(
    state: CaseState,
    *,
    on: date,
    today: date,
    by: str | None = None,
    outcome: str | None = None,
    missed_reason: str = "",
) -> CaseState:
    """Record the response; the recorded dates stay (a missing acknowledgement stays missed)."""
    stage = _require(state, CaseAction.RESPOND)
    check_date(on, "response", today=today, not_before=stage.started_on, field="responded_on")
    if stage.acknowledged_on is not None and on < stage.acknowledged_on:
        raise ValidationError(
            f"The response cannot be before the acknowledgement ({uk_date(stage.acknowledged_on)}).",
            field="responded_on",
        )
    if kind_facts(state.kind).needs_outcome and outcome is None:
        raise ValidationError(
            "Choose the outcome of the complaint: upheld, partly upheld or not upheld.", field="outcome"
        )
    if stage.respond_by is not None and on > stage.respond_by and not missed_reason.strip():
        raise ValidationError(
            f"The response was due by {uk_date(stage.respond_by)}, so it is late. "
            "Give a reason for the missed target.",
            field="missed_reason",
        )
    return state.with_current(replace(stage, responded_on=on, responded_by=by))


def escalate(
    state: CaseState,
    *,
    requested_on: date,
    handler: str,
    today: date,
    policy: TargetPolicy,
    calendar: WorkingCalendar,
    late_reason: str = "",
) -> CaseState:
    """Open stage 2; a request more than the policy's window after the stage 1 response needs a reason."""
    first = _require(state, CaseAction.ESCALATE)
    assert first.responded_on is not None
    check_date(
        requested_on,
        "escalation request",
        today=today,
        not_before=first.responded_on,
        field="requested_on",
        since="when stage 1 was answered",
    )
    check_stage_two_handler(state, handler, escalating=True)
    if escalation_late(first, requested_on, calendar) and not late_reason.strip():
        window = amount_words(first.policy.escalation_days, ClockRule.WORKING_DAYS)
        raise ValidationError(
            f"The escalation was asked for more than {window} "
            f"after the stage 1 response ({uk_date(first.responded_on)}). "
            "Give the reason it is accepted late.",
            field="late_reason",
        )
    stage = start_stage(policy, calendar, started_on=requested_on, handler=handler)
    return replace(state, status=CaseStatus.OPEN, stages=(*state.stages, stage))


def escalation_late(first: StageState, requested_on: date, calendar: WorkingCalendar) -> bool:
    """Return whether an escalation request came after the policy's window from the stage 1 response."""
    if first.responded_on is None:
        return False
    return calendar.working_days_between(first.responded_on, requested_on) > first.policy.escalation_days


def matter_too_old(received_on: date, matter_on: date | None) -> bool:
    """Return whether a complaint is about a matter more than 12 months before it was received (Code 3.3)."""
    return matter_on is not None and add_calendar_months(matter_on, 12) < received_on


def close(state: CaseState, *, code: ClosureCode, on: date, today: date, reason: str = "") -> CaseState:
    """Close the case with a closure code; the recorded dates stay."""
    stage = _require(state, CaseAction.CLOSE)
    facts = kind_facts(state.kind)
    if code is ClosureCode.RESPONDED and stage.responded_on is None and facts.needs_response:
        raise ValidationError(
            "Record the response before closing the case as responded, or choose another closure reason.",
            field="code",
        )
    if code in (ClosureCode.NOT_ACCEPTED, ClosureCode.OUT_OF_JURISDICTION) and not reason.strip():
        raise ValidationError("Give the reason the case was not accepted.", field="reason")
    check_date(
        on,
        "closure",
        today=today,
        not_before=state.received_on,
        field="closed_on",
        since="when the case was received",
    )
    return replace(state, status=CaseStatus.CLOSED)


def reopen(state: CaseState, *, reason: str) -> CaseState:
    """Reopen a closed case; the recorded dates stay and outstanding clocks run again."""
    _require(state, CaseAction.REOPEN)
    if not reason.strip():
        raise ValidationError("Give the reason the case is reopened.", field="reason")
    return replace(state, status=CaseStatus.OPEN)


LOGGED_IN_ERROR_WAY = "Close it as logged in error and log a new case, linked to this one."
"""What to do instead once a case's kind can no longer change."""


def kind_change_refusal(state: CaseState, kind: CaseKind) -> str | None:
    """Return why the case's kind cannot become `kind` now (plain words), or None when it can.

    The kind decides the targets, so it changes only before anything was done against them: no
    acknowledgement, no response, no extension, no stopped clock. After that the record stays as it was
    and the way on is `LOGGED_IN_ERROR_WAY`.
    """
    first = state.stages[0]
    facts = kind_facts(kind)
    if kind is state.kind:
        return f"The case is already {facts.noun}."
    if not state.is_open:
        return "The case is closed. Reopen it first if its kind is wrong."
    if first.acknowledged_on is not None:
        return (
            f"The case was acknowledged on {uk_date(first.acknowledged_on)}, so its kind can no longer "
            f"change. {LOGGED_IN_ERROR_WAY}"
        )
    responded = next((s.responded_on for s in state.stages if s.responded_on is not None), None)
    if responded is not None or len(state.stages) > 1:
        when = f" on {uk_date(responded)}" if responded else ""
        return f"The response was sent{when}, so the kind can no longer change. {LOGGED_IN_ERROR_WAY}"
    if first.extended or first.pauses or first.clarification_requested_on is not None:
        return (
            "The target has been extended or its clock stopped, so the kind can no longer change. "
            f"{LOGGED_IN_ERROR_WAY}"
        )
    if facts.manual_deadline:
        return f"{facts.plural} take their deadline from a letter. {LOGGED_IN_ERROR_WAY}"
    return None


def change_kind(
    state: CaseState, *, kind: CaseKind, policy: TargetPolicy, calendar: WorkingCalendar
) -> CaseState:
    """Return the case as `kind` with its first stage's targets counted again under `policy` (stage 1)."""
    reason = kind_change_refusal(state, kind)
    if reason is not None:
        raise ValidationError(reason, field="kind")
    first = state.stages[0]
    stage = start_stage(policy, calendar, started_on=first.started_on, handler=first.handler)
    stage = replace(stage, handlers=first.handlers | stage.handlers)
    return replace(state, kind=kind, stages=(stage,))


def set_ombudsman_deadline(state: CaseState, *, due: date) -> CaseState:
    """Record the deadline in the Ombudsman's letter (the defining event of that date)."""
    stage = _require(state, CaseAction.OMBUDSMAN_DEADLINE)
    if due < stage.started_on:
        raise ValidationError("The deadline cannot be before the letter was received.", field="due")
    return state.with_current(replace(stage, manual_due=due, respond_by=due, respond_by_unextended=due))


def action_done(state: CaseState, *, on: date, today: date) -> CaseState:
    """Mark a promised action done."""
    stage = _require(state, CaseAction.ACTION_DONE)
    check_date(on, "action", today=today, not_before=stage.started_on, field="done_on")
    return state


def next_due(state: CaseState) -> date | None:
    """Return the earliest outstanding target of the current stage (None when closed or stopped)."""
    stage = state.current
    if not state.is_open or stage.responded_on is not None:
        return None
    acknowledge_by = stage.acknowledge_by if stage.acknowledged_on is None else None
    respond_by = None if response_stopped(stage) else stage.respond_by
    dates = [d for d in (acknowledge_by, respond_by) if d is not None]
    return min(dates) if dates else None


def response_stopped(stage: StageState) -> bool:
    """Return whether the response clock is stopped before its date was reached (nothing is due meanwhile)."""
    if not stage.stopped or stage.responded_on is not None:
        return False
    return stage.respond_by is None or _stopped_on(stage) <= stage.respond_by


def _stopped_on(stage: StageState) -> date:
    """Return the first day the clock does not count (a pause's first day, the day after a request)."""
    if stage.paused:
        return next(p.start for p in reversed(stage.pauses) if p.end is None)
    assert stage.clarification_requested_on is not None
    return stage.clarification_requested_on + timedelta(days=1)
