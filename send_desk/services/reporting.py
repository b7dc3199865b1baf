"""Read models for the printed weekly summary and the annual complaints figures (Qt-free, SQL aggregates).

Definitions used throughout (the same for the screen, the PDF and `--json`):

- A *period* is a closed range of dates [start, end].
- *Acknowledged in a period*: a stage with an acknowledgement target (`case_stage.acknowledge_by` set) whose
  `acknowledged_on` falls in the period. It is *on time* when `acknowledged_on <= acknowledge_by`.
- *Responded in a period*: a stage with a response target (`case_stage.respond_by` set; compliments and
  Ombudsman enquiries without a deadline have none) whose `responded_on` falls in the period.
  *On time* means `responded_on <= respond_by`, where `respond_by` is the stored due date **including any
  extension**; *on time without extension* compares with `respond_by_unextended`, the date before any
  extension. A response sent on its due date is on time.
- *The position at the end of the week* (open cases, overdue, due next week) is taken at the start of the
  Monday after the week, or at the start of today when the week has not ended yet (`as_of`). A case is
  open then when it was received before `as_of` and not closed before it (a case closed and later
  reopened counts by its present state). A target is overdue then when its due date is before `as_of` and
  it was not done before `as_of`; its working days overdue count the working days after the due date up to
  and including `as_of` (at least 1), in the calendar of the kind's current target policy. Due dates are
  the stored ones (as the desk showed them), so a date recalculated since is used as recalculated.
  *Due next week* counts the targets outstanding at `as_of` whose due date falls in the following ISO week.
- *Officer*: the case's officer for open and overdue cases; the stage's handler for responses and for
  targets done since `as_of`.
- *Working days to respond*: from the day the stage began (received, or escalation requested) to the
  response, in the calendar of the stage's policy.
- *Year to date* and the annual figures use the council's reporting year, 1 April to 31 March.

Cost: the weekly summary reads indexed date ranges only. Its size follows the activity in the periods it
reports and since the end of the week, not the size of the database, so last week's summary stays well under
a second on a million cases (with the case_stage date indexes); a summary of a week long past reads the
activity since then as well and takes longer.
"""

from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from sqlalchemy import and_, case, func, literal_column, or_, select
from sqlalchemy.orm import Session

from send_desk.db.models import (
    Case,
    CaseStage,
    Category,
    Extension,
    Remedy,
    Staff,
    TargetPolicyRow,
)
from send_desk.domain.calendar import WorkingCalendar
from send_desk.domain.errors import ValidationError
from send_desk.domain.kinds import CaseKind, CaseStatus, Channel, Outcome, RemedyKind
from send_desk.services.context import ServiceContext
from send_desk.services.policies import ClosureSets, load_closures, office_calendar, policy_from_row

YEAR_START_MONTH = 4
TREND_WEEKS = 12
TOP_CATEGORIES = 8
UNASSIGNED = "Unassigned"


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


def _label(enum_type: Any, value: str) -> str:
    try:
        label = getattr(enum_type(value), "label", None)
    except ValueError:
        label = None
    return str(label) if label else value.replace("-", " ").capitalize()


def _counts(
    counter: Counter[str], enum_type: Any | None = None, *, order: Sequence[str] = ()
) -> tuple[Count, ...]:
    """Return counts ordered by `order` first, then by size (largest first) and name."""
    keys = [k for k in order if counter.get(k)] + sorted(
        (k for k in counter if k not in order), key=lambda k: (-counter[k], k)
    )
    return tuple(
        Count(k, _label(enum_type, k) if enum_type is not None else k, counter[k]) for k in keys if counter[k]
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
        }


# ----- the service -----------------------------------------------------------------------------
@dataclass
class _Lookups:
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


def _lookups(session: Session) -> _Lookups:
    closures: ClosureSets = load_closures(session)
    calendars: dict[int, WorkingCalendar] = {}
    policy_kinds: dict[int, str] = {}
    kind_calendars: dict[str, WorkingCalendar] = {}
    for row in session.scalars(select(TargetPolicyRow).order_by(TargetPolicyRow.version)):
        calendars[row.id] = closures.calendar_for(policy_from_row(row))
        policy_kinds[row.id] = row.kind
        if row.current:
            kind_calendars[row.kind] = calendars[row.id]
    return _Lookups(
        staff={row[0]: row[1] for row in session.execute(select(Staff.id, Staff.name))},
        categories={row[0]: row[1] for row in session.execute(select(Category.id, Category.name))},
        calendars=calendars,
        policy_kinds=policy_kinds,
        kind_calendars=kind_calendars,
        office=office_calendar(closures),
    )


def read_backwards(received_before: int, received_since: int) -> bool:
    """Tell whether the position of a past week is cheaper to read from the cases received before it."""
    return received_before < received_since


@dataclass(frozen=True)
class _Position:
    """The end-of-week position, before it is put into the summary."""

    open_count: int
    overdue: tuple[TargetItem, ...]
    due_next_week: tuple[Count, ...]
    open_by_officer: Counter[str]
    overdue_by_officer: Counter[str]
    due_by_officer: Counter[str]


def _chunks(ids: Sequence[int], size: int = 900) -> list[Sequence[int]]:
    """Split ids into chunks small enough for one IN (...) list."""
    return [ids[i : i + size] for i in range(0, len(ids), size)]


def _median(values: Sequence[int]) -> float:
    return float(statistics.median(values))


class ReportingService:
    """Read-only figures for the weekly summary, the annual complaints report and their print-outs."""

    def __init__(self, ctx: ServiceContext) -> None:
        """Use the given database, clock and acting login."""
        self.ctx = ctx

    def default_week(self) -> str:
        """Return last week (relative to today) as "2026-W47"."""
        return week_label(self.ctx.today() - timedelta(days=7))

    def default_year(self) -> int:
        """Return the start year of the last complete reporting year (April to March)."""
        return reporting_year_start(self.ctx.today()).year - 1

    def generated_by(self) -> str:
        """Return the name of the person producing a report (their login if they have no staff record)."""
        login = self.ctx.actor_login()
        with self.ctx.db.read() as session:
            name = session.scalar(select(Staff.name).where(Staff.login == login))
        return name or login

    # -- weekly ---------------------------------------------------------------------------------
    def weekly_summary(self, week: str | None = None) -> WeeklySummary:
        """Return the weekly summary of an ISO week ("2026-W48"; default last week)."""
        monday = parse_week(week or self.default_week())
        sunday = monday + timedelta(days=6)
        today = self.ctx.today()
        as_of = min(sunday + timedelta(days=1), today)
        if monday > today:
            raise ValidationError(f"The week {week_label(monday)} has not started yet.", field="week")
        generated_by = self.generated_by()
        with self.ctx.db.read() as session:
            look = _lookups(session)
            received_by_kind, received_by_channel, categories, ombudsman = self._received(
                session, monday, sunday, look
            )
            periods, trend = self._timeliness(session, monday, sunday)
            response_times, outcomes, responded_by_officer = self._responses_in_week(
                session, monday, sunday, look
            )
            position = self._position(
                session, as_of, monday + timedelta(days=7), sunday + timedelta(days=7), look
            )
            escalations = int(
                session.scalar(
                    select(func.count()).where(
                        CaseStage.stage == 2, CaseStage.started_on.between(monday, sunday)
                    )
                )
                or 0
            )
        names = (
            set(position.open_by_officer)
            | set(position.overdue_by_officer)
            | set(position.due_by_officer)
            | set(responded_by_officer)
        )
        officers = tuple(
            OfficerLoad(
                name,
                position.open_by_officer[name],
                position.overdue_by_officer[name],
                position.due_by_officer[name],
                responded_by_officer[name],
            )
            for name in sorted(names, key=lambda n: (n == UNASSIGNED, n.lower()))
        )
        return WeeklySummary(
            week=week_label(monday),
            start=monday,
            end=sunday,
            as_of=as_of,
            generated_at=self.ctx.now(),
            generated_by=generated_by,
            received=sum(c.count for c in received_by_kind),
            received_by_kind=received_by_kind,
            received_by_channel=received_by_channel,
            this_week=periods[0],
            last_4_weeks=periods[1],
            year_to_date=periods[2],
            response_times=response_times,
            open_at_end=position.open_count,
            overdue=position.overdue,
            due_next_week=position.due_next_week,
            escalations=escalations,
            ombudsman_contacts=ombudsman,
            outcomes=outcomes,
            top_categories=categories,
            officers=officers,
            trend=trend,
        )

    def _received(
        self, session: Session, monday: date, sunday: date, look: _Lookups
    ) -> tuple[tuple[Count, ...], tuple[Count, ...], tuple[Count, ...], int]:
        """Count cases received in the week by kind, channel and category (ix_case_received_on)."""
        rows = session.execute(
            select(Case.kind, Case.channel, Case.category_id, func.count())
            .where(Case.received_on.between(monday, sunday))
            .group_by(Case.kind, Case.channel, Case.category_id)
        ).all()
        kinds: Counter[str] = Counter()
        channels: Counter[str] = Counter()
        categories: Counter[str] = Counter()
        for kind, channel, category_id, n in rows:
            kinds[kind] += n
            channels[channel] += n
            categories[look.categories.get(category_id or 0, "Not categorised")] += n
        top = _counts(categories)[:TOP_CATEGORIES]
        return (
            _counts(kinds, CaseKind, order=[k.value for k in CaseKind]),
            _counts(channels, Channel, order=[c.value for c in Channel]),
            top,
            kinds[CaseKind.OMBUDSMAN.value],
        )

    def _timeliness(
        self, session: Session, monday: date, sunday: date
    ) -> tuple[tuple[Timeliness, Timeliness, Timeliness], tuple[TrendPoint, ...]]:
        """Count acknowledgements and responses per day over the longest period, then bucket them."""
        ytd_start = reporting_year_start(sunday)
        four_start = monday - timedelta(days=21)
        trend_start = monday - timedelta(days=7 * (TREND_WEEKS - 1))
        first = min(ytd_start, four_start, trend_start)
        ack_rows = session.execute(
            select(
                CaseStage.acknowledged_on,
                func.count(),
                func.sum(case((CaseStage.acknowledged_on <= CaseStage.acknowledge_by, 1), else_=0)),
            )
            .where(CaseStage.acknowledged_on.between(first, sunday), CaseStage.acknowledge_by.is_not(None))
            .group_by(CaseStage.acknowledged_on)
        ).all()
        resp_rows = session.execute(
            select(
                CaseStage.responded_on,
                func.count(),
                func.sum(case((CaseStage.responded_on <= CaseStage.respond_by, 1), else_=0)),
                func.sum(case((CaseStage.responded_on <= CaseStage.respond_by_unextended, 1), else_=0)),
                func.sum(case((CaseStage.respond_by > CaseStage.respond_by_unextended, 1), else_=0)),
            )
            .where(CaseStage.responded_on.between(first, sunday), CaseStage.respond_by.is_not(None))
            .group_by(CaseStage.responded_on)
        ).all()
        received_rows = session.execute(
            select(Case.received_on, func.count())
            .where(Case.received_on.between(trend_start, sunday))
            .group_by(Case.received_on)
        ).all()

        def bucket(label: str, start: date) -> Timeliness:
            ack = [r for r in ack_rows if start <= r[0] <= sunday]
            resp = [r for r in resp_rows if start <= r[0] <= sunday]
            return Timeliness(
                label=label,
                start=start,
                end=sunday,
                acknowledged=sum(int(r[1]) for r in ack),
                acknowledged_on_time=sum(int(r[2] or 0) for r in ack),
                responded=sum(int(r[1]) for r in resp),
                responded_on_time=sum(int(r[2] or 0) for r in resp),
                responded_on_time_unextended=sum(int(r[3] or 0) for r in resp),
                responded_extended=sum(int(r[4] or 0) for r in resp),
            )

        periods = (
            bucket("This week", monday),
            bucket("Last 4 weeks", four_start),
            bucket("Year to date", ytd_start),
        )
        received: Counter[date] = Counter()
        responded: Counter[date] = Counter()
        on_time: Counter[date] = Counter()
        for day, n in received_rows:
            received[day - timedelta(days=day.weekday())] += int(n)
        for day, n, ok, *_ in resp_rows:
            week_start = day - timedelta(days=day.weekday())
            responded[week_start] += int(n)
            on_time[week_start] += int(ok or 0)
        trend = tuple(
            TrendPoint(week_label(start), start, received[start], responded[start], on_time[start])
            for start in (trend_start + timedelta(days=7 * i) for i in range(TREND_WEEKS))
        )
        return periods, trend

    def _responses_in_week(
        self, session: Session, monday: date, sunday: date, look: _Lookups
    ) -> tuple[tuple[ResponseTimes, ...], tuple[Count, ...], Counter[str]]:
        """Work out response times by kind, outcomes and responses by handler for the week's responses.

        Reads case_stage only (the kind comes from the stage's policy version), so a busy week costs one
        range over the responded-on dates and no lookups in the wide case table.
        """
        in_week = (CaseStage.responded_on.between(monday, sunday), CaseStage.respond_by.is_not(None))
        days: dict[str, list[int]] = defaultdict(list)
        for policy_id, started_on, responded_on, n in session.execute(
            select(CaseStage.policy_id, CaseStage.started_on, CaseStage.responded_on, func.count())
            .where(*in_week)
            .group_by(CaseStage.policy_id, CaseStage.started_on, CaseStage.responded_on)
        ):
            assert responded_on is not None
            kind = look.policy_kinds.get(policy_id, "")
            taken = look.calendar(policy_id).working_days_between(started_on, responded_on)
            days[kind].extend([taken] * int(n))
        outcomes: Counter[str] = Counter()
        by_officer: Counter[str] = Counter()
        for outcome, handler_id, n in session.execute(
            select(CaseStage.outcome, CaseStage.handler_id, func.count())
            .where(*in_week)
            .group_by(CaseStage.outcome, CaseStage.handler_id)
        ):
            if outcome:
                outcomes[outcome] += int(n)
            by_officer[look.officer(handler_id)] += int(n)
        order = [k.value for k in CaseKind]
        times = tuple(
            ResponseTimes(kind, _label(CaseKind, kind), len(v), _median(v), statistics.fmean(v))
            for kind, v in sorted(days.items(), key=lambda kv: order.index(kv[0]) if kv[0] in order else 99)
        )
        return times, _counts(outcomes, Outcome, order=[o.value for o in Outcome]), by_officer

    def _position(
        self, session: Session, as_of: date, next_monday: date, next_sunday: date, look: _Lookups
    ) -> _Position:
        """Work out the position at the start of `as_of`: open cases, overdue targets, targets due next week.

        Every query is an indexed range whose size follows the activity since `as_of`, not the size of the
        database. Cases received on or after `as_of` are all either open now or closed since, so
        open then = open now + closed since − received since (per officer too). Targets outstanding then and
        due by next Sunday are (1) outstanding now on open cases (ix_case_status_next_due), (2) done since
        `as_of` (case_stage responded_on / acknowledged_on ranges) or (3) never done on cases closed since
        (ix_case_closed_on). Only overdue targets need the case's reference, so only they are looked up.
        """
        is_open = Case.status == CaseStatus.OPEN.value
        # an expression, so SQLite keeps the date range index; a literal 0 (not a parameter) so PostgreSQL
        # sees the same expression in SELECT and GROUP BY
        officer_key = func.coalesce(Case.officer_id, literal_column("0"))
        received_since = int(session.scalar(select(func.count()).where(Case.received_on >= as_of)) or 0)
        # counted only up to received_since + 1: enough to choose, and cheap when as_of is recent
        capped = select(Case.id).where(Case.received_on < as_of).limit(received_since + 1).subquery()
        received_before = int(session.scalar(select(func.count()).select_from(capped)) or 0)
        look_back = read_backwards(received_before, received_since)
        open_by_officer: Counter[str] = Counter()
        if look_back:
            # a week long past: open then = received before it − closed before it
            for condition, sign in ((Case.received_on < as_of, 1), (Case.closed_on < as_of, -1)):
                for officer_id, n in session.execute(
                    select(officer_key, func.count()).where(condition).group_by(officer_key)
                ):
                    open_by_officer[look.officer(officer_id)] += sign * int(n)
        else:
            # a recent week: open then = open now + closed since − received since
            staff_open = select(func.count()).where(Case.officer_id == Staff.id, is_open).scalar_subquery()
            for staff_id, n in session.execute(select(Staff.id, staff_open)):
                open_by_officer[look.officer(staff_id)] += int(n)
            open_by_officer[UNASSIGNED] += int(
                session.scalar(select(func.count()).where(Case.officer_id.is_(None), is_open)) or 0
            )
            for condition, sign in ((Case.closed_on >= as_of, 1), (Case.received_on >= as_of, -1)):
                for officer_id, n in session.execute(
                    select(officer_key, func.count()).where(condition).group_by(officer_key)
                ):
                    open_by_officer[look.officer(officer_id)] += sign * int(n)
        open_count = sum(open_by_officer.values())

        clock_columns = (
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
        never_done = or_(
            and_(Case.acknowledge_by <= next_sunday, Case.acknowledged_on.is_(None)),
            and_(Case.respond_by <= next_sunday, Case.responded_on.is_(None)),
        )
        case_rows = [
            *session.execute(select(*clock_columns).where(is_open, Case.next_due <= next_sunday)),
            *session.execute(
                select(*clock_columns).where(
                    Case.received_on < as_of if look_back else Case.closed_on >= as_of,
                    Case.closed_on >= as_of,
                    never_done,
                )
            ),
        ]
        # (case id, stage) -> (kind, officer id, acknowledge by, acknowledged on, respond by, responded on)
        stages: dict[
            tuple[int, int], tuple[str, int | None, date | None, date | None, date | None, date | None]
        ]
        stages = {}
        references: dict[int, str] = {}
        later_stages: list[int] = []
        for row in case_rows:
            if row.received_on >= as_of:
                continue
            references[row.id] = row.reference
            stages[(row.id, row.stage)] = (
                row.kind,
                row.officer_id,
                row.acknowledge_by,
                row.acknowledged_on,
                row.respond_by,
                row.responded_on,
            )
            if row.stage > 1:
                later_stages.append(row.id)
        # a stage that began on or after as_of was not the stage current then: drop it
        for chunk in _chunks(later_stages):
            for case_id, stage_no in session.execute(
                select(CaseStage.case_id, CaseStage.stage).where(
                    CaseStage.case_id.in_(chunk), CaseStage.stage > 1, CaseStage.started_on >= as_of
                )
            ):
                stages.pop((case_id, stage_no), None)
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
            ).where(
                CaseStage.started_on < as_of,
                or_(
                    and_(CaseStage.responded_on >= as_of, CaseStage.respond_by <= next_sunday),
                    and_(CaseStage.acknowledged_on >= as_of, CaseStage.acknowledge_by <= next_sunday),
                ),
            )
        ):
            kind = look.policy_kinds.get(row.policy_id, "")
            stages[(row.case_id, row.stage)] = (
                kind,
                row.handler_id,
                row.acknowledge_by,
                row.acknowledged_on,
                row.respond_by,
                row.responded_on,
            )

        # (case id, stage, target, kind, officer, due, working days overdue), made into items once the
        # references and reasons are known
        late: list[tuple[int, int, str, str, str, date, int]] = []
        due_by_kind: Counter[str] = Counter()
        due_by_officer: Counter[str] = Counter()
        for (case_id, stage_no), (kind, owner_id, ack_by, ack_on, resp_by, resp_on) in stages.items():
            for target, due, done in (("acknowledge", ack_by, ack_on), ("respond", resp_by, resp_on)):
                if due is None or (done is not None and done < as_of) or due > next_sunday:
                    continue
                if due < as_of:
                    days = max(1, look.kind_calendar(kind).working_days_between(due, as_of))
                    late.append((case_id, stage_no, target, kind, look.officer(owner_id), due, days))
                elif due >= next_monday:
                    due_by_kind[kind] += 1
                    due_by_officer[look.officer(owner_id)] += 1
        missing = sorted({item[0] for item in late if item[0] not in references})
        for chunk in _chunks(missing):
            references.update(
                {
                    row[0]: row[1]
                    for row in session.execute(select(Case.id, Case.reference).where(Case.id.in_(chunk)))
                }
            )
        reasons = self._reasons(session, {(item[0], item[1]) for item in late})
        labels = {kind: _label(CaseKind, kind) for kind in {item[3] for item in late}}
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
        return _Position(
            open_count=open_count,
            overdue=tuple(overdue),
            due_next_week=_counts(due_by_kind, CaseKind, order=[k.value for k in CaseKind]),
            open_by_officer=+open_by_officer,
            overdue_by_officer=overdue_by_officer,
            due_by_officer=due_by_officer,
        )

    @staticmethod
    def _reasons(session: Session, wanted: set[tuple[int, int]]) -> dict[tuple[int, int], tuple[str, str]]:
        """Return the recorded missed-target reasons (acknowledge, respond) of the given (case id, stage)s."""
        reasons: dict[tuple[int, int], tuple[str, str]] = {}
        for chunk in _chunks(sorted({case_id for case_id, _ in wanted})):
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

    # -- annual ---------------------------------------------------------------------------------
    def annual_figures(
        self, year: int | None = None, *, start_month: int = YEAR_START_MONTH
    ) -> AnnualFigures:
        """Return the complaints figures of the reporting year that starts in `year` (April to March)."""
        first_year = self.default_year() if year is None else year
        if not 2000 <= first_year <= 2100:
            raise ValidationError(f"{first_year} is not a reporting year.", field="year")
        start = date(first_year, start_month, 1)
        end = date(first_year + 1, start_month, 1) - timedelta(days=1)
        generated_by = self.generated_by()
        with self.ctx.db.read() as session:
            look = _lookups(session)
            rows = session.execute(
                select(
                    CaseStage.id,
                    CaseStage.case_id,
                    CaseStage.stage,
                    CaseStage.policy_id,
                    CaseStage.started_on,
                    CaseStage.acknowledged_on,
                    CaseStage.respond_by,
                    CaseStage.responded_on,
                    CaseStage.outcome,
                    CaseStage.learning,
                    Case.reference,
                    Case.category_id,
                    Case.status,
                )
                .join(Case, Case.id == CaseStage.case_id)
                .where(Case.kind == CaseKind.COMPLAINT.value, CaseStage.started_on.between(start, end))
                .order_by(Case.reference, CaseStage.stage)
            ).all()
            stage_ids = [r.id for r in rows]
            extensions = self._by_stage(session, (Extension.stage_id, Extension.reason), stage_ids)
            remedies = self._by_stage(session, (Remedy.stage_id, Remedy.kind, Remedy.amount_pence), stage_ids)
            stage1_cases = [r.case_id for r in rows if r.stage == 1]
            escalated = set(
                self._scalars_in(
                    session,
                    lambda chunk: select(CaseStage.case_id).where(
                        CaseStage.stage == 2, CaseStage.case_id.in_(chunk)
                    ),
                    stage1_cases,
                )
            )
            late_escalations = int(
                session.scalar(
                    select(func.count())
                    .select_from(CaseStage)
                    .join(Case, Case.id == CaseStage.case_id)
                    .where(
                        Case.kind == CaseKind.COMPLAINT.value,
                        CaseStage.stage == 2,
                        CaseStage.started_on.between(start, end),
                        CaseStage.escalation_late_reason != "",
                    )
                )
                or 0
            )
            ombudsman_rows = session.execute(
                select(Case.ombudsman_decision, func.count())
                .where(Case.kind == CaseKind.OMBUDSMAN.value, Case.received_on.between(start, end))
                .group_by(Case.ombudsman_decision)
            ).all()
        stages = tuple(
            self._stage_figures(n, [r for r in rows if r.stage == n], extensions, look) for n in (1, 2)
        )
        reasons: Counter[str] = Counter(
            " ".join(str(reason).split()) for r in rows for (reason,) in extensions.get(r.id, [])
        )
        remedy_counts: Counter[str] = Counter()
        financial = 0
        for r in rows:
            for kind, amount in remedies.get(r.id, []):
                remedy_counts[kind] += 1
                if kind == RemedyKind.FINANCIAL.value:
                    financial += int(amount or 0)
        answered_stage1 = [r for r in rows if r.stage == 1 and r.responded_on is not None]
        escalation = Ratio(sum(1 for r in answered_stage1 if r.case_id in escalated), len(answered_stage1))
        decisions: Counter[str] = Counter()
        contacts = 0
        for decision, n in ombudsman_rows:
            contacts += int(n)
            decisions[" ".join(decision.split()) if decision and decision.strip() else "No decision yet"] += (
                int(n)
            )
        categories: Counter[str] = Counter(
            look.categories.get(r.category_id or 0, "Not categorised") for r in rows if r.stage == 1
        )
        learning = tuple(
            LearningItem(r.reference, r.stage, r.learning.strip())
            for r in rows
            if r.learning and r.learning.strip()
        )
        return AnnualFigures(
            year=first_year,
            start=start,
            end=end,
            generated_at=self.ctx.now(),
            generated_by=generated_by,
            stages=stages,
            extension_reasons=_counts(reasons),
            remedies=_counts(remedy_counts, RemedyKind, order=[k.value for k in RemedyKind]),
            financial_redress_pence=financial,
            escalation=escalation,
            ombudsman_contacts=contacts,
            ombudsman_decisions=_counts(decisions),
            categories=_counts(categories),
            learning=learning,
            late_escalations=late_escalations,
        )

    @staticmethod
    def _scalars_in(session: Session, make: Any, ids: Sequence[int], chunk: int = 900) -> list[Any]:
        """Run a query per chunk of ids (SQLite limits bound parameters) and join the results."""
        found: list[Any] = []
        for i in range(0, len(ids), chunk):
            found.extend(session.scalars(make(ids[i : i + chunk])))
        return found

    @staticmethod
    def _by_stage(
        session: Session, columns: Sequence[Any], ids: Sequence[int]
    ) -> dict[int, list[tuple[Any, ...]]]:
        """Return the rows of `columns` (the first being a stage id) for the given stage ids, by stage."""
        grouped: dict[int, list[tuple[Any, ...]]] = defaultdict(list)
        for i in range(0, len(ids), 900):
            query = select(*columns).where(columns[0].in_(ids[i : i + 900]))
            for row in session.execute(query).all():
                grouped[row[0]].append(tuple(row[1:]))
        return grouped

    def _stage_figures(
        self,
        stage: int,
        rows: Sequence[Any],
        extensions: dict[int, list[tuple[Any, ...]]],
        look: _Lookups,
    ) -> StageFigures:
        """Return one complaint stage's figures (Code limits: 5 WD to acknowledge, 10 or 20 to reply)."""
        code_days = 10 if stage == 1 else 20
        acknowledged = [r for r in rows if r.acknowledged_on is not None]
        within_5 = sum(
            1
            for r in acknowledged
            if look.calendar(r.policy_id).working_days_between(r.started_on, r.acknowledged_on) <= 5
        )
        responded = [r for r in rows if r.responded_on is not None]
        within_code = 0
        days: list[int] = []
        for r in responded:
            calendar = look.calendar(r.policy_id)
            from_ack = r.acknowledged_on or r.started_on
            if calendar.working_days_between(from_ack, r.responded_on) <= code_days:
                within_code += 1
            days.append(calendar.working_days_between(r.started_on, r.responded_on))
        within_target = sum(
            1 for r in responded if r.respond_by is not None and r.responded_on <= r.respond_by
        )
        outcomes: Counter[str] = Counter(r.outcome for r in responded if r.outcome)
        return StageFigures(
            stage=stage,
            received=len(rows),
            acknowledged=len(acknowledged),
            acknowledged_within_5=within_5,
            responded=len(responded),
            responded_within_code=within_code,
            responded_within_target=within_target,
            extended=sum(1 for r in rows if extensions.get(r.id)),
            still_open=sum(1 for r in rows if r.responded_on is None and r.status == CaseStatus.OPEN.value),
            outcomes=_counts(outcomes, Outcome, order=[o.value for o in Outcome]),
            median_days=_median(days) if days else None,
        )
