"""Target policies: how long each kind of case has to be acknowledged and answered."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from send_desk.domain.calendar import CalendarKind, WorkingCalendar
from send_desk.domain.errors import UnknownPolicyError, ValidationError
from send_desk.domain.kinds import CaseKind, kind_facts


class ClockRule(StrEnum):
    """How a response target is counted."""

    WORKING_DAYS = "working-days"
    CALENDAR_MONTHS = "calendar-months"
    MANUAL = "manual"
    NONE = "none"


class ClarificationRule(StrEnum):
    """What the answer to a clarification request does to a stopped clock."""

    RESTART = "restart"
    """The whole period starts again from the day the answer arrives (FOIA s1(3), EIR reg 9(4))."""
    RESUME = "resume"
    """The clock resumes where it stopped (SAR: Data (Use and Access) Act 2025 s76)."""


def kind_noun(kind: CaseKind) -> str:
    """Return the kind as a noun with its article, e.g. "an FOI request"."""
    return kind_facts(kind).noun


def kind_plural(kind: CaseKind) -> str:
    """Return the kind as a capitalised plural, e.g. "Councillor enquiries"."""
    return kind_facts(kind).plural


def amount_words(amount: int, rule: ClockRule) -> str:
    """Return an amount with its unit, e.g. "1 working day" or "2 calendar months"."""
    unit = "calendar month" if rule is ClockRule.CALENDAR_MONTHS else "working day"
    return f"{amount} {unit}{'' if amount == 1 else 's'}"


@dataclass(frozen=True, slots=True)
class TargetPolicy:
    """The acknowledgement and response targets for one kind of case at one stage."""

    kind: CaseKind
    stage: int
    acknowledge_days: int | None
    respond_rule: ClockRule
    respond_amount: int | None
    respond_from_acknowledgement: bool
    extension_max: int | None
    calendar: CalendarKind
    counts_closures: bool
    pause_allowed: bool
    clarification_restarts: bool
    due_soon_days: int = 2
    clarification_rule: ClarificationRule = ClarificationRule.RESTART
    clarification_source: str = ""
    escalation_days: int = 20
    """Working days after the stage 1 response within which escalation is asked for (local policy)."""

    def __post_init__(self) -> None:
        """Reject a policy whose fields contradict each other."""
        if self.stage not in (1, 2):
            raise ValidationError("The stage must be 1 or 2.", field="stage")
        if self.acknowledge_days is not None and self.acknowledge_days < 0:
            raise ValidationError("The acknowledgement target cannot be negative.", field="acknowledge_days")
        counted = self.respond_rule in (ClockRule.WORKING_DAYS, ClockRule.CALENDAR_MONTHS)
        if counted and (self.respond_amount is None or self.respond_amount < 1):
            raise ValidationError("The response target must be at least 1.", field="respond_amount")
        if self.respond_from_acknowledgement and self.acknowledge_days is None:
            raise ValidationError(
                "A response counted from the acknowledgement needs an acknowledgement target.",
                field="respond_from_acknowledgement",
            )
        if self.extension_max is not None and (self.extension_max < 1 or not counted):
            raise ValidationError(
                "An extension must be at least 1 and needs a counted response target.", field="extension_max"
            )
        if self.escalation_days < 0:
            raise ValidationError("The escalation window cannot be negative.", field="escalation_days")
        if self.due_soon_days < 0:
            raise ValidationError("'Due soon' cannot be a negative number of days.", field="due_soon_days")

    @property
    def key(self) -> tuple[CaseKind, int]:
        """Return the (kind, stage) pair that identifies the policy."""
        return (self.kind, self.stage)

    @property
    def label(self) -> str:
        """Return the kind and, for complaints, the stage, e.g. "Complaint (stage 2)"."""
        if kind_facts(self.kind).stages > 1:
            return f"{self.kind.label} (stage {self.stage})"
        return self.kind.label

    @property
    def noun(self) -> str:
        """Return the kind as a noun for sentences, e.g. "a complaint at stage 1"."""
        if kind_facts(self.kind).stages > 1:
            return f"{kind_noun(self.kind)} at stage {self.stage}"
        return kind_noun(self.kind)

    def working_calendar(
        self, closures: frozenset[date] = frozenset(), extra_holidays: frozenset[date] = frozenset()
    ) -> WorkingCalendar:
        """Return the calendar this policy counts on, keeping closures only if the policy counts them."""
        return WorkingCalendar(
            self.calendar, closures if self.counts_closures else frozenset(), extra_holidays
        )

    def describe(self) -> str:
        """Return a one-sentence plain-English description of the targets, for hover help."""
        if self.respond_rule is ClockRule.NONE and self.acknowledge_days is None:
            return "No target."
        start = "the escalation request" if self.stage == 2 else "receipt"
        parts: list[str] = []
        if self.acknowledge_days is not None:
            parts.append(f"acknowledge within {amount_words(self.acknowledge_days, ClockRule.WORKING_DAYS)}")
            if self.stage == 2:
                parts[-1] += f" of {start}"
        parts.extend(self._describe_response(start))
        sentence = "; ".join(parts)
        return sentence[0].upper() + sentence[1:] + "."

    def _describe_response(self, start: str) -> list[str]:
        rule = self.respond_rule
        if rule is ClockRule.NONE:
            return ["no response target"]
        if rule is ClockRule.MANUAL:
            return ["respond by the date given in the Ombudsman's letter"]
        assert self.respond_amount is not None
        since = "the acknowledgement" if self.respond_from_acknowledgement else start
        respond = f"respond within {amount_words(self.respond_amount, rule)} of {since}"
        if rule is ClockRule.CALENDAR_MONTHS:
            respond += " (a due date on a non-working day moves to the next working day)"
        parts = [respond]
        if self.extension_max is None:
            parts.append("no extension")
        else:
            parts.append(f"one extension of up to {amount_words(self.extension_max, rule)}")
        if self.clarification_restarts:
            source = f" ({self.clarification_source})" if self.clarification_source else ""
            if self.clarification_rule is ClarificationRule.RESUME:
                parts.append(f"asking for clarification stops the clock until the answer arrives{source}")
            else:
                parts.append(f"clarification restarts the clock{source}")
        if self.pause_allowed:
            parts.append("the clock can be paused")
        usual = self.calendar is CalendarKind.ENGLAND_WALES and self.counts_closures
        if rule is ClockRule.WORKING_DAYS and not usual:
            closures = "and office closures" if self.counts_closures else "but not office closures"
            parts.append(f"working days skip {self.calendar.label} {closures}")
        return parts


def _policy(
    kind: CaseKind,
    *,
    stage: int = 1,
    ack: int | None = None,
    respond: int | None = None,
    rule: ClockRule = ClockRule.WORKING_DAYS,
    from_ack: bool = False,
    ext: int | None = None,
    statutory: bool = False,
    clarification: tuple[ClarificationRule, str] | None = None,
) -> TargetPolicy:
    """Build a default policy; `statutory` means the FOI/EIR calendar rules."""
    return TargetPolicy(
        kind=kind,
        stage=stage,
        acknowledge_days=ack,
        respond_rule=rule,
        respond_amount=respond,
        respond_from_acknowledgement=from_ack,
        extension_max=ext,
        calendar=CalendarKind.ALL_UK if statutory else CalendarKind.ENGLAND_WALES,
        counts_closures=not statutory and rule is not ClockRule.CALENDAR_MONTHS,
        pause_allowed=statutory,
        clarification_restarts=clarification is not None,
        clarification_rule=clarification[0] if clarification else ClarificationRule.RESTART,
        clarification_source=clarification[1] if clarification else "",
    )


RESTART = ClarificationRule.RESTART

DEFAULT_POLICIES: tuple[TargetPolicy, ...] = (
    _policy(CaseKind.COMPLAINT, stage=1, ack=5, respond=10, from_ack=True, ext=10),
    _policy(CaseKind.COMPLAINT, stage=2, ack=5, respond=20, from_ack=True, ext=20),
    _policy(CaseKind.ENQUIRY, respond=10, ext=10),
    _policy(CaseKind.MP_ENQUIRY, ack=2, respond=10),
    _policy(CaseKind.COUNCILLOR_ENQUIRY, ack=1, respond=10),
    _policy(CaseKind.FOI, respond=20, ext=20, statutory=True, clarification=(RESTART, "FOIA s1(3)")),
    _policy(CaseKind.EIR, respond=20, ext=20, statutory=True, clarification=(RESTART, "EIR reg 9(4)")),
    _policy(
        CaseKind.SAR,
        respond=1,
        rule=ClockRule.CALENDAR_MONTHS,
        ext=2,
        clarification=(ClarificationRule.RESUME, "Data (Use and Access) Act 2025 s76"),
    ),
    _policy(CaseKind.OMBUDSMAN, rule=ClockRule.MANUAL),
    _policy(CaseKind.COMPLIMENT, rule=ClockRule.NONE),
)
"""The targets in DOMAIN.md; an admin may change them (they seed the policy table)."""

_BY_KEY: dict[tuple[CaseKind, int], TargetPolicy] = {policy.key: policy for policy in DEFAULT_POLICIES}


def default_policy(kind: CaseKind, stage: int = 1) -> TargetPolicy:
    """Return the default policy for `kind` at `stage`, or raise UnknownPolicyError."""
    policy = _BY_KEY.get((kind, stage))
    if policy is not None:
        return policy
    if kind_facts(kind).stages > 1:
        message = "A complaint has two stages only: stage 1 and stage 2."
    else:
        message = f"Only complaints have more than one stage; {kind_noun(kind)} is at stage 1."
    raise UnknownPolicyError(message, kind=kind.value, stage=stage)
