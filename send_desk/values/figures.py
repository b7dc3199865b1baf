"""The figures of the weekly summary and the annual complaints report, and their pure helpers.

Frozen values with no Qt and no SQL: services/reporting works them out, reports/ and printing/ lay them out,
the command line prints their JSON. The definitions behind each figure are in services/reporting.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from send_desk.domain.errors import ValidationError

YEAR_START_MONTH = 4
"""The council's reporting year starts on 1 April."""


# ----- small values ----------------------------------------------------------------------------
def percent_text(numerator: int, denominator: int) -> str:
    """Return a whole percentage rounded half up ("90%"), or "–" when there is nothing to divide by."""
    if denominator == 0:
        return "–"
    value = (Decimal(100) * numerator / denominator).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    return f"{value}%"


@dataclass(frozen=True)
class Ratio:
    """A proportion that always shows its working: "18 of 20, 90%"."""

    numerator: int
    denominator: int

    @property
    def percent(self) -> float | None:
        """Return the percentage, or None when the denominator is 0."""
        return None if self.denominator == 0 else 100.0 * self.numerator / self.denominator

    @property
    def text(self) -> str:
        """Return the proportion as people read it: "18 of 20, 90%"."""
        return f"{self.numerator} of {self.denominator}, {percent_text(self.numerator, self.denominator)}"

    def to_json(self) -> dict[str, Any]:
        """Return the ratio as JSON-ready values."""
        percent = self.percent
        return {
            "numerator": self.numerator,
            "denominator": self.denominator,
            "percent": None if percent is None else round(percent, 1),
            "text": self.text,
        }


@dataclass(frozen=True)
class Count:
    """A labelled count (a kind, channel, outcome, category or reason)."""

    key: str
    label: str
    count: int


def parse_week(text: str) -> date:
    """Return the Monday of an ISO week written like "2026-W48"."""
    cleaned = text.strip().upper()
    try:
        year_text, week_text = cleaned.split("-W")
        monday = date.fromisocalendar(int(year_text), int(week_text), 1)
    except ValueError:
        raise ValidationError(
            f"{text.strip()!r} is not a week; write it as YYYY-Www, e.g. 2026-W48.", field="week"
        ) from None
    return monday


def week_label(monday: date) -> str:
    """Return the ISO week of a date as "2026-W48"."""
    iso = monday.isocalendar()
    return f"{iso.year}-W{iso.week:02d}"


def reporting_year_start(day: date, start_month: int = YEAR_START_MONTH) -> date:
    """Return the first day of the reporting year (1 April by default) that contains `day`."""
    year = day.year if day.month >= start_month else day.year - 1
    return date(year, start_month, 1)


def label_of(enum_type: Any, value: str) -> str:
    """Return the label people read for an enum value, or the value made readable."""
    try:
        label = getattr(enum_type(value), "label", None)
    except ValueError:
        label = None
    return str(label) if label else value.replace("-", " ").capitalize()


def ordered_counts(
    counter: Counter[str], enum_type: Any | None = None, *, order: Sequence[str] = ()
) -> tuple[Count, ...]:
    """Return counts ordered by `order` first, then by size (largest first) and name."""
    keys = [k for k in order if counter.get(k)] + sorted(
        (k for k in counter if k not in order), key=lambda k: (-counter[k], k)
    )
    return tuple(
        Count(k, label_of(enum_type, k) if enum_type is not None else k, counter[k])
        for k in keys
        if counter[k]
    )


# ----- weekly summary --------------------------------------------------------------------------
@dataclass(frozen=True)
class Timeliness:
    """Acknowledgements and responses in one period, on time and late (see the module docstring)."""

    label: str
    start: date
    end: date
    acknowledged: int = 0
    acknowledged_on_time: int = 0
    responded: int = 0
    responded_on_time: int = 0
    """On or before the stored due date, which includes any extension."""
    responded_on_time_unextended: int = 0
    """On or before the due date before any extension (`respond_by_unextended`)."""
    responded_extended: int = 0
    """Responses whose due date had been extended."""

    @property
    def acknowledged_late(self) -> int:
        """Return how many acknowledgements were late."""
        return self.acknowledged - self.acknowledged_on_time

    @property
    def responded_late(self) -> int:
        """Return how many responses were late against the (extended) due date."""
        return self.responded - self.responded_on_time

    @property
    def acknowledged_ratio(self) -> Ratio:
        """Return acknowledgements on time of all acknowledgements."""
        return Ratio(self.acknowledged_on_time, self.acknowledged)

    @property
    def responded_ratio(self) -> Ratio:
        """Return responses on time (with extensions) of all responses."""
        return Ratio(self.responded_on_time, self.responded)

    @property
    def responded_unextended_ratio(self) -> Ratio:
        """Return responses on time against the original due date of all responses."""
        return Ratio(self.responded_on_time_unextended, self.responded)

    def to_json(self) -> dict[str, Any]:
        """Return the figures as JSON-ready values."""
        return {
            "label": self.label,
            "from": self.start.isoformat(),
            "to": self.end.isoformat(),
            "acknowledged": self.acknowledged,
            "acknowledged_on_time": self.acknowledged_on_time,
            "acknowledged_late": self.acknowledged_late,
            "acknowledged_on_time_ratio": self.acknowledged_ratio.to_json(),
            "responded": self.responded,
            "responded_on_time": self.responded_on_time,
            "responded_late": self.responded_late,
            "responded_on_time_ratio": self.responded_ratio.to_json(),
            "responded_on_time_without_extension": self.responded_on_time_unextended,
            "responded_on_time_without_extension_ratio": self.responded_unextended_ratio.to_json(),
            "responded_extended": self.responded_extended,
        }


@dataclass(frozen=True)
class ResponseTimes:
    """Working days from the start of a stage (received, or escalation requested) to its response."""

    kind: str
    label: str
    count: int
    median_days: float
    mean_days: float


@dataclass(frozen=True)
class TargetItem:
    """A target of a case that was overdue at the position date."""

    case_id: int
    reference: str
    kind: str
    kind_label: str
    stage: int
    target: str
    """"acknowledge" or "respond"."""
    officer: str
    due: date
    working_days_overdue: int
    missed_reason: str

    def to_json(self) -> dict[str, Any]:
        """Return the item as JSON-ready values."""
        return {
            "reference": self.reference,
            "kind": self.kind,
            "stage": self.stage,
            "target": self.target,
            "officer": self.officer,
            "due": self.due.isoformat(),
            "working_days_overdue": self.working_days_overdue,
            "missed_reason": self.missed_reason,
        }


@dataclass(frozen=True)
class OfficerLoad:
    """One officer's open and overdue cases and targets due next week (at `as_of`), and responses sent."""

    officer: str
    open: int
    overdue: int
    due_next_week: int
    responded: int


@dataclass(frozen=True)
class TrendPoint:
    """One week of the trend: cases received, responses sent and how many were on time."""

    week: str
    start: date
    received: int
    responded: int
    responded_on_time: int

    @property
    def ratio(self) -> Ratio:
        """Return responses on time of responses sent that week."""
        return Ratio(self.responded_on_time, self.responded)


@dataclass(frozen=True)
class EhcStepLoad:
    """Open cases about one EHC step at the end of a week, and how many are past a statutory date."""

    step: str
    label: str
    open: int
    late: int
    """Open cases with a statutory date of their step passed and not met (no exception recorded)."""
    median_weeks_late: float | None
    """The median of those cases' whole weeks late, counted from the earliest missed date (None: none)."""

    def to_json(self) -> dict[str, Any]:
        """Return the row as JSON-ready values."""
        return {
            "step": self.step,
            "open": self.open,
            "past_statutory_date": self.late,
            "median_weeks_late": self.median_weeks_late,
        }


@dataclass(frozen=True)
class EhcStepComplaints:
    """The complaints of a year about one EHC step, and how many were upheld (fully or partly)."""

    step: str
    label: str
    complaints: int
    uphold: Ratio
    """Upheld or partly upheld, of those with an outcome."""

    def to_json(self) -> dict[str, Any]:
        """Return the row as JSON-ready values."""
        return {"step": self.step, "complaints": self.complaints, "uphold_rate": self.uphold.to_json()}


@dataclass(frozen=True)
class WeeklySummary:
    """Everything the weekly summary shows, for one ISO week (Monday to Sunday)."""

    week: str
    start: date
    end: date
    as_of: date
    """The position (open, overdue, due next week) is taken at the start of this day."""
    generated_at: datetime
    generated_by: str
    received: int
    received_by_kind: tuple[Count, ...]
    received_by_channel: tuple[Count, ...]
    this_week: Timeliness
    last_4_weeks: Timeliness
    year_to_date: Timeliness
    response_times: tuple[ResponseTimes, ...]
    open_at_end: int
    overdue: tuple[TargetItem, ...]
    due_next_week: tuple[Count, ...]
    """Targets still outstanding at `as_of` that fall due in the week after, by kind."""
    escalations: int
    ombudsman_contacts: int
    outcomes: tuple[Count, ...]
    top_categories: tuple[Count, ...]
    officers: tuple[OfficerLoad, ...]
    trend: tuple[TrendPoint, ...]
    ehc_steps: tuple[EhcStepLoad, ...] = ()
    """Open cases at `as_of` by the EHC step they are about (issue 18)."""

    @property
    def overdue_references(self) -> list[str]:
        """Return the references of cases overdue at the end of the week, each once."""
        return list(dict.fromkeys(item.reference for item in self.overdue))

    def to_json(self) -> dict[str, Any]:
        """Return the summary as one JSON-ready document (the `report weekly --json` contract)."""
        week = self.this_week
        return {
            "week": self.week,
            "from": self.start.isoformat(),
            "to": self.end.isoformat(),
            "as_of": self.as_of.isoformat(),
            "generated_at": self.generated_at.isoformat(),
            "generated_by": self.generated_by,
            "received": self.received,
            "received_by_kind": {c.key: c.count for c in self.received_by_kind},
            "received_by_channel": {c.key: c.count for c in self.received_by_channel},
            "acknowledged": week.acknowledged,
            "acknowledged_on_time": week.acknowledged_on_time,
            "responded": week.responded,
            "responded_on_time": week.responded_on_time,
            "responded_on_time_without_extension": week.responded_on_time_unextended,
            "open_at_end": self.open_at_end,
            "overdue": self.overdue_references,
            "overdue_details": [item.to_json() for item in self.overdue],
            "due_next_week": sum(c.count for c in self.due_next_week),
            "due_next_week_by_kind": {c.key: c.count for c in self.due_next_week},
            "timeliness": {
                "this_week": week.to_json(),
                "last_4_weeks": self.last_4_weeks.to_json(),
                "year_to_date": self.year_to_date.to_json(),
            },
            "response_times": [
                {
                    "kind": r.kind,
                    "responses": r.count,
                    "median_working_days": r.median_days,
                    "mean_working_days": round(r.mean_days, 1),
                }
                for r in self.response_times
            ],
            "escalations": self.escalations,
            "ombudsman_contacts": self.ombudsman_contacts,
            "outcomes": {c.key: c.count for c in self.outcomes},
            "top_categories": [{"category": c.key, "received": c.count} for c in self.top_categories],
            "officers": [
                {
                    "officer": o.officer,
                    "open": o.open,
                    "overdue": o.overdue,
                    "due_next_week": o.due_next_week,
                    "responded": o.responded,
                }
                for o in self.officers
            ],
            "trend": [
                {
                    "week": t.week,
                    "received": t.received,
                    "responded": t.responded,
                    "responded_on_time": t.responded_on_time,
                    "on_time_percent": None if t.ratio.percent is None else round(t.ratio.percent, 1),
                }
                for t in self.trend
            ],
            "ehc_steps": [row.to_json() for row in self.ehc_steps],
        }


# ----- annual figures --------------------------------------------------------------------------
@dataclass(frozen=True)
class StageFigures:
    """Complaint figures for one stage over the cohort of stages started in the year."""

    stage: int
    received: int
    acknowledged: int
    acknowledged_within_5: int
    """Acknowledged within 5 working days of the start of the stage."""
    responded: int
    responded_within_code: int
    """Responded within 10 (stage 1) or 20 (stage 2) working days of the acknowledgement (the Code)."""
    responded_within_target: int
    """Responded on or before the stored due date, which includes any extension."""
    extended: int
    still_open: int
    outcomes: tuple[Count, ...]
    median_days: float | None
    """Median working days from the start of the stage to the response."""

    @property
    def code_days(self) -> int:
        """Return the Code's response limit for the stage in working days."""
        return 10 if self.stage == 1 else 20

    @property
    def acknowledged_ratio(self) -> Ratio:
        """Return acknowledgements within 5 working days of all acknowledgements."""
        return Ratio(self.acknowledged_within_5, self.acknowledged)

    @property
    def responded_ratio(self) -> Ratio:
        """Return responses within the Code's limit of all responses."""
        return Ratio(self.responded_within_code, self.responded)

    @property
    def target_ratio(self) -> Ratio:
        """Return responses by the (possibly extended) due date of all responses."""
        return Ratio(self.responded_within_target, self.responded)

    def to_json(self) -> dict[str, Any]:
        """Return the figures as JSON-ready values."""
        return {
            "stage": self.stage,
            "received": self.received,
            "acknowledged": self.acknowledged,
            "acknowledged_within_5_working_days": self.acknowledged_ratio.to_json(),
            "responded": self.responded,
            f"responded_within_{self.code_days}_working_days": self.responded_ratio.to_json(),
            "responded_by_due_date_including_extensions": self.target_ratio.to_json(),
            "extended": self.extended,
            "still_open": self.still_open,
            "outcomes": {c.key: c.count for c in self.outcomes},
            "median_working_days_to_respond": self.median_days,
        }


@dataclass(frozen=True)
class LearningItem:
    """Learning recorded at a stage of a complaint."""

    reference: str
    stage: int
    learning: str


@dataclass(frozen=True)
class AnnualFigures:
    """The complaints figures for one reporting year (LGSCO Complaint Handling Code §8)."""

    year: int
    start: date
    end: date
    generated_at: datetime
    generated_by: str
    stages: tuple[StageFigures, ...]
    extension_reasons: tuple[Count, ...]
    remedies: tuple[Count, ...]
    financial_redress_pence: int
    escalation: Ratio
    """Stage 1 complaints of the year escalated to stage 2, of those answered at stage 1."""
    ombudsman_contacts: int
    ombudsman_decisions: tuple[Count, ...]
    categories: tuple[Count, ...]
    learning: tuple[LearningItem, ...]
    late_escalations: int = 0
    """Escalations asked for after the policy's window from the stage 1 response, accepted with a reason."""
    ehc_complaints: tuple[EhcStepComplaints, ...] = ()
    """Stage 1 complaints of the year by the EHC step they are about, with the uphold rate (issue 18)."""

    @property
    def label(self) -> str:
        """Return the year as people write it, e.g. "2025-26"."""
        return (
            f"{self.start.year}-{str(self.end.year)[2:]}"
            if self.end.year != self.start.year
            else str(self.start.year)
        )

    def to_json(self) -> dict[str, Any]:
        """Return the figures as one JSON-ready document (the `report annual --json` contract)."""
        return {
            "year": self.label,
            "from": self.start.isoformat(),
            "to": self.end.isoformat(),
            "generated_at": self.generated_at.isoformat(),
            "generated_by": self.generated_by,
            "stages": [s.to_json() for s in self.stages],
            "complaints_by_stage": {str(s.stage): s.received for s in self.stages},
            "extensions": sum(s.extended for s in self.stages),
            "extension_reasons": {c.key: c.count for c in self.extension_reasons},
            "remedies": {c.key: c.count for c in self.remedies},
            "financial_redress_pence": self.financial_redress_pence,
            "escalation_rate": self.escalation.to_json(),
            "late_escalations": self.late_escalations,
            "ombudsman_contacts": self.ombudsman_contacts,
            "ombudsman_decisions": {c.key: c.count for c in self.ombudsman_decisions},
            "categories": {c.key: c.count for c in self.categories},
            "learning_recorded": len(self.learning),
            "learning": [
                {"reference": item.reference, "stage": item.stage, "learning": item.learning}
                for item in self.learning
            ],
            "ehc_complaints": [row.to_json() for row in self.ehc_complaints],
        }
