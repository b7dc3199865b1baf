"""The EHC process's statutory dates (SEND Regulations 2014), in calendar weeks and days.

A case about the EHC process records which step the family is asking about and the day it began. From
these the rules below give the legal dates, with the regulation beside each. There is no working-day
rule and no holiday relief: the only relief is an exception the regulations name for that time limit,
which an officer records with its reason. Pure Python: today comes in as an argument.

Each date is *met* (done on or before it), *due* (not done, not passed), *N weeks late* (done after it,
or still not done after it) or *exception recorded*. The representations period on a draft plan is a
window for the family, not a duty on the council: it is *open* or *closed*, never late.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from send_desk.domain.errors import ValidationError
from send_desk.domain.wording import long_date, uk_date


class EhcStep(StrEnum):
    """The step of the EHC process an enquiry or complaint is about (the command line's STEP)."""

    ASSESSMENT_REQUEST = "assessment-request"
    DRAFT_SERVED = "draft-served"
    REASSESSMENT = "reassessment"
    ANNUAL_REVIEW = "annual-review"
    PHASE_TRANSFER = "phase-transfer"


class EhcDateName(StrEnum):
    """A statutory date's name (the JSON key, export column and merge field)."""

    DECIDE_ASSESSMENT_BY = "decide_assessment_by"
    DECIDE_NOT_TO_ISSUE_BY = "decide_not_to_issue_by"
    FINAL_PLAN_BY = "final_plan_by"
    REPRESENTATIONS_UNTIL = "representations_until"
    AMENDED_PLAN_BY = "amended_plan_by"
    REVIEW_DECISION_BY = "review_decision_by"
    TRANSFER_PLAN_BY = "transfer_plan_by"


class EhcException(StrEnum):
    """A circumstance the regulations name that relieves the council of a time limit."""

    SCHOOL_HOLIDAY = "school-holiday"
    PERSONAL_CIRCUMSTANCES = "personal-circumstances"
    ABSENT_FROM_AREA = "absent-from-area"
    MISSED_APPOINTMENT = "missed-appointment"


EXCEPTION_LABELS: dict[EhcException, str] = {
    EhcException.SCHOOL_HOLIDAY: "Advice asked for in the week before a school holiday of 4 weeks or more",
    EhcException.PERSONAL_CIRCUMSTANCES: "Exceptional personal circumstances of the child or family",
    EhcException.ABSENT_FROM_AREA: "Child or family away from the area for 4 weeks or more",
    EhcException.MISSED_APPOINTMENT: "An appointment for an examination or test was missed",
}
"""How each exception reads in full (print-outs, tooltips, the list to choose from)."""

EXCEPTION_SHORT: dict[EhcException, str] = {
    EhcException.SCHOOL_HOLIDAY: "School holiday",
    EhcException.PERSONAL_CIRCUMSTANCES: "Personal circumstances",
    EhcException.ABSENT_FROM_AREA: "Away from the area",
    EhcException.MISSED_APPOINTMENT: "Missed appointment",
}
"""Each exception in a few words (a table cell)."""

_HOLIDAY_ETC = (
    EhcException.SCHOOL_HOLIDAY,
    EhcException.PERSONAL_CIRCUMSTANCES,
    EhcException.ABSENT_FROM_AREA,
)
_WITH_APPOINTMENT = (*_HOLIDAY_ETC, EhcException.MISSED_APPOINTMENT)


class DateState(StrEnum):
    """Where one statutory date stands against today or the day it was done."""

    MET = "met"
    DUE = "due"
    LATE = "late"
    EXCEPTION = "exception"
    OPEN = "open"
    CLOSED = "closed"


@dataclass(frozen=True)
class DateRule:
    """One statutory date of a step: its name, words, regulation and the exceptions that relieve it."""

    name: EhcDateName
    label: str
    regulation: str
    exceptions: tuple[EhcException, ...] = ()
    exception_regulation: str = ""
    window: bool = False
    """A period for the family (representations), shown as open or closed, never late."""


@dataclass(frozen=True)
class StepFacts:
    """What a step is called, what its start date means, and its statutory dates in order."""

    label: str
    started_label: str
    rules: tuple[DateRule, ...]


_DECIDE_ASSESSMENT = DateRule(
    EhcDateName.DECIDE_ASSESSMENT_BY,
    "Decide whether to assess",
    "reg 5(1): 6 weeks from the request",
    _HOLIDAY_ETC,
    "reg 5(4)",
)
_DECIDE_NOT_TO_ISSUE = DateRule(
    EhcDateName.DECIDE_NOT_TO_ISSUE_BY,
    "Decide not to issue a plan",
    "reg 10(1): 16 weeks from the request",
    _WITH_APPOINTMENT,
    "reg 10(4)",
)
_FINAL_PLAN = DateRule(
    EhcDateName.FINAL_PLAN_BY,
    "Final plan issued",
    "reg 13(2): 20 weeks from the request",
    _WITH_APPOINTMENT,
    "reg 13(3)",
)
_REPRESENTATIONS = DateRule(
    EhcDateName.REPRESENTATIONS_UNTIL,
    "Family's comments on the draft",
    "reg 13(1): at least 15 days, the day of service being day 1",
    window=True,
)
_REASSESSED_PLAN = DateRule(
    EhcDateName.AMENDED_PLAN_BY,
    "Amended or replacement plan issued",
    "reg 27(2): 14 weeks from the decision to re-assess",
    _WITH_APPOINTMENT,
    "reg 27(3)",
)
_REVIEW_DECISION = DateRule(
    EhcDateName.REVIEW_DECISION_BY,
    "Review decision notified",
    "reg 20(10): 4 weeks from the review meeting",
)
_REVIEWED_PLAN = DateRule(
    EhcDateName.AMENDED_PLAN_BY,
    "Final amended plan issued",
    "regs 20(10), 22(5): 12 weeks from the meeting, or 8 weeks from the amendment notice if sooner",
)
_TRANSFER_PLAN = DateRule(
    EhcDateName.TRANSFER_PLAN_BY,
    "Amended plan for the transfer",
    "reg 18(1): 15 February of the transfer year (31 March for a move into post-16 education)",
)

STEPS: dict[EhcStep, StepFacts] = {
    EhcStep.ASSESSMENT_REQUEST: StepFacts(
        "Request for an EHC needs assessment",
        "Request received",
        (_DECIDE_ASSESSMENT, _DECIDE_NOT_TO_ISSUE, _FINAL_PLAN),
    ),
    EhcStep.DRAFT_SERVED: StepFacts("Draft plan served", "Draft served", (_REPRESENTATIONS,)),
    EhcStep.REASSESSMENT: StepFacts("Re-assessment", "Decision to re-assess", (_REASSESSED_PLAN,)),
    EhcStep.ANNUAL_REVIEW: StepFacts(
        "Annual review", "Review meeting held", (_REVIEW_DECISION, _REVIEWED_PLAN)
    ),
    EhcStep.PHASE_TRANSFER: StepFacts("Phase transfer", "Moves on", (_TRANSFER_PLAN,)),
}
"""Every step with its statutory dates (one table of facts per step)."""

DATE_LABELS: dict[EhcDateName, str] = {
    EhcDateName.DECIDE_ASSESSMENT_BY: "Decide whether to assess by",
    EhcDateName.DECIDE_NOT_TO_ISSUE_BY: "Decide not to issue a plan by",
    EhcDateName.FINAL_PLAN_BY: "Final plan by",
    EhcDateName.REPRESENTATIONS_UNTIL: "Comments on the draft until",
    EhcDateName.AMENDED_PLAN_BY: "Amended plan by",
    EhcDateName.REVIEW_DECISION_BY: "Review decision by",
    EhcDateName.TRANSFER_PLAN_BY: "Transfer plan by",
}
"""Each date name as a column header or a line of text ("Final plan by 19/06/2026")."""


def step_label(step: EhcStep | str | None) -> str:
    """Return a step's words ("" for none; an unknown id as it is)."""
    if not step:
        return ""
    try:
        return STEPS[EhcStep(step)].label
    except ValueError:
        return str(step)


def parse_step(text: str) -> EhcStep:
    """Return the step a command-line id names, or say in plain words which ids there are."""
    try:
        return EhcStep(text.strip().lower())
    except ValueError:
        raise ValidationError(
            f"'{text}' is not an EHC step. Use one of: {', '.join(s.value for s in EhcStep)}.", field="step"
        ) from None


def parse_exception(text: str) -> EhcException:
    """Return the exception a command-line id names, or say which ids there are."""
    try:
        return EhcException(text.strip().lower())
    except ValueError:
        raise ValidationError(
            f"'{text}' is not an exception. Use one of: {', '.join(e.value for e in EhcException)}.",
            field="exception",
        ) from None


@dataclass(frozen=True)
class EhcDates:
    """The statutory dates of one EHC step, by name, in the order the step has them.

    The plain value other features use: the case print-out, the export and the letters' merge fields
    (`merge_fields`).
    """

    step: EhcStep
    started: date
    post16: bool = False
    amendment_notice_on: date | None = None
    dates: tuple[tuple[EhcDateName, date], ...] = ()

    def get(self, name: EhcDateName | str) -> date | None:
        """Return the date of a name, or None when this step has no such date."""
        return dict(self.dates).get(EhcDateName(name))

    def iso(self) -> dict[str, str]:
        """Return the dates as ISO strings by name (the `case show --json` "dates")."""
        return {name.value: when.isoformat() for name, when in self.dates}

    @property
    def label(self) -> str:
        """Return the step's words."""
        return STEPS[self.step].label

    def merge_fields(self) -> dict[str, str]:
        """Return the letter merge fields: `ehc_step`, `ehc_started` and `ehc_<name>` in words.

        Every date name is present ("" where this step has no such date), so a template can name any.
        """
        return {key: value or "" for key, value in merge_values(self).items()}

    def as_text(self) -> str:
        """Return the dates as lines an officer can copy into a letter or an email."""
        lines = [f"{self.label}: {STEPS[self.step].started_label.lower()} {uk_date(self.started)}"]
        lines += [f"{DATE_LABELS[name]} {uk_date(when)}" for name, when in self.dates]
        return "\n".join(lines)


def weeks_after(start: date, weeks: int) -> date:
    """Return the date `weeks` calendar weeks after `start` (same weekday)."""
    return start + timedelta(weeks=weeks)


def statutory_dates(
    step: EhcStep, started: date, *, post16: bool = False, amendment_notice_on: date | None = None
) -> EhcDates:
    """Return the statutory dates of a step that began on `started` (for a phase transfer: the move)."""
    step = EhcStep(step)
    dates: list[tuple[EhcDateName, date]]
    if step is EhcStep.ASSESSMENT_REQUEST:
        dates = [
            (EhcDateName.DECIDE_ASSESSMENT_BY, weeks_after(started, 6)),  # reg 5(1)
            (EhcDateName.DECIDE_NOT_TO_ISSUE_BY, weeks_after(started, 16)),  # reg 10(1)
            (EhcDateName.FINAL_PLAN_BY, weeks_after(started, 20)),  # reg 13(2)
        ]
    elif step is EhcStep.DRAFT_SERVED:
        # reg 13(1)(a): at least 15 days beginning with the day of service: service is day 1
        dates = [(EhcDateName.REPRESENTATIONS_UNTIL, started + timedelta(days=14))]
    elif step is EhcStep.REASSESSMENT:
        dates = [(EhcDateName.AMENDED_PLAN_BY, weeks_after(started, 14))]  # reg 27(2)
    elif step is EhcStep.ANNUAL_REVIEW:
        latest = weeks_after(started, 12)  # reg 20(10) 4 weeks + reg 22(5) 8 weeks
        if amendment_notice_on is not None:
            latest = min(latest, weeks_after(amendment_notice_on, 8))  # reg 22(5)
        dates = [
            (EhcDateName.REVIEW_DECISION_BY, weeks_after(started, 4)),  # reg 20(10)
            (EhcDateName.AMENDED_PLAN_BY, latest),
        ]
    else:
        # reg 18(1): by 15 February of the calendar year of the transfer; 31 March into post-16
        dates = [
            (EhcDateName.TRANSFER_PLAN_BY, date(started.year, 3, 31) if post16 else date(started.year, 2, 15))
        ]
    return EhcDates(
        step,
        started,
        post16=post16 and step is EhcStep.PHASE_TRANSFER,
        amendment_notice_on=amendment_notice_on if step is EhcStep.ANNUAL_REVIEW else None,
        dates=tuple(dates),
    )


def rule_for(step: EhcStep, name: EhcDateName | str) -> DateRule:
    """Return the rule of a step's date, or say in plain words which dates the step has."""
    for rule in STEPS[step].rules:
        if rule.name.value == str(name):
            return rule
    names = ", ".join(rule.name.value for rule in STEPS[step].rules)
    raise ValidationError(
        f"The step {step.value} has no date called '{name}'. Its dates are: {names}.", field="date"
    )


def check_exception(step: EhcStep, name: EhcDateName | str, reason: EhcException) -> DateRule:
    """Return the rule of a date once the exception is one its regulation allows, or say why not."""
    rule = rule_for(step, name)
    if not rule.exceptions:
        raise ValidationError(
            f"{rule.label} ({rule.regulation.split(':')[0]}) has no exceptions in the regulations: "
            "nothing can be recorded against it.",
            field="exception",
        )
    if reason not in rule.exceptions:
        allowed = ", ".join(e.value for e in rule.exceptions)
        raise ValidationError(
            f"{rule.exception_regulation} does not list '{reason.value}' against '{rule.label}'. "
            f"Its exceptions are: {allowed}.",
            field="exception",
        )
    return rule


@dataclass(frozen=True)
class DateStatus:
    """One statutory date with where it stands: met, due, N weeks late, exception recorded, open, closed."""

    name: EhcDateName
    label: str
    regulation: str
    due: date
    state: DateState
    done_on: date | None = None
    exception: EhcException | None = None
    days_late: int = 0

    @property
    def weeks_late(self) -> int:
        """Return the whole weeks late (0 when less than a week, or not late)."""
        return self.days_late // 7

    @property
    def wording(self) -> str:
        """Return the state in words: "met", "due", "3 weeks late", "exception recorded", "open"."""
        if self.state is DateState.LATE:
            if self.days_late < 7:
                return f"{self.days_late} day{'s' if self.days_late != 1 else ''} late"
            return f"{self.weeks_late} week{'s' if self.weeks_late != 1 else ''} late"
        return {DateState.EXCEPTION: "exception recorded"}.get(self.state, self.state.value)


def date_statuses(
    dates: EhcDates,
    as_of: date,
    *,
    done: Mapping[str, date] | None = None,
    exceptions: Mapping[str, EhcException] | None = None,
) -> tuple[DateStatus, ...]:
    """Return where each date of a step stands on `as_of`, given the days done and exceptions recorded.

    A done date after `as_of` is not yet done (so a report of a past week sees the week as it was).
    Met beats an exception (done in time needs no relief); an exception beats late.
    """
    done = done or {}
    exceptions = exceptions or {}
    out: list[DateStatus] = []
    for name, due in dates.dates:
        rule = rule_for(dates.step, name)
        done_on = _done_by(done.get(name.value), as_of)
        exception = exceptions.get(name.value)
        state, late = _state(rule.window, due, as_of, done_on, exception)
        out.append(
            DateStatus(
                name=name,
                label=rule.label,
                regulation=rule.regulation,
                due=due,
                state=state,
                done_on=done_on,
                exception=exception,
                days_late=late,
            )
        )
    return tuple(out)


def step_days_late(
    step: EhcStep,
    due: Mapping[str, date | None],
    as_of: date,
    done: Mapping[str, date],
    exceptions: Mapping[str, EhcException],
) -> int:
    """Return `days_late(date_statuses(...))` from due dates by name, without building the statuses.

    For reports over many cases: the same rules (`_state`), a few microseconds a step.
    """
    worst = 0
    for rule in STEPS[step].rules:
        when = due.get(rule.name.value)
        if when is not None:
            done_on = _done_by(done.get(rule.name.value), as_of)
            _, late = _state(rule.window, when, as_of, done_on, exceptions.get(rule.name.value))
            worst = max(worst, late)
    return worst


def _done_by(done_on: date | None, as_of: date) -> date | None:
    """Return the day done, or None when it was done after `as_of` (not yet done then)."""
    return done_on if done_on is not None and done_on <= as_of else None


def _state(
    window: bool, due: date, as_of: date, done_on: date | None, exception: EhcException | None
) -> tuple[DateState, int]:
    """Return a date's state and days late: met beats an exception, an exception beats late."""
    if window:
        return (DateState.OPEN if as_of <= due else DateState.CLOSED), 0
    if done_on is not None and done_on <= due:
        return DateState.MET, 0
    if exception is not None:
        return DateState.EXCEPTION, 0
    if done_on is not None:
        return DateState.LATE, (done_on - due).days
    if as_of > due:
        return DateState.LATE, (as_of - due).days
    return DateState.DUE, 0


def days_late(statuses: tuple[DateStatus, ...]) -> int:
    """Return how far past its statutory dates a step is: the most days any of them is late (0: none)."""
    return max((s.days_late for s in statuses if s.state is DateState.LATE), default=0)


MERGE_FIELDS: tuple[tuple[str, str, str], ...] = (
    ("ehc_step", "The EHC step the case is about", "Request for an EHC needs assessment"),
    (
        "ehc_started",
        "The day that step began (for a phase transfer: the move), in words",
        "Friday 30 January 2026",
    ),
    ("ehc_decide_assessment_by", "Decide whether to assess by (reg 5), in words", "Friday 13 March 2026"),
    ("ehc_decide_not_to_issue_by", "Decide not to issue a plan by (reg 10), in words", "Friday 22 May 2026"),
    ("ehc_final_plan_by", "Final EHC plan by (reg 13(2)), in words", "Friday 19 June 2026"),
    (
        "ehc_representations_until",
        "Comments on the draft plan until (reg 13(1)), in words",
        "Monday 16 March 2026",
    ),
    (
        "ehc_amended_plan_by",
        "Amended plan by (reassessment or annual review), in words",
        "Tuesday 5 May 2026",
    ),
    ("ehc_review_decision_by", "Annual review decision by (reg 20(10)), in words", "Tuesday 10 March 2026"),
    ("ehc_transfer_plan_by", "Phase transfer plan by (reg 18), in words", "Monday 15 February 2027"),
)
"""The EHC letter merge fields: (name, what it holds, an example), for a template catalogue."""


def merge_values(dates: EhcDates | None) -> dict[str, str | None]:
    """Return every EHC merge field's value in words for a case's step (None where it has no such date)."""
    values: dict[str, str | None] = dict.fromkeys(name for name, _what, _example in MERGE_FIELDS)
    if dates is None:
        return values
    values["ehc_step"] = dates.label
    values["ehc_started"] = long_date(dates.started)
    for name, when in dates.dates:
        values[f"ehc_{name.value}"] = long_date(when)
    return values
